/** Intercepted terminals and `flowscope run`: the environment, the files it points at, the terminal to open. */
import { readFileSync } from 'node:fs';
import { writeCaBundle } from './ca-bundle.js';
import { interceptEnv, interceptVariables } from './intercept-env.js';
import { writeNodePreload } from './preload-file.js';

export { writeCaBundle } from './ca-bundle.js';
export { interceptEnv, interceptVariables, nodeRequireOption, type InterceptEnvOptions } from './intercept-env.js';
export { writeNodePreload } from './preload-file.js';
export { findOnPath, launchTerminal, terminalLaunch, type TerminalLaunch, type TerminalLaunchOptions } from './new-terminal.js';

export interface TerminalEnvOptions {
  dataDir: string;
  proxyUrl: string;
  caCertPath: string;
  /** Default: this process's environment. */
  baseEnv?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
}

/**
 * Writes the CA bundle and the Node preload into the data directory and returns what an
 * intercepted program needs: `env`, the whole environment to start it with, and `variables`, only
 * the ones Flowscope sets (for a terminal script to export).
 */
export function prepareIntercept(options: TerminalEnvOptions): { env: NodeJS.ProcessEnv; variables: Record<string, string> } {
  const settings = {
    proxyUrl: options.proxyUrl,
    caCertPath: options.caCertPath,
    bundlePath: writeCaBundle(options.dataDir, readFileSync(options.caCertPath, 'utf8')),
    preloadPath: writeNodePreload(options.dataDir),
    baseEnv: options.baseEnv ?? process.env,
    ...(options.platform && { platform: options.platform }),
  };
  return { env: interceptEnv(settings), variables: interceptVariables(settings) };
}
