import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../fakes/electron.js'));

import { CALL_NAMES, EVENT_NAMES } from '../../src-shared/api/contract.js';
import { ApiError } from '../../src-shared/api/errors.js';
import { IPC_EVENT_CHANNEL, ipcCallChannel, unwrapEnvelope, type PreloadApi } from '../../src-shared/api/ipc.js';
import { contextBridge, ipcMain, ipcRenderer } from '../fakes/electron.js';

let api: PreloadApi;

beforeAll(async () => {
  // The real preload entry, run once as Electron would run it for a page.
  await import('../../src-main/preload/preload.js');
  api = contextBridge.exposed.get('api') as PreloadApi;
});

describe('the preload', () => {
  it('exposes window.api only: one function per contract call, plus on', () => {
    expect([...contextBridge.exposed.keys()]).toEqual(['api']);
    expect(Object.keys(api).sort()).toEqual([...CALL_NAMES, 'on'].sort());
    for (const name of [...CALL_NAMES, 'on'] as const) expect(typeof api[name]).toBe('function');
  });

  it('hands envelopes on as they are (contextBridge would strip an error\'s code), and the renderer unwraps them', async () => {
    ipcMain.handle(ipcCallChannel('flows.count'), (_event, args) => ({ ok: true, result: { count: 7, args } }));
    ipcMain.handle(ipcCallChannel('flows.get'), () => ({ ok: false, error: { code: 'NOT_FOUND', message: 'There is no flow 5.' } }));
    expect(unwrapEnvelope(await api['flows.count']({ filter: 'host:a' }))).toEqual({ count: 7, args: { filter: 'host:a' } });
    const envelope = await api['flows.get']({ id: 5 });
    expect(envelope).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'There is no flow 5.' } });
    const error = (() => {
      try {
        return unwrapEnvelope(envelope);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'NOT_FOUND', message: 'There is no flow 5.' });
  });

  it('on() accepts only contract events and hands listeners the payload without the Electron event', () => {
    for (const bad of ['api:flows.page', 'flows.page', 'toString', '__proto__', '']) {
      expect(() => api.on(bad as never, () => {})).toThrow(/is not a Flowscope event/);
    }
    const payloads: unknown[] = [];
    const off = api.on('proxy.state', (payload) => payloads.push(payload));
    ipcRenderer.deliver(IPC_EVENT_CHANNEL, 'proxy.state', { listening: true });
    ipcRenderer.deliver(IPC_EVENT_CHANNEL, 'flows.cleared', {});
    ipcRenderer.deliver(IPC_EVENT_CHANNEL, 'not.an.event', { x: 1 });
    expect(payloads).toEqual([{ listening: true }]);

    off();
    ipcRenderer.deliver(IPC_EVENT_CHANNEL, 'proxy.state', { listening: false });
    expect(payloads).toEqual([{ listening: true }]);
  });

  it('keeps one channel listener however many subscriptions come and go', () => {
    const offs = EVENT_NAMES.flatMap((name) => [api.on(name, () => {}), api.on(name, () => {})]);
    expect(ipcRenderer.listenerCount(IPC_EVENT_CHANNEL)).toBe(1);
    for (const off of offs) off();
    expect(ipcRenderer.listenerCount(IPC_EVENT_CHANNEL)).toBe(1);
  });

  it('unsubscribes one subscription at a time, even for the same function', () => {
    const seen: unknown[] = [];
    const listener = (payload: unknown) => seen.push(payload);
    const first = api.on('flows.cleared', listener);
    api.on('flows.cleared', listener);
    first();
    ipcRenderer.deliver(IPC_EVENT_CHANNEL, 'flows.cleared', {});
    expect(seen).toEqual([{}]);
  });
});
