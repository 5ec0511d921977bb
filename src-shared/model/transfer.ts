/**
 * A flow with everything needed to write it out or read it back: what export streams and import
 * stores. Bodies are bytes as stored, with the content-coding (gzip, br, ...) still applied to
 * them named in `encoding` (null: plain bytes).
 */
import type { Flow, WsMessage } from './flow.js';

export interface TransferBody {
  bytes: Uint8Array;
  /** The content-coding still applied to `bytes`; null when they are the plain content. */
  encoding: string | null;
  /** Only the first part of the body was captured. */
  truncated: boolean;
}

export interface FlowRecord {
  flow: Flow;
  requestBody: TransferBody | null;
  responseBody: TransferBody | null;
  /** WebSocket messages in order (empty for HTTP flows). */
  messages: WsMessage[];
}

export type ExportFormat = 'har' | 'json';
