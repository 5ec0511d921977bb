import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../fakes/electron.js'));

import { installWebContentsGuards } from '../../src-main/app/guards.js';
import { menuTemplate } from '../../src-main/app/menu.js';
import { createOpenExternal, isSafeExternalUrl } from '../../src-main/app/open-external.js';
import { createRendererProtocolHandler, resolveRendererFile } from '../../src-main/app/renderer-protocol.js';
import { createMainWindow } from '../../src-main/app/window.js';
import { DEFAULT_WINDOW_STATE, loadWindowState, saveWindowState, trackWindowState, WINDOW_STATE_FILE } from '../../src-main/app/window-state.js';
import { CONTENT_SECURITY_POLICY } from '../../src-main/transports/content-security-policy.js';
import { app, BrowserWindow, resetElectronFake, shell } from '../fakes/electron.js';

let dir: string;
beforeEach(() => {
  resetElectronFake();
  dir = mkdtempSync(path.join(os.tmpdir(), 'flowscope-electron-'));
  vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

describe('the secure window', () => {
  it('runs the renderer isolated, sandboxed, without Node, with our preload', () => {
    const win = createMainWindow({ preloadPath: '/app/preload.cjs', url: 'app://flowscope/index.html', state: DEFAULT_WINDOW_STATE }) as unknown as BrowserWindow;
    expect(win.options.webPreferences).toMatchObject({
      preload: '/app/preload.cjs', contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false, webSecurity: true, allowRunningInsecureContent: false, webviewTag: false,
    });
    expect(win.loadedUrls).toEqual(['app://flowscope/index.html']);
    // Shown only once painted; device permissions all refused.
    expect(win.visible).toBe(false);
    win.emit('ready-to-show');
    expect(win.visible).toBe(true);
    const answers: boolean[] = [];
    win.webContents.session.permissionHandler!(win.webContents, 'media', (granted: boolean) => answers.push(granted));
    expect(answers).toEqual([false]);
  });

  it('denies navigation, redirects, webviews and new windows in every web contents', () => {
    installWebContentsGuards(app as never, createOpenExternal(shell));
    const win = new BrowserWindow({});
    expect(win.webContents.tryNavigate('https://evil.example/')).toBe(false);
    expect(win.webContents.tryNavigate('app://flowscope/other.html')).toBe(false);
    expect(win.webContents.tryNavigate('https://evil.example/', 'will-redirect')).toBe(false);
    expect(win.webContents.tryNavigate('https://evil.example/', 'will-attach-webview')).toBe(false);
    expect(win.webContents.tryOpenWindow('javascript:alert(1)')).toBe('deny');
    expect(win.webContents.tryOpenWindow('https://docs.example/help')).toBe('deny');
    // The http link went to the OS browser instead; the javascript: one went nowhere.
    expect(shell.openExternal.mock.calls).toEqual([['https://docs.example/help']]);
  });
});

describe('openExternal', () => {
  it.each(['file:///etc/passwd', 'javascript:alert(1)', 'app://flowscope/index.html', 'smb://host/share', 'vscode://x', 'data:text/html,hi', 'not a url', 'http://'])(
    'refuses %s',
    (url) => {
      expect(isSafeExternalUrl(url)).toBe(false);
      expect(createOpenExternal(shell)(url)).toBe(false);
      expect(shell.openExternal).not.toHaveBeenCalled();
    },
  );

  it('opens http and https in the default browser', () => {
    const open = createOpenExternal(shell);
    expect(open('http://example.com/a')).toBe(true);
    expect(open('https://example.com/b?q=1')).toBe(true);
    expect(shell.openExternal.mock.calls).toEqual([['http://example.com/a'], ['https://example.com/b?q=1']]);
  });
});

describe('the app:// protocol', () => {
  let root: string;
  beforeEach(() => {
    root = path.join(dir, 'renderer');
    mkdirSync(path.join(root, 'assets'), { recursive: true });
    writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Flowscope</title>');
    writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(path.join(dir, 'secret.txt'), 'the CA key');
  });

  it('serves the renderer files with the CSP', async () => {
    const handle = createRendererProtocolHandler(root);
    const index = await handle(new Request('app://flowscope/'));
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await index.text()).toContain('<title>Flowscope</title>');
    const script = await handle(new Request('app://flowscope/assets/app.js'));
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await handle(new Request('app://flowscope/missing.js'))).status).toBe(404);
    expect((await handle(new Request('app://flowscope/assets'))).status).toBe(404);
  });

  it.each([
    'app://flowscope/..%2fsecret.txt',
    'app://flowscope/assets/..%2f..%2fsecret.txt',
    'app://flowscope/..%5csecret.txt',
    'app://flowscope/index.html%00.js',
    'app://flowscope/%E0%A4%A',
    'app://other/index.html',
    'file:///etc/passwd',
  ])('refuses %s', async (url) => {
    expect(resolveRendererFile(root, url)).toBeNull();
    const response = await createRendererProtocolHandler(root)(new Request(url));
    expect(response.status).toBe(403);
    expect(await response.text()).not.toContain('the CA key');
  });

  it('keeps plain and %2e%2e dot segments inside the folder (the URL parser resolves them at the root)', () => {
    expect(resolveRendererFile(root, 'app://flowscope/../../secret.txt')).toBe(path.join(root, 'secret.txt'));
    expect(resolveRendererFile(root, 'app://flowscope/%2e%2e/secret.txt')).toBe(path.join(root, 'secret.txt'));
    expect(resolveRendererFile(root, 'app://flowscope/assets/../index.html')).toBe(path.join(root, 'index.html'));
  });
});

describe('window state', () => {
  const screens = [{ x: 0, y: 0, width: 1920, height: 1080 }];

  it('gives the defaults for a missing, corrupt or nonsensical file, never a crash', () => {
    expect(loadWindowState(dir, screens)).toEqual(DEFAULT_WINDOW_STATE);
    for (const text of ['{"width": 9', '', 'null', '[]', '{"width":"wide","height":800}', '{"width":10,"height":10}']) {
      writeFileSync(path.join(dir, WINDOW_STATE_FILE), text);
      expect(loadWindowState(dir, screens)).toEqual(DEFAULT_WINDOW_STATE);
    }
    writeFileSync(path.join(dir, WINDOW_STATE_FILE), Buffer.from([0xff, 0xfe, 0x00, 0x01]));
    expect(loadWindowState(dir, screens)).toEqual(DEFAULT_WINDOW_STATE);
  });

  it('remembers bounds that are on a display, and resets bounds that are not', () => {
    saveWindowState(dir, { x: 100, y: 50, width: 1000, height: 700, maximized: true });
    expect(loadWindowState(dir, screens)).toEqual({ x: 100, y: 50, width: 1000, height: 700, maximized: true });
    // The second monitor it was on is gone.
    saveWindowState(dir, { x: 2500, y: 100, width: 1000, height: 700, maximized: false });
    expect(loadWindowState(dir, screens)).toEqual(DEFAULT_WINDOW_STATE);
    // Only a sliver left on screen is off-screen too.
    saveWindowState(dir, { x: 1900, y: 100, width: 1000, height: 700, maximized: false });
    expect(loadWindowState(dir, screens)).toEqual(DEFAULT_WINDOW_STATE);
  });

  it('saves when the window closes, and leaves no timer behind once disposed', () => {
    vi.useFakeTimers();
    try {
      const win = new BrowserWindow({ x: 10, y: 20, width: 900, height: 600 });
      const tracking = trackWindowState(win as never, dir);
      win.emit('resize');
      expect(vi.getTimerCount()).toBe(1);
      win.close();
      expect(JSON.parse(readFileSync(path.join(dir, WINDOW_STATE_FILE), 'utf8'))).toEqual({ x: 10, y: 20, width: 900, height: 600, maximized: false });
      win.emit('move');
      tracking.dispose();
      expect(vi.getTimerCount()).toBe(0);
      expect(win.listenerCount('resize') + win.listenerCount('close')).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('the application menu', () => {
  const labels = (platform: NodeJS.Platform) => menuTemplate(platform).map((m) => m.label);
  const roles = (platform: NodeJS.Platform, label: string) =>
    (menuTemplate(platform).find((m) => m.label === label)!.submenu as Array<{ role?: string }>).map((i) => i.role).filter(Boolean);

  it('has the macOS app menu on macOS only', () => {
    expect(labels('darwin')).toEqual(['Flowscope', 'File', 'Edit', 'View', 'Window']);
    expect(labels('linux')).toEqual(['File', 'Edit', 'View', 'Window']);
    expect(roles('darwin', 'Flowscope')).toContain('quit');
    expect(roles('win32', 'File')).toEqual(['quit']);
  });

  it('has the edit, view and window shortcuts', () => {
    for (const platform of ['darwin', 'linux', 'win32'] as const) {
      expect(roles(platform, 'Edit')).toEqual(expect.arrayContaining(['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll']));
      expect(roles(platform, 'View')).toEqual(expect.arrayContaining(['reload', 'toggleDevTools', 'resetZoom', 'zoomIn', 'zoomOut']));
      expect(roles(platform, 'Window')).toContain('minimize');
    }
  });
});
