/**
 * The tray icon: one click sends the whole system through Flowscope and back, and the window can
 * be brought back from there (the proxy keeps running while the window is closed on macOS).
 */
import { Menu, nativeImage, Tray, type MenuItemConstructorOptions } from 'electron';
import { APP_NAME } from '../config/data-dir.js';
import type { ApiService } from '../service/api-service-types.js';
import type { Disposable } from '../../src-shared/util/disposable.js';

export interface TrayOptions {
  iconPath: string;
  service: ApiService;
  showWindow(): void;
  quit(): void;
  /** Where a failure is said (a dialog); the tray has no room for it. */
  report(title: string, message: string): void;
}

export function trayMenu(enabled: boolean, supported: boolean, options: Pick<TrayOptions, 'showWindow' | 'quit'> & { toggle(): void }): MenuItemConstructorOptions[] {
  return [
    { label: `Open ${APP_NAME}`, click: options.showWindow },
    { type: 'separator' },
    { label: 'Send this system through Flowscope', type: 'checkbox', checked: enabled, enabled: supported, click: options.toggle },
    { type: 'separator' },
    { label: `Quit ${APP_NAME}`, click: options.quit },
  ];
}

export function installTray(options: TrayOptions): Disposable {
  const tray = new Tray(nativeImage.createFromPath(options.iconPath).resize({ width: 18, height: 18 }));
  tray.setToolTip(APP_NAME);
  const refresh = async () => {
    const status = await Promise.resolve(options.service.handlers['os.status']({})).catch(() => null);
    const enabled = status?.systemProxy?.enabled ?? false;
    const toggle = () => {
      Promise.resolve(options.service.handlers['systemProxy.set']({ enabled: !enabled }))
        .catch((error: Error) => options.report('System proxy', error.message))
        .finally(() => void refresh());
    };
    tray.setContextMenu(Menu.buildFromTemplate(trayMenu(enabled, status?.systemProxy?.supported ?? false, { ...options, toggle })));
  };
  void refresh();
  tray.on('click', () => void refresh());
  return { dispose: () => tray.destroy() };
}
