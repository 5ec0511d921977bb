import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { platformDataDir, resolveDataDir } from '../../src-main/config/data-dir.js';

describe('data directory', () => {
  it('prefers --data-dir, then FLOWSCOPE_DATA_DIR, then the app-data folder', () => {
    const env = { FLOWSCOPE_DATA_DIR: '/from/env', XDG_CONFIG_HOME: '/xdg' };
    expect(resolveDataDir('/from/flag', env)).toBe(path.resolve('/from/flag'));
    expect(resolveDataDir(undefined, env)).toBe(path.resolve('/from/env'));
    expect(resolveDataDir(undefined, { XDG_CONFIG_HOME: '/xdg' })).toBe(platformDataDir({ XDG_CONFIG_HOME: '/xdg' }));
  });

  it("matches Electron's userData folder for our app name on each platform", () => {
    expect(platformDataDir({}, 'linux', '/home/ana')).toBe(path.join('/home/ana', '.config', 'Flowscope'));
    expect(platformDataDir({ XDG_CONFIG_HOME: '/cfg' }, 'linux', '/home/ana')).toBe(path.join('/cfg', 'Flowscope'));
    expect(platformDataDir({}, 'darwin', '/Users/ana')).toBe(path.join('/Users/ana', 'Library', 'Application Support', 'Flowscope'));
    expect(platformDataDir({ APPDATA: 'C:\\Users\\ana\\AppData\\Roaming' }, 'win32', 'C:\\Users\\ana')).toBe(
      path.join('C:\\Users\\ana\\AppData\\Roaming', 'Flowscope'),
    );
  });
});
