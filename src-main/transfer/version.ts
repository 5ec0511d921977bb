import { readFileSync } from 'node:fs';

/** Flowscope's version, from its package.json (two folders above the compiled file). */
export const FLOWSCOPE_VERSION: string = (() => {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
})();
