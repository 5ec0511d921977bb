/**
 * The WebSocket RPC of browser mode (frames in src-shared/api/rpc.ts): each request is validated
 * and answered once; pushed events go to every open socket. A socket whose client stopped reading
 * is closed rather than buffered without bound: the UI reconnects and reloads its window.
 */
import type { WebSocket } from 'ws';
import { isCallName } from '../../../src-shared/api/contract.js';
import { ApiError, toApiErrorBody } from '../../../src-shared/api/errors.js';
import type { RpcReply } from '../../../src-shared/api/rpc.js';
import { validateArgs } from '../../../src-shared/api/validate.js';
import type { ApiService } from '../../service/api-service-types.js';

const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;

function parseRequest(data: string): { id: number; call: unknown; args: unknown } {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    throw new ApiError('BAD_ARGUMENT', 'The request is not JSON.');
  }
  const request = value as { id?: unknown; call?: unknown; args?: unknown };
  if (typeof value !== 'object' || value === null || typeof request.id !== 'number') {
    throw new ApiError('BAD_ARGUMENT', 'A request is { "id": number, "call": name, "args": object }.');
  }
  return { id: request.id, call: request.call, args: request.args };
}

export function serveRpc(socket: WebSocket, service: ApiService): void {
  const send = (value: unknown) => {
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      socket.close(1013, 'The page is not keeping up; reconnect to continue.');
      return;
    }
    socket.send(JSON.stringify(value));
  };
  const unsubscribe = service.subscribe((event, payload) => send({ event, payload }));
  socket.on('close', unsubscribe);
  socket.on('error', unsubscribe);
  socket.on('message', (data, isBinary) => {
    let id = -1;
    void (async (): Promise<RpcReply> => {
      try {
        if (isBinary) throw new ApiError('BAD_ARGUMENT', 'Requests are JSON text frames.');
        const request = parseRequest(data.toString());
        id = request.id;
        if (!isCallName(request.call)) throw new ApiError('UNKNOWN_CALL', `There is no call named ${JSON.stringify(request.call)}.`);
        const name = request.call;
        const args = validateArgs(name, request.args);
        return { id, result: await (service.handlers[name] as (a: typeof args) => unknown)(args) };
      } catch (error) {
        return { id, error: toApiErrorBody(error) };
      }
    })().then(send);
  });
}
