import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../fakes/electron.js'));

import { CALL_NAMES, type ApiHandlers } from '../../src-shared/api/contract.js';
import { runDesktopApp, type DesktopCore } from '../../src-main/app/desktop-app.js';
import { DEFAULT_WINDOW_SIZE, WINDOW_STATE_FILE } from '../../src-main/app/window-state.js';
import type { ApiService } from '../../src-main/service/api-service-types.js';
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, resetElectronFake } from '../fakes/electron.js';

let dataDir: string;

function fakeCore() {
  const subscribers = new Set<unknown>();
  const service: ApiService = {
    handlers: Object.fromEntries(CALL_NAMES.map((name) => [name, () => ({})])) as unknown as ApiHandlers,
    subscribe(listener) {
      subscribers.add(listener);
      return () => subscribers.delete(listener);
    },
    dispose: vi.fn(),
    exportTo: vi.fn(),
    importText: vi.fn(),
  };
  let finishStop!: () => void;
  const stop = vi.fn(() => new Promise<void>((resolve) => (finishStop = resolve)));
  const core: DesktopCore = { service, stop };
  return { core, stop, subscribers, finish: () => finishStop() };
}

const run = (start: Parameters<typeof runDesktopApp>[0]['start'], platform: NodeJS.Platform = 'linux') =>
  runDesktopApp({ dataDir, start, rendererDir: path.join(dataDir, 'renderer'), preloadPath: '/dist/preload/preload.cjs', platform });

const flush = () => new Promise((resolve) => setImmediate(resolve));

beforeEach(() => {
  resetElectronFake();
  vi.spyOn(console, 'error').mockImplementation(() => {});
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'flowscope-app-'));
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the desktop app', () => {
  it('gives the core a native save dialog for exports, in Downloads, over the main window', async () => {
    const { core } = fakeCore();
    let saveDialog!: (name: string) => Promise<string | null>;
    app.setPath('downloads', '/home/me/Downloads');
    await run(async (shell) => {
      saveDialog = shell.saveDialog;
      return core;
    });
    dialog.nextSavePath = '/home/me/Downloads/mine.har';
    expect(await saveDialog('flowscope-1.har')).toBe('/home/me/Downloads/mine.har');
    expect(dialog.showSaveDialog).toHaveBeenLastCalledWith(BrowserWindow.instances[0], expect.objectContaining({
      defaultPath: path.join('/home/me/Downloads', 'flowscope-1.har'),
      filters: [{ name: 'HAR (HTTP Archive)', extensions: ['har'] }],
    }));
    dialog.nextSavePath = null;
    expect(await saveDialog('flowscope-1.ndjson')).toBeNull();
  });

  it('starts the core, then serves the renderer over app:// in one secure window with IPC wired', async () => {
    const { core, subscribers } = fakeCore();
    await run(async () => core);
    expect(app.name).toBe('Flowscope');
    expect(app.paths.get('userData')).toBe(path.join(dataDir, 'electron'));
    expect(protocol.privileged).toEqual([expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) })]);
    expect([...protocol.handlers.keys()]).toEqual(['app']);
    expect(ipcMain.handlers.size).toBe(CALL_NAMES.length);
    expect(subscribers.size).toBe(1);
    expect(Menu.applied).not.toBeNull();
    expect(BrowserWindow.instances).toHaveLength(1);
    const [win] = BrowserWindow.instances;
    expect(win!.loadedUrls).toEqual(['app://flowscope/index.html']);
    expect(win!.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, preload: '/dist/preload/preload.cjs' });
    // The guards were installed before the window existed, so they cover it.
    expect(win!.webContents.tryNavigate('https://evil.example/')).toBe(false);
  });

  it('on quit, stops the runtime once (flushing the store) and only then quits', async () => {
    const { core, stop, subscribers, finish } = fakeCore();
    await run(async () => core);
    app.quit();
    app.quit();
    // The service is disposed first (it may put the OS proxy back), then the runtime is stopped.
    await flush();
    expect(stop).toHaveBeenCalledTimes(1);
    expect(app.quitCount).toBe(0);
    expect(core.service.dispose).toHaveBeenCalledTimes(1);
    expect(ipcMain.handlers.size).toBe(0);
    expect(subscribers.size).toBe(0);
    finish();
    await flush();
    expect(app.quitCount).toBe(1);
    expect(stop).toHaveBeenCalledTimes(1);
  });

  it('quits even when stopping fails, and says why', async () => {
    const error = vi.mocked(console.error);
    const { core } = fakeCore();
    await run(async () => ({ ...core, stop: async () => { throw new Error('database is locked'); } }));
    app.quit();
    await flush();
    expect(app.quitCount).toBe(1);
    expect(error).toHaveBeenCalledWith(expect.stringContaining('database is locked'));
  });

  it('shows why it cannot start (port taken, data dir locked) and exits', async () => {
    const message = 'Port 8080 is in use by another program. Use --proxy-port 8090, which is free.';
    await run(async () => {
      throw new Error(message);
    });
    expect(dialog.showErrorBox).toHaveBeenCalledWith('Flowscope could not start', message);
    expect(app.exitCodes).toEqual([1]);
    expect(BrowserWindow.instances).toHaveLength(0);
    expect(app.listenerCount('web-contents-created')).toBe(0);
  });

  it('when the window cannot open once the core runs, says why and shuts the core down cleanly', async () => {
    vi.spyOn(protocol, 'handle').mockImplementation(() => {
      throw new Error('The scheme "app" is already handled.');
    });
    const { core, stop, finish } = fakeCore();
    await run(async () => core);
    expect(dialog.showErrorBox).toHaveBeenCalledWith('Flowscope could not open its window', 'The scheme "app" is already handled.');
    expect(stop).toHaveBeenCalledTimes(1);
    finish();
    await flush();
    expect(app.quitCount).toBe(1);
  });

  it('runs once: a second instance quits, and the first comes forward', async () => {
    const start = vi.fn(async () => fakeCore().core);
    app.singleInstanceLock = false;
    await run(start);
    expect(start).not.toHaveBeenCalled();
    expect(app.quitCount).toBe(1);

    resetElectronFake();
    await run(start);
    const [win] = BrowserWindow.instances;
    win!.minimized = true;
    app.startSecondInstance();
    expect(win).toMatchObject({ minimized: false, visible: true, focused: true });
    expect(BrowserWindow.instances).toHaveLength(1);
  });

  it('quits when the last window closes, except on macOS, where the Dock reopens it', async () => {
    const linux = fakeCore();
    await run(async () => linux.core, 'linux');
    BrowserWindow.instances[0]!.close();
    await flush();
    expect(linux.stop).toHaveBeenCalledTimes(1);

    resetElectronFake();
    const mac = fakeCore();
    await run(async () => mac.core, 'darwin');
    BrowserWindow.instances[0]!.close();
    expect(mac.stop).not.toHaveBeenCalled();
    app.emit('activate');
    expect(BrowserWindow.getAllWindows()).toHaveLength(1);
  });

  it('opens at the default size when window-state.json is corrupt', async () => {
    writeFileSync(path.join(dataDir, WINDOW_STATE_FILE), '{"x": 10, "y": oops');
    await run(async () => fakeCore().core);
    expect(BrowserWindow.instances[0]!.options).toMatchObject(DEFAULT_WINDOW_SIZE);
    expect(BrowserWindow.instances[0]!.options).not.toHaveProperty('x');
  });
});
