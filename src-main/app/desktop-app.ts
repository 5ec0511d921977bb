/**
 * The desktop shell around one running Flowscope: window, protocol, guards, menu, IPC, single
 * instance and shutdown. src-main/index.ts hands it the data directory and a way to start the
 * core (runtime + service); everything Electron-specific happens here.
 */
import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, protocol, screen, shell } from 'electron';
import { APP_NAME } from '../config/data-dir.js';
import type { ApiService } from '../service/api-service-types.js';
import type { Disposable } from '../../src-shared/util/disposable.js';
import { appMainFrameOnly, registerIpc } from '../transports/ipc/index.js';
import { installWebContentsGuards } from './guards.js';
import { claimSingleInstance, installCleanShutdown } from './lifecycle.js';
import { installApplicationMenu } from './menu.js';
import { createOpenExternal } from './open-external.js';
import { createSaveDialog } from './save-dialog.js';
import type { SaveDialog } from '../service/transfer-service.js';
import { APP_BASE_URL, APP_SCHEME, ICON_PATH, PRELOAD_PATH, RENDERER_DIR } from './paths.js';
import { installTray } from './tray.js';
import { APP_SCHEME_PRIVILEGES, createRendererProtocolHandler } from './renderer-protocol.js';
import { createMainWindow, focusWindow } from './window.js';
import { loadWindowState, trackWindowState } from './window-state.js';

export interface DesktopCore {
  service: ApiService;
  /** Stops the proxy and flushes and closes the store. */
  stop(): Promise<void>;
}

export interface DesktopOptions {
  dataDir: string;
  /** Starts the core; `saveDialog` is the native save dialog, for the service's exports. */
  start: (shell: { saveDialog: SaveDialog }) => Promise<DesktopCore>;
  rendererDir?: string;
  preloadPath?: string;
  platform?: NodeJS.Platform;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Runs the app until it quits. Never rejects: a failure to start is shown, then the app exits. */
export async function runDesktopApp(options: DesktopOptions): Promise<void> {
  const { dataDir, platform = process.platform } = options;
  app.setName(APP_NAME);
  // Chromium's own profile (caches, storage) and the single-instance lock go with the data
  // directory, so two data directories are two independent apps, and neither mixes with the store.
  app.setPath('userData', path.join(dataDir, 'electron'));
  // Must happen before 'ready'.
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

  let mainWindow: BrowserWindow | null = null;
  if (!claimSingleInstance(app, () => mainWindow && !mainWindow.isDestroyed() && focusWindow(mainWindow))) {
    app.quit();
    return;
  }
  const disposables: Disposable[] = [installWebContentsGuards(app, createOpenExternal(shell))];

  let core: DesktopCore;
  try {
    await app.whenReady();
    const saveDialog = createSaveDialog(dialog, () => app.getPath('downloads'), () => (mainWindow && !mainWindow.isDestroyed() ? mainWindow : null));
    core = await options.start({ saveDialog });
  } catch (error) {
    for (const d of disposables) d.dispose();
    dialog.showErrorBox(`${APP_NAME} could not start`, messageOf(error));
    app.exit(1);
    return;
  }

  // Not among the disposables it runs: it must keep holding later quits until the store is closed.
  installCleanShutdown(app, async () => {
    for (const d of disposables.splice(0).reverse()) d.dispose();
    await core.service.dispose();
    await core.stop();
  });
  try {
    protocol.handle(APP_SCHEME, createRendererProtocolHandler(options.rendererDir ?? RENDERER_DIR));
    disposables.push({ dispose: () => protocol.unhandle(APP_SCHEME) });
    installApplicationMenu(platform);
    disposables.push(
      registerIpc(ipcMain, core.service, appMainFrameOnly(APP_BASE_URL), () =>
        mainWindow && !mainWindow.isDestroyed() ? [mainWindow.webContents] : [],
      ),
    );

    const openWindow = () => {
      const state = loadWindowState(dataDir, screen.getAllDisplays().map((d) => d.workArea));
      const win = createMainWindow({ preloadPath: options.preloadPath ?? PRELOAD_PATH, url: `${APP_BASE_URL}index.html`, state });
      const tracking = trackWindowState(win, dataDir);
      win.on('closed', () => {
        tracking.dispose();
        if (mainWindow === win) mainWindow = null;
      });
      mainWindow = win;
    };
    openWindow();
    disposables.push(installTray({
      iconPath: ICON_PATH,
      service: core.service,
      showWindow: () => (mainWindow && !mainWindow.isDestroyed() ? focusWindow(mainWindow) : openWindow()),
      quit: () => app.quit(),
      report: (title, message) => dialog.showErrorBox(title, message),
    }));

    // macOS keeps an app (and here the proxy) running without windows; the Dock icon reopens one.
    const onAllClosed = () => platform !== 'darwin' && app.quit();
    const onActivate = () => mainWindow === null && openWindow();
    app.on('window-all-closed', onAllClosed);
    app.on('activate', onActivate);
    disposables.push({
      dispose: () => {
        app.off('window-all-closed', onAllClosed);
        app.off('activate', onActivate);
      },
    });
  } catch (error) {
    // The core is running: quitting goes through the clean shutdown above, so the store is flushed.
    dialog.showErrorBox(`${APP_NAME} could not open its window`, messageOf(error));
    app.quit();
  }
}
