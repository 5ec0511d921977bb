/**
 * window.api, built from the contract's name lists: one function per call and `on` for the
 * pushed events. Nothing else crosses: no raw ipcRenderer, no arbitrary channels.
 */
import type { IpcRenderer, IpcRendererEvent } from 'electron';
import { CALL_NAMES, isEventName, type ApiEvents, type EventName } from '../../src-shared/api/contract.js';
import { IPC_EVENT_CHANNEL, ipcCallChannel, type PreloadApi } from '../../src-shared/api/ipc.js';

type Listener = (payload: unknown) => void;

/** Calls resolve to their envelope (see src-shared/api/ipc.ts for why they do not reject). */
export function buildApi(ipcRenderer: Pick<IpcRenderer, 'invoke' | 'on'>): PreloadApi {
  const listeners = new Map<EventName, Set<Listener>>();
  // One channel listener for the life of the page, whatever the number of `on` subscriptions.
  ipcRenderer.on(IPC_EVENT_CHANNEL, (_event: IpcRendererEvent, name: unknown, payload: unknown) => {
    if (!isEventName(name)) return;
    for (const listener of [...(listeners.get(name) ?? [])]) listener(payload);
  });

  const api: Record<string, unknown> = {};
  for (const name of CALL_NAMES) {
    api[name] = (args: unknown) => ipcRenderer.invoke(ipcCallChannel(name), args);
  }
  api.on = <E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void): (() => void) => {
    if (!isEventName(event)) throw new TypeError(`window.api.on: "${String(event)}" is not a Flowscope event.`);
    if (typeof listener !== 'function') throw new TypeError('window.api.on: the listener must be a function.');
    const set = listeners.get(event) ?? new Set<Listener>();
    listeners.set(event, set);
    // A wrapper per subscription, so subscribing the same function twice needs two unsubscribes.
    const entry: Listener = (payload) => listener(payload as ApiEvents[E]);
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  };
  return api as PreloadApi;
}
