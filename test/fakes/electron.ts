/**
 * A stand-in for the 'electron' module, for `vi.mock('electron', () => import('../fakes/electron.js'))`.
 * Electron's binary cannot run here, so this records what our code asks of Electron and lets a
 * test fire the events Electron would fire. It models only the behaviour our code relies on:
 * preventable events, one handler per IPC channel, renderer invokes routed to ipcMain handlers
 * with a sender frame the test chooses, and 'web-contents-created' on every new window.
 */
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

export class FakeEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

export interface FakeFrame {
  url: string;
  parent: FakeFrame | null;
}

export function mainFrame(url: string): FakeFrame {
  return { url, parent: null };
}

export function subFrame(url: string, parentUrl = 'app://flowscope/index.html'): FakeFrame {
  return { url, parent: mainFrame(parentUrl) };
}

type WindowOpenHandler = (details: { url: string }) => { action: 'allow' | 'deny' };

export class FakeWebContents extends EventEmitter {
  destroyed = false;
  windowOpenHandler: WindowOpenHandler | null = null;
  readonly sent: Array<{ channel: string; args: unknown[] }> = [];
  readonly mainFrame = mainFrame('app://flowscope/index.html');
  readonly session = {
    permissionHandler: null as null | ((...args: unknown[]) => void),
    setPermissionRequestHandler(handler: (...args: unknown[]) => void) {
      this.permissionHandler = handler;
    },
  };

  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  setWindowOpenHandler(handler: WindowOpenHandler): void {
    this.windowOpenHandler = handler;
  }

  /** What Electron does when the page tries to navigate: true when our code let it. */
  tryNavigate(url: string, eventName = 'will-navigate'): boolean {
    const event = new FakeEvent();
    this.emit(eventName, event, url);
    return !event.defaultPrevented;
  }

  /** What Electron does on window.open or a target=_blank link. */
  tryOpenWindow(url: string): 'allow' | 'deny' {
    return this.windowOpenHandler ? this.windowOpenHandler({ url }).action : 'allow';
  }
}

interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export class BrowserWindow extends EventEmitter {
  static instances: BrowserWindow[] = [];
  static getAllWindows(): BrowserWindow[] {
    return BrowserWindow.instances.filter((w) => !w.destroyed);
  }

  readonly webContents = new FakeWebContents();
  readonly loadedUrls: string[] = [];
  destroyed = false;
  visible = false;
  focused = false;
  minimized = false;
  maximized = false;
  bounds: Rect;

  constructor(readonly options: Record<string, unknown>) {
    super();
    const o = options as Partial<Rect>;
    this.bounds = { x: o.x ?? 0, y: o.y ?? 0, width: o.width ?? 800, height: o.height ?? 600 };
    BrowserWindow.instances.push(this);
    app.emit('web-contents-created', new FakeEvent(), this.webContents);
  }

  async loadURL(url: string): Promise<void> {
    this.loadedUrls.push(url);
  }
  show(): void {
    this.visible = true;
  }
  focus(): void {
    this.focused = true;
  }
  restore(): void {
    this.minimized = false;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  maximize(): void {
    this.maximized = true;
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  getNormalBounds(): Rect {
    return { ...this.bounds };
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  close(): void {
    const event = new FakeEvent();
    this.emit('close', event);
    if (event.defaultPrevented) return;
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
    if (BrowserWindow.getAllWindows().length === 0) app.emit('window-all-closed');
  }
}

class FakeApp extends EventEmitter {
  singleInstanceLock = true;
  readonly exitCodes: number[] = [];
  /** Times a quit went through (not held by a before-quit handler). */
  quitCount = 0;
  name = 'Electron';
  readonly paths = new Map<string, string>();

  whenReady(): Promise<void> {
    return Promise.resolve();
  }
  requestSingleInstanceLock(): boolean {
    return this.singleInstanceLock;
  }
  quit(): void {
    const event = new FakeEvent();
    this.emit('before-quit', event);
    if (!event.defaultPrevented) this.quitCount += 1;
  }
  exit(code = 0): void {
    this.exitCodes.push(code);
  }
  setName(name: string): void {
    this.name = name;
  }
  getName(): string {
    return this.name;
  }
  setPath(name: string, value: string): void {
    this.paths.set(name, value);
  }
  getPath(name: string): string {
    return this.paths.get(name) ?? `/fake/${name}`;
  }
  /** Like the user starting the app again while this one runs. */
  startSecondInstance(): void {
    this.emit('second-instance', new FakeEvent(), [], process.cwd());
  }
}

export const app = new FakeApp();

type InvokeHandler = (event: { sender: FakeWebContents; senderFrame: FakeFrame | null }, ...args: unknown[]) => unknown;

class FakeIpcMain {
  readonly handlers = new Map<string, InvokeHandler>();
  handle(channel: string, handler: InvokeHandler): void {
    // Electron throws on a second handler for one channel; so does the fake.
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** A call from a renderer frame, as Electron delivers it to the handler. */
  async invokeFrom(frame: FakeFrame | null, channel: string, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`);
    return handler({ sender: new FakeWebContents(), senderFrame: frame }, ...args);
  }
}

export const ipcMain = new FakeIpcMain();

class FakeIpcRenderer extends EventEmitter {
  /** The frame the fake renderer calls from. */
  frame: FakeFrame | null = mainFrame('app://flowscope/index.html');
  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    return ipcMain.invokeFrom(this.frame, channel, ...args);
  }
  /** What webContents.send looks like on the renderer side. */
  deliver(channel: string, ...args: unknown[]): void {
    this.emit(channel, { sender: this }, ...args);
  }
}

export const ipcRenderer = new FakeIpcRenderer();

export const contextBridge = {
  exposed: new Map<string, unknown>(),
  exposeInMainWorld(key: string, api: unknown): void {
    if (contextBridge.exposed.has(key)) throw new Error(`Cannot bind an API on top of an existing property on the window object: ${key}`);
    contextBridge.exposed.set(key, api);
  },
};

type ProtocolHandler = (request: Request) => Promise<Response> | Response;

export const protocol = {
  privileged: [] as unknown[],
  handlers: new Map<string, ProtocolHandler>(),
  registerSchemesAsPrivileged(schemes: unknown[]): void {
    protocol.privileged.push(...schemes);
  },
  handle(scheme: string, handler: ProtocolHandler): void {
    protocol.handlers.set(scheme, handler);
  },
  unhandle(scheme: string): void {
    protocol.handlers.delete(scheme);
  },
};

export const shell = { openExternal: vi.fn(async (_url: string) => {}) };
export const dialog = {
  showErrorBox: vi.fn((_title: string, _content: string) => {}),
  /** What the person "picks" in the next save dialog (null: cancel). */
  nextSavePath: null as string | null,
  showSaveDialog: vi.fn(async (..._args: unknown[]) => {
    const filePath = dialog.nextSavePath;
    return filePath === null ? { canceled: true, filePath: '' } : { canceled: false, filePath };
  }),
};

export class Tray extends EventEmitter {
  static instances: Tray[] = [];
  menu: { template: unknown[] } | null = null;
  tooltip = '';
  destroyed = false;
  constructor(readonly image: unknown) {
    super();
    Tray.instances.push(this);
  }
  setToolTip(text: string): void {
    this.tooltip = text;
  }
  setContextMenu(menu: { template: unknown[] }): void {
    this.menu = menu;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

export const nativeImage = {
  createFromPath: (file: string) => ({ file, resize: (size: { width: number; height: number }) => ({ file, size }) }),
};

export const Menu = {
  applied: null as null | { template: unknown[] },
  buildFromTemplate(template: unknown[]): { template: unknown[] } {
    return { template };
  },
  setApplicationMenu(menu: { template: unknown[] } | null): void {
    Menu.applied = menu;
  },
};

export const screen = {
  workAreas: [{ x: 0, y: 0, width: 1920, height: 1080 }] as Rect[],
  getAllDisplays(): Array<{ workArea: Rect }> {
    return screen.workAreas.map((workArea) => ({ workArea }));
  },
};

export const session = {
  defaultSession: {
    webRequest: { onHeadersReceived: vi.fn() },
    setPermissionRequestHandler: vi.fn(),
  },
};

/** Back to a freshly started Electron; call in beforeEach. */
export function resetElectronFake(): void {
  app.removeAllListeners();
  app.singleInstanceLock = true;
  app.exitCodes.length = 0;
  app.quitCount = 0;
  app.name = 'Electron';
  app.paths.clear();
  BrowserWindow.instances = [];
  ipcMain.handlers.clear();
  ipcRenderer.removeAllListeners();
  ipcRenderer.frame = mainFrame('app://flowscope/index.html');
  contextBridge.exposed.clear();
  protocol.privileged.length = 0;
  protocol.handlers.clear();
  shell.openExternal.mockClear();
  dialog.showErrorBox.mockClear();
  dialog.showSaveDialog.mockClear();
  dialog.nextSavePath = null;
  Menu.applied = null;
  Tray.instances = [];
  screen.workAreas = [{ x: 0, y: 0, width: 1920, height: 1080 }];
  session.defaultSession.webRequest.onHeadersReceived.mockClear();
  session.defaultSession.setPermissionRequestHandler.mockClear();
}

export default {
  app, BrowserWindow, contextBridge, dialog, ipcMain, ipcRenderer, Menu, nativeImage, protocol, screen, session, shell, Tray,
};
