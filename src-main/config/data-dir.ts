import os from 'node:os';
import path from 'node:path';

export const APP_NAME = 'Flowscope';

/**
 * The platform's app-data folder, the same one Electron's app.getPath('userData') gives for our
 * app name, so the CLI and the desktop app share the CA and the store.
 */
export function platformDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform, home = os.homedir()): string {
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_NAME);
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_NAME);
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), APP_NAME);
}

/** --data-dir, else FLOWSCOPE_DATA_DIR, else the platform's app-data folder. */
export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = flag || env.FLOWSCOPE_DATA_DIR;
  return chosen ? path.resolve(chosen) : platformDataDir(env);
}
