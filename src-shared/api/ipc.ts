/**
 * The Electron IPC wire format, shared by the preload, src-main/transports/ipc and the renderer.
 *
 *   renderer → main   ipcRenderer.invoke('api:<call name>', args)  →  IpcEnvelope
 *   main → renderer   webContents.send('api:event', eventName, payload)
 *
 * Calls answer with an envelope instead of rejecting, and window.api hands the envelope on as it
 * is: an error crossing contextBridge keeps only its message (electron/electron#25596), so the
 * renderer's bridge turns `ok: false` into an ApiError itself.
 */
import type { ApiEvents, ArgsOf, CallName, EventName, ResultOf } from './contract.js';
import { ApiError, type ApiErrorBody } from './errors.js';

export const IPC_EVENT_CHANNEL = 'api:event';

export function ipcCallChannel(name: CallName): string {
  return `api:${name}`;
}

export type IpcEnvelope<R = unknown> = { ok: true; result: R } | { ok: false; error: ApiErrorBody };

/** window.api in the Electron app: one function per call, plus `on` for pushed events. */
export type PreloadApi = { [N in CallName]: (args: ArgsOf<N>) => Promise<IpcEnvelope<ResultOf<N>>> } & {
  on<E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void;
};

export function unwrapEnvelope<R>(envelope: IpcEnvelope<R>): R {
  if (envelope.ok) return envelope.result;
  throw new ApiError(envelope.error.code, envelope.error.message);
}
