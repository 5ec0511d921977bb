import type { Writable } from 'node:stream';
import type { ApiEvents, ApiHandlers, EventName } from '../../src-shared/api/contract.js';
import type { ExportQuery, ImportResult } from '../../src-shared/api/types.js';

export type EventListener = <E extends EventName>(event: E, payload: ApiEvents[E]) => void;

/**
 * The one implementation of the contract, as every transport (Electron IPC, WebSocket RPC, REST)
 * uses it: handlers take already-validated arguments; pushed events arrive batched.
 */
export interface ApiService {
  readonly handlers: ApiHandlers;
  /** Every pushed event, batched every 50-100 ms. Returns the unsubscribe. */
  subscribe(listener: EventListener): () => void;
  /** Streams an export (REST downloads), with export.progress events when exportId is given. */
  exportTo(query: ExportQuery, out: Writable, exportId?: string): Promise<number>;
  /** Imports a HAR or Flowscope JSON file's text (REST uploads): every flow or none. */
  importText(text: string, filename: string): Promise<ImportResult>;
  /** Stops pushing, cancels replays, closes browsers it opened and puts the OS proxy back if it set it. */
  dispose(): void | Promise<void>;
}
