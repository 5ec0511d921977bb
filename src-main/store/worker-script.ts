import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The compiled worker script `name` beside this file; when running from TypeScript sources
 * (tests), the one `npm run build` put in dist/. Null when neither exists.
 */
export function workerScript(name: string): URL | null {
  const sibling = new URL(`./${name}`, import.meta.url);
  if (existsSync(fileURLToPath(sibling))) return sibling;
  const built = new URL(sibling.href.replace('/src-main/store/', '/dist/src-main/store/'));
  return existsSync(fileURLToPath(built)) ? built : null;
}
