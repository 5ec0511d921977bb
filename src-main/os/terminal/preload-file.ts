/**
 * Puts the Node preload in the data directory, where any Node can load it: the packaged app keeps
 * its own files inside an archive that only Electron can read, and dist/ holds only what tsc
 * compiles. The source file sits next to this module in the repository (read from src-main/ when
 * running compiled from dist/).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeIfChanged } from './write-if-changed.js';

export const NODE_PRELOAD_FILE = 'terminal-node-preload.cjs';

const CANDIDATES = [
  new URL('./node-preload.cjs', import.meta.url),
  new URL('../../../../src-main/os/terminal/node-preload.cjs', import.meta.url),
];

function preloadSource(): string {
  const found = CANDIDATES.map((url) => fileURLToPath(url)).find((file) => existsSync(file));
  if (!found) {
    throw new Error(`Flowscope's Node preload (node-preload.cjs) is missing from ${fileURLToPath(CANDIDATES[0]!)}. Reinstall or rebuild Flowscope.`);
  }
  return readFileSync(found, 'utf8');
}

/** Writes <dataDir>/terminal-node-preload.cjs (mode 0644, only when it changes); returns its path. */
export function writeNodePreload(dataDir: string): string {
  const file = path.join(dataDir, NODE_PRELOAD_FILE);
  writeIfChanged(file, preloadSource(), 0o644);
  return file;
}
