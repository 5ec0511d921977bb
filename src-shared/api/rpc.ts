/**
 * The WebSocket RPC of browser mode (GET /api/ws, upgraded), in JSON text frames:
 *   client → server  { id, call, args }
 *   server → client  { id, result } | { id, error: { code, message } }   (one reply per id)
 *   server → client  { event, payload }                                  (pushed, batched)
 */
import type { ApiEvents, CallName, EventName } from './contract.js';
import type { ApiErrorBody } from './errors.js';

export const RPC_PATH = '/api/ws';

export interface RpcRequest {
  id: number;
  call: CallName;
  args: unknown;
}

export type RpcReply = { id: number; result: unknown } | { id: number; error: ApiErrorBody };

export interface RpcPush<E extends EventName = EventName> {
  event: E;
  payload: ApiEvents[E];
}
