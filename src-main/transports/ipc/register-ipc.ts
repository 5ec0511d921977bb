/**
 * The Electron IPC transport: a thin, generic adapter over the contract's name list. Every call
 * is checked at the boundary (sender frame, then arguments) before the service sees it, and
 * answers with an envelope so the error code survives the trip.
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents, WebFrameMain } from 'electron';
import { CALL_NAMES, type ApiEvents, type CallName, type EventName } from '../../../src-shared/api/contract.js';
import { ApiError, toApiErrorBody } from '../../../src-shared/api/errors.js';
import { validateArgs } from '../../../src-shared/api/validate.js';
import { IPC_EVENT_CHANNEL, ipcCallChannel, type IpcEnvelope } from '../../../src-shared/api/ipc.js';
import type { Disposable } from '../../../src-shared/util/disposable.js';
import type { ApiService } from '../../service/api-service-types.js';

export type SenderCheck = (frame: WebFrameMain) => boolean;
export type EventTarget = Pick<WebContents, 'send' | 'isDestroyed'>;

/**
 * A sender is trusted only when it is the main frame of a page of our own app. Node's URL gives
 * custom schemes the origin "null", so scheme and host are compared instead.
 */
export function appMainFrameOnly(appBaseUrl: string): SenderCheck {
  const app = new URL(appBaseUrl);
  return (frame) => {
    if (frame.parent !== null) return false;
    let url: URL;
    try {
      url = new URL(frame.url);
    } catch {
      return false;
    }
    return url.protocol === app.protocol && url.host === app.host;
  };
}

function describeFrame(frame: WebFrameMain | null): string {
  if (!frame) return 'a frame that is gone';
  return `${frame.parent === null ? 'main frame' : 'sub-frame'} ${JSON.stringify(frame.url)}`;
}

async function answer(
  name: CallName,
  event: IpcMainInvokeEvent,
  args: unknown,
  service: ApiService,
  isTrustedSender: SenderCheck,
): Promise<IpcEnvelope> {
  const frame = event.senderFrame;
  if (!frame || !isTrustedSender(frame)) {
    // Loud on purpose: only our own page can get here legitimately, so this is an attack or a bug.
    console.error(`Flowscope IPC: refused ${name} from ${describeFrame(frame)}; only the main frame of the app may call the API.`);
    return { ok: false, error: new ApiError('FORBIDDEN', `${name}: this frame may not call the Flowscope API.`).toJSON() };
  }
  try {
    const validated = validateArgs(name, args);
    // Each name's handler takes that name's arguments; the name list and the record share one type.
    const handler = service.handlers[name] as (a: typeof validated) => unknown;
    return { ok: true, result: await handler(validated) };
  } catch (error) {
    return { ok: false, error: toApiErrorBody(error) };
  }
}

/**
 * One ipcMain.handle per contract call, plus the pushed events forwarded to every live target
 * (the app's windows). Dispose removes the handlers and the subscription.
 */
export function registerIpc(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  service: ApiService,
  isTrustedSender: SenderCheck,
  eventTargets: () => Iterable<EventTarget>,
): Disposable {
  for (const name of CALL_NAMES) {
    ipcMain.handle(ipcCallChannel(name), (event, args: unknown) => answer(name, event, args, service, isTrustedSender));
  }
  const unsubscribe = service.subscribe(<E extends EventName>(event: E, payload: ApiEvents[E]) => {
    for (const target of eventTargets()) {
      if (!target.isDestroyed()) target.send(IPC_EVENT_CHANNEL, event, payload);
    }
  });
  let disposed = false;
  return {
    dispose() {
      if (disposed) return;
      disposed = true;
      unsubscribe();
      for (const name of CALL_NAMES) ipcMain.removeHandler(ipcCallChannel(name));
    },
  };
}
