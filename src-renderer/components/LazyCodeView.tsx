/** Monaco is most of the bundle: it loads the first time a body or message is shown, not at start-up. */
import { lazy, Suspense, type ComponentProps } from 'react';

const CodeView = lazy(() => import('./CodeView.js'));

export function LazyCodeView(props: ComponentProps<typeof CodeView>) {
  return (
    <Suspense fallback={<p className="muted">Loading the viewer…</p>}>
      <CodeView {...props} />
    </Suspense>
  );
}
