/**
 * The secure window factory: the renderer shows intercepted, untrusted content, so it runs
 * sandboxed and isolated, with no Node, and reaches the main process only through window.api.
 */
import { BrowserWindow, type BrowserWindowConstructorOptions, type WebPreferences } from 'electron';
import { APP_NAME } from '../config/data-dir.js';
import type { WindowState } from './window-state.js';

export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

export interface MainWindowOptions {
  preloadPath: string;
  url: string;
  state: WindowState;
}

export function createMainWindow({ preloadPath, url, state }: MainWindowOptions): BrowserWindow {
  const options: BrowserWindowConstructorOptions = {
    title: APP_NAME,
    width: state.width,
    height: state.height,
    ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
    minWidth: 400,
    minHeight: 300,
    // Shown once painted, so the user never sees a blank white frame.
    show: false,
    backgroundColor: '#1e1e1e',
    webPreferences: secureWebPreferences(preloadPath),
  };
  const win = new BrowserWindow(options);
  win.once('ready-to-show', () => {
    if (state.maximized) win.maximize();
    win.show();
  });
  // Nothing in the renderer needs a device permission (camera, notifications, ...): deny all.
  win.webContents.session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  void win.loadURL(url);
  return win;
}

/** Brings the window forward, e.g. when the user starts Flowscope a second time. */
export function focusWindow(win: Pick<BrowserWindow, 'isMinimized' | 'restore' | 'show' | 'focus'>): void {
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}
