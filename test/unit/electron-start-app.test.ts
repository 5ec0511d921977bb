import { EventEmitter } from 'node:events';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BROWSER_MODE_NOTICE, defaultIo, findElectronBinary, startApp, type StartAppIo } from '../../src-main/cli/start-app.js';

const ELECTRON_DIR = '/repo/node_modules/electron';
const PATHS = { electronMain: '/repo/dist/src-main/index.js', cli: '/repo/bin/flowscope.js' };

class FakeChild extends EventEmitter {
  readonly killed: string[] = [];
  kill(signal?: NodeJS.Signals | number): boolean {
    this.killed.push(String(signal));
    return true;
  }
}

/** A machine with the given files; records what would be spawned and printed. */
function machine(files: Record<string, string>, env: NodeJS.ProcessEnv = {}) {
  const spawned: Array<{ command: string; args: readonly string[]; env: NodeJS.ProcessEnv | undefined }> = [];
  const printed: string[] = [];
  const signals = new Map<string, () => void>();
  const child = new FakeChild();
  const io: StartAppIo = {
    existsSync: (file) => Object.hasOwn(files, file),
    readFileSync: (file) => {
      if (!Object.hasOwn(files, file)) throw Object.assign(new Error(`ENOENT: ${file}`), { code: 'ENOENT' });
      return files[file]!;
    },
    spawn: (command, args, options) => {
      spawned.push({ command, args, env: options.env });
      return child as never;
    },
    electronPackageDir: () => (Object.hasOwn(files, path.join(ELECTRON_DIR, 'package.json')) ? ELECTRON_DIR : null),
    env,
    execPath: '/usr/bin/node',
    platform: 'linux',
    printLine: (line) => printed.push(line),
    onSignal: (signal, handler) => {
      signals.set(signal, handler);
      return () => signals.delete(signal);
    },
  };
  return { io, spawned, printed, child, signals };
}

const electronPackage = { [path.join(ELECTRON_DIR, 'package.json')]: '{}' };

describe('npm start', () => {
  it('falls back to browser mode with one line when the Electron binary was never downloaded', async () => {
    // What this machine has: the npm package, but no path.txt and no dist/.
    const m = machine(electronPackage);
    const exit = startApp(['--data-dir', '/tmp/x'], m.io, PATHS);
    m.child.emit('exit', 3, null);
    expect(await exit).toBe(3);
    expect(m.printed).toEqual([BROWSER_MODE_NOTICE]);
    expect(BROWSER_MODE_NOTICE).toBe('Electron is not available on this machine (its binary is not installed); starting Flowscope in browser mode instead.');
    expect(m.spawned).toEqual([{ command: '/usr/bin/node', args: ['/repo/bin/flowscope.js', 'serve', '--open', '--data-dir', '/tmp/x'], env: {} }]);
    expect(m.signals.size).toBe(0);
  });

  it('falls back too when path.txt names a binary that is not there, or the package is absent', () => {
    expect(findElectronBinary(machine({ ...electronPackage, [path.join(ELECTRON_DIR, 'path.txt')]: 'electron' }).io)).toBeNull();
    expect(findElectronBinary(machine({}).io)).toBeNull();
  });

  it('starts Electron with the built main entry when the binary is installed', async () => {
    const binary = path.join(ELECTRON_DIR, 'dist', 'electron');
    const m = machine({ ...electronPackage, [path.join(ELECTRON_DIR, 'path.txt')]: 'electron', [binary]: '' }, { ELECTRON_RUN_AS_NODE: '1', HOME: '/home/u' });
    const exit = startApp(['--verbose'], m.io, PATHS);
    // Ctrl+C is forwarded once to the child.
    m.signals.get('SIGINT')!();
    expect(m.child.killed).toEqual(['SIGINT']);
    // Closing the terminal reaches the child too, so no proxy is left behind.
    m.signals.get('SIGHUP')!();
    expect(m.child.killed).toEqual(['SIGINT', 'SIGHUP']);
    m.child.emit('exit', null, 'SIGINT');
    expect(await exit).toBe(130);
    expect(m.printed).toEqual([]);
    expect(m.spawned).toEqual([{ command: binary, args: ['/repo/dist/src-main/index.js', '--verbose'], env: { HOME: '/home/u' } }]);
    expect(m.signals.size).toBe(0);
  });

  it('finds no binary on this machine by reading files only (no download, no hang)', () => {
    const io = defaultIo();
    expect(io.electronPackageDir()).toMatch(/node_modules[\\/]electron$/);
    expect(findElectronBinary({ ...io, env: {} })).toBeNull();
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH like the electron package does', () => {
    const m = machine({ ...electronPackage, '/opt/electron/electron': '' }, { ELECTRON_OVERRIDE_DIST_PATH: '/opt/electron' });
    expect(findElectronBinary(m.io)).toBe('/opt/electron/electron');
  });

  it('says so and exits 1 when the command cannot be spawned', async () => {
    const m = machine(electronPackage);
    const exit = startApp([], m.io, PATHS);
    m.child.emit('error', new Error('spawn /usr/bin/node EACCES'));
    expect(await exit).toBe(1);
    expect(m.printed).toEqual([BROWSER_MODE_NOTICE, 'Cannot start /usr/bin/node (spawn /usr/bin/node EACCES).']);
  });
});
