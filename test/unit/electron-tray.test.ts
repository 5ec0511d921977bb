import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../fakes/electron.js'));

import type { ApiHandlers } from '../../src-shared/api/contract.js';
import type { ApiService } from '../../src-main/service/api-service-types.js';
import { installTray } from '../../src-main/app/tray.js';
import { resetElectronFake, Tray } from '../fakes/electron.js';

type Item = { label?: string; checked?: boolean; enabled?: boolean; click?: () => void };

function fakeService(enabled: { value: boolean }, supported = true) {
  const set = vi.fn(async ({ enabled: on }: { enabled: boolean }) => {
    enabled.value = on;
    return { message: on ? 'on' : 'off' };
  });
  const handlers = {
    'os.status': async () => ({ systemProxy: { supported, enabled: enabled.value, current: null, manualSteps: null }, trust: [], browsers: [], terminal: false }),
    'systemProxy.set': set,
  } as unknown as ApiHandlers;
  return { service: { handlers, subscribe: () => () => undefined, dispose: () => undefined, exportTo: vi.fn(), importText: vi.fn() } as ApiService, set };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
const toggleItem = (tray: Tray) => (tray.menu!.template as Item[]).find((item) => item.label === 'Send this system through Flowscope')!;

beforeEach(() => resetElectronFake());
afterEach(() => vi.restoreAllMocks());

describe('the tray', () => {
  it('turns the system proxy on and off in one click, showing its state', async () => {
    const state = { value: false };
    const { service, set } = fakeService(state);
    const showWindow = vi.fn();
    const disposable = installTray({ iconPath: '/app/assets/icon.png', service, showWindow, quit: vi.fn(), report: vi.fn() });
    await flush();
    const [tray] = Tray.instances;
    expect(tray!.tooltip).toBe('Flowscope');
    expect(toggleItem(tray!)).toMatchObject({ checked: false, enabled: true });
    toggleItem(tray!).click!();
    await flush();
    await flush();
    expect(set).toHaveBeenCalledWith({ enabled: true });
    expect(toggleItem(tray!).checked).toBe(true);
    (tray!.menu!.template as Item[])[0]!.click!();
    expect(showWindow).toHaveBeenCalled();
    disposable.dispose();
    expect(tray!.destroyed).toBe(true);
  });

  it('greys the toggle out where the system proxy cannot be set, and reports failures', async () => {
    const { service } = fakeService({ value: false }, false);
    const report = vi.fn();
    (service.handlers as Record<string, unknown>)['systemProxy.set'] = async () => {
      throw new Error('networksetup failed');
    };
    installTray({ iconPath: '/icon.png', service, showWindow: vi.fn(), quit: vi.fn(), report });
    await flush();
    const [tray] = Tray.instances;
    expect(toggleItem(tray!).enabled).toBe(false);
    toggleItem(tray!).click!();
    await flush();
    expect(report).toHaveBeenCalledWith('System proxy', 'networksetup failed');
  });
});
