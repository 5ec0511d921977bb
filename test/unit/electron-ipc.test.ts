import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../fakes/electron.js'));

import { CALL_NAMES, type ApiEvents, type ApiHandlers, type EventName } from '../../src-shared/api/contract.js';
import { ApiError } from '../../src-shared/api/errors.js';
import type { FlowSummary } from '../../src-shared/model/flow.js';
import { DEFAULT_SETTINGS } from '../../src-shared/model/settings.js';
import type { ApiService, EventListener } from '../../src-main/service/api-service-types.js';
import { buildApi } from '../../src-main/preload/api-bridge.js';
import { IPC_EVENT_CHANNEL, ipcCallChannel } from '../../src-shared/api/ipc.js';
import { appMainFrameOnly, registerIpc } from '../../src-main/transports/ipc/index.js';
import * as electron from '../fakes/electron.js';

const { ipcMain, ipcRenderer, mainFrame, subFrame, resetElectronFake, FakeWebContents } = electron;

function summary(id: number, host: string): FlowSummary {
  return {
    id, kind: 'http', startedAt: 1_700_000_000_000 + id, durationMs: 12, method: 'GET', scheme: 'https', host, port: 443,
    path: '/', statusCode: 200, responseContentType: 'text/html', responseSize: 10, errorType: null, messageCount: 0, source: 'capture', replayOf: null, trafficClass: 'other', blocked: false,
  };
}

const unavailable = (name: string) => () => {
  throw new ApiError('UNAVAILABLE', `${name} is not part of this test service.`);
};

/** A small in-memory service with real handlers: the IPC boundary is what is under test. */
function memoryService() {
  const flows = [summary(1, 'a.example'), summary(2, 'b.example'), summary(3, 'a.example')];
  const listeners = new Set<EventListener>();
  const calls: unknown[] = [];
  const handlers: ApiHandlers = {
    'flows.page': (args) => {
      calls.push(args);
      const older = flows.filter((f) => args.beforeId === undefined || f.id < args.beforeId).reverse();
      const items = older.slice(0, args.limit);
      return { items, nextCursor: older.length > args.limit ? items.at(-1)!.id : null };
    },
    'flows.count': () => ({ count: flows.length }),
    'flows.get': ({ id }) => {
      throw new ApiError('NOT_FOUND', `There is no flow ${id}.`);
    },
    'flows.body': unavailable('flows.body'),
    'flows.messages': async () => {
      throw new Error('disk I/O error');
    },
    'flows.clear': () => {
      flows.length = 0;
      for (const l of listeners) l('flows.cleared', {});
      return { cleared: true };
    },
    'events.list': () => [],
    'stats.get': unavailable('stats.get'),
    'proxy.status': unavailable('proxy.status'),
    'settings.get': () => ({ settings: DEFAULT_SETTINGS, fromFlags: [], file: '/tmp/settings.json' }),
    'settings.set': unavailable('settings.set'),
    'ca.info': unavailable('ca.info'),
    'ca.export': unavailable('ca.export'),
    'flows.delete': unavailable('flows.delete'),
    'replay.send': unavailable('replay.send'),
    'replay.flow': unavailable('replay.flow'),
    'replay.batch': unavailable('replay.batch'),
    'replay.cancel': unavailable('replay.cancel'),
    'replay.targets': () => ({ targets: [] }),
    'export.save': unavailable('export.save'),
    'import.flows': unavailable('import.flows'),
    'os.status': unavailable('os.status'),
    'systemProxy.set': unavailable('systemProxy.set'),
    'ca.trust.set': unavailable('ca.trust.set'),
    'ca.regenerate': unavailable('ca.regenerate'),
    'browser.open': unavailable('browser.open'),
    'terminal.open': unavailable('terminal.open'),
  };
  const service: ApiService = {
    handlers,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose: () => listeners.clear(),
    exportTo: unavailable('exportTo'),
    importText: unavailable('importText'),
  };
  const push = <E extends EventName>(event: E, payload: ApiEvents[E]) => {
    for (const l of listeners) l(event, payload);
  };
  return { service, calls, flows, listeners, push };
}

const APP_PAGE = 'app://flowscope/index.html';
const trusted = appMainFrameOnly('app://flowscope/');

describe('Electron IPC transport', () => {
  beforeEach(() => resetElectronFake());

  it('registers one handler per contract call and removes them all on dispose', () => {
    const { service, listeners } = memoryService();
    const ipc = registerIpc(ipcMain as never, service, trusted, () => []);
    expect([...ipcMain.handlers.keys()].sort()).toEqual(CALL_NAMES.map((n) => `api:${n}`).sort());
    expect(listeners.size).toBe(1);
    ipc.dispose();
    expect(ipcMain.handlers.size).toBe(0);
    expect(listeners.size).toBe(0);
  });

  it('answers a call from the app main frame with the service result', async () => {
    const { service, calls } = memoryService();
    registerIpc(ipcMain as never, service, trusted, () => []);
    const reply = await ipcMain.invokeFrom(mainFrame(APP_PAGE), ipcCallChannel('flows.page'), { limit: 2 });
    expect(reply).toEqual({ ok: true, result: { items: [summary(3, 'a.example'), summary(2, 'b.example')], nextCursor: 2 } });
    expect(calls).toEqual([{ limit: 2 }]);
  });

  it.each([
    ['a sub-frame of our own page', subFrame(APP_PAGE)],
    ['a foreign sub-frame', subFrame('https://evil.example/')],
    ['a foreign main frame', mainFrame('https://evil.example/index.html')],
    ['a file: page', mainFrame('file:///tmp/index.html')],
    ['another app:// host', mainFrame('app://other/index.html')],
    ['a frame that navigated away', null],
  ])('refuses %s loudly, before the service or the validator runs', async (_what, frame) => {
    const { service, flows } = memoryService();
    registerIpc(ipcMain as never, service, trusted, () => []);
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const reply = await ipcMain.invokeFrom(frame, ipcCallChannel('flows.clear'), { junk: true });
    expect(reply).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: 'flows.clear: this frame may not call the Flowscope API.' } });
    expect(flows).toHaveLength(3);
    expect(error).toHaveBeenCalledWith(expect.stringMatching(/refused flows\.clear from .*only the main frame/));
    error.mockRestore();
  });

  it('validates arguments at the boundary: bad ones never reach the service', async () => {
    const { service, calls } = memoryService();
    registerIpc(ipcMain as never, service, trusted, () => []);
    const reply = await ipcMain.invokeFrom(mainFrame(APP_PAGE), ipcCallChannel('flows.page'), { limit: 10, sql: 'DROP TABLE flows' });
    expect(reply).toEqual({ ok: false, error: { code: 'BAD_ARGUMENT', message: 'flows.page: unknown argument "sql" (takes filter, beforeId, limit).' } });
    expect(calls).toEqual([]);
  });

  it('maps thrown service errors to { code, message }', async () => {
    const { service } = memoryService();
    registerIpc(ipcMain as never, service, trusted, () => []);
    expect(await ipcMain.invokeFrom(mainFrame(APP_PAGE), ipcCallChannel('flows.get'), { id: 42 }))
      .toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'There is no flow 42.' } });
    expect(await ipcMain.invokeFrom(mainFrame(APP_PAGE), ipcCallChannel('flows.messages'), { id: 1, limit: 5 }))
      .toEqual({ ok: false, error: { code: 'INTERNAL', message: 'disk I/O error' } });
  });

  it('forwards pushed events to live windows only, and stops after dispose', () => {
    const { service, push } = memoryService();
    const live = new FakeWebContents();
    const closed = new FakeWebContents();
    closed.destroyed = true;
    const ipc = registerIpc(ipcMain as never, service, trusted, () => [live, closed] as never);
    push('flows.added', [summary(4, 'c.example')]);
    expect(live.sent).toEqual([{ channel: IPC_EVENT_CHANNEL, args: ['flows.added', [summary(4, 'c.example')]] }]);
    expect(closed.sent).toEqual([]);
    ipc.dispose();
    push('flows.cleared', {});
    expect(live.sent).toHaveLength(1);
  });

  it('carries a whole round trip: window.api → IPC → service → window.api', async () => {
    const { service } = memoryService();
    const renderer = new FakeWebContents();
    registerIpc(ipcMain as never, service, trusted, () => [renderer] as never);
    const api = buildApi(ipcRenderer as never);
    // What Electron would do with webContents.send: deliver it to the renderer's ipcRenderer.
    const seen: unknown[] = [];
    api.on('flows.cleared', (payload) => seen.push(payload));

    expect(await api['flows.count']({})).toEqual({ ok: true, result: { count: 3 } });
    expect(await api['flows.get']({ id: 9 })).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'There is no flow 9.' } });
    expect(await api['flows.page']({ limit: -1 })).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENT' } });
    expect(await api['flows.clear']({})).toEqual({ ok: true, result: { cleared: true } });
    for (const { channel, args } of renderer.sent) ipcRenderer.deliver(channel, ...args);
    expect(seen).toEqual([{}]);
    expect(await api['flows.count']({})).toEqual({ ok: true, result: { count: 0 } });

    ipcRenderer.frame = subFrame('https://evil.example/');
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await api['flows.count']({})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    vi.mocked(console.error).mockRestore();
  });
});
