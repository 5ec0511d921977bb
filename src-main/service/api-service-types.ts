import type { ApiEvents, ApiHandlers, EventName } from '../../src-shared/api/contract.js';

export type EventListener = <E extends EventName>(event: E, payload: ApiEvents[E]) => void;

/**
 * The one implementation of the contract, as every transport (Electron IPC, WebSocket RPC, REST)
 * uses it: handlers take already-validated arguments; pushed events arrive batched.
 */
export interface ApiService {
  readonly handlers: ApiHandlers;
  /** Every pushed event, batched every 50-100 ms. Returns the unsubscribe. */
  subscribe(listener: EventListener): () => void;
  dispose(): void;
}
