/**
 * Guards on every web contents the app ever creates: the renderer shows untrusted, intercepted
 * content, so no page may navigate the window away from the app, open windows or attach a
 * webview. Links meant for the user go to the OS browser through the vetted openExternal.
 */
import type { App, Event, WebContents } from 'electron';
import type { Disposable } from '../../src-shared/util/disposable.js';
import type { OpenExternal } from './open-external.js';

export function guardWebContents(contents: WebContents, openExternal: OpenExternal): void {
  contents.on('will-navigate', (event: Event, url: string) => {
    event.preventDefault();
    console.error(`Flowscope: blocked navigation to ${JSON.stringify(url)}.`);
  });
  contents.on('will-redirect', (event: Event) => event.preventDefault());
  contents.on('will-attach-webview', (event: Event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openExternal(url);
    return { action: 'deny' };
  });
}

export function installWebContentsGuards(app: Pick<App, 'on' | 'off'>, openExternal: OpenExternal): Disposable {
  const onCreated = (_event: Event, contents: WebContents) => guardWebContents(contents, openExternal);
  app.on('web-contents-created', onCreated);
  return { dispose: () => app.off('web-contents-created', onCreated) };
}
