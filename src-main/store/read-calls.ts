/**
 * What the read pool and its worker threads say to each other: a call names a FlowStore read
 * method and its arguments; the answer carries its result or the error as { code, message }.
 */
import type { ApiErrorBody } from '../../src-shared/api/errors.js';
import type { WsMessage } from '../../src-shared/model/flow.js';
import type { FlowRecord } from '../../src-shared/model/transfer.js';
import type { FlowStore, StoredBody } from './index.js';

export type ReadMethod =
  | 'pageSummaries'
  | 'countFlows'
  | 'trafficStats'
  | 'getFlow'
  | 'getBody'
  | 'getWsMessages'
  | 'listEvents'
  | 'countForExport'
  | 'exportPage'
  | 'flowIdsBetween';

export type ReadArgs<M extends ReadMethod> = Parameters<FlowStore[M]>;
export type ReadResult<M extends ReadMethod> = ReturnType<FlowStore[M]>;

export interface ReadCall {
  id: number;
  method: ReadMethod;
  args: unknown[];
}

export type ReadAnswer = { id: number; result: unknown } | { id: number; error: ApiErrorBody };

/** The byte arrays a result carries: bodies and message payloads. */
function bytesOf(method: ReadMethod, result: unknown): Uint8Array[] {
  if (method === 'getBody') return result === null ? [] : [(result as StoredBody).bytes];
  if (method === 'getWsMessages') return (result as WsMessage[]).map((message) => message.payload);
  if (method === 'exportPage') {
    return (result as FlowRecord[]).flatMap((r) => [
      ...(r.requestBody ? [r.requestBody.bytes] : []),
      ...(r.responseBody ? [r.responseBody.bytes] : []),
      ...r.messages.map((message) => message.payload),
    ]);
  }
  return [];
}

/**
 * The memory to move rather than copy to the main thread. Buffers under Buffer.poolSize may be
 * slices of the thread's shared allocation pool, which must stay where it is: those are copied.
 */
export function transferList(method: ReadMethod, result: unknown): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const bytes of bytesOf(method, result)) {
    if (bytes.buffer instanceof ArrayBuffer && bytes.buffer.byteLength > Buffer.poolSize) buffers.add(bytes.buffer);
  }
  return [...buffers];
}

/** Structured clone turns Buffers into Uint8Arrays: view the same memory as Buffers again. */
export function restoreBuffers(method: ReadMethod, result: unknown): void {
  const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (method === 'getBody' && result !== null) {
    const body = result as StoredBody;
    body.bytes = asBuffer(body.bytes);
  }
  if (method === 'getWsMessages') {
    for (const message of result as WsMessage[]) message.payload = asBuffer(message.payload);
  }
}
