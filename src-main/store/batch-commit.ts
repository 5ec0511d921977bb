/**
 * Writing one batch of queued records in one transaction. The same code runs in the writer worker
 * (normally) and in the main thread (when no worker could be started), so both behave alike.
 */
import type Database from 'better-sqlite3';
import { prepareBodySync, storeChunk, type BodyStorage } from './body-codec.js';
import { FLOW_COLUMNS, type WriteStatements } from './statements.js';
import { isItemError } from './write-errors.js';

/** Records as they cross to the writer thread: plain data, payloads in buffers we own. */
export type WireBody =
  | { storage: BodyStorage; data: Uint8Array }
  /** Bytes as captured, prepared here (prepareBodySync): measured, and compressed when worth it. */
  | { storage: 'captured'; data: Uint8Array; contentEncoding: string | null; truncated: boolean };

export type WireItem =
  | { kind: 'flow'; id: number; values: unknown[]; request: WireBody | null; response: WireBody | null }
  | { kind: 'messages'; flowId: number; firstSeq: number; lastSeq: number; count: number; data: Uint8Array }
  | { kind: 'event'; time: number; type: string; clientIp: string | null; clientPort: number | null; host: string | null; message: string };

/** Records the database refused on their own merits, by kind; skipped so they cannot block the queue. */
export interface RejectedCounts {
  flows: number;
  messages: number;
  events: number;
}


const DECODED_SIZE_COLUMN = { request: FLOW_COLUMNS.indexOf('request_decoded_size'), response: FLOW_COLUMNS.indexOf('response_decoded_size') };

/** The body as stored; a captured one is prepared now, and what it decodes to goes into its flow's row. */
function storedBody(body: WireBody, side: 'request' | 'response', values: unknown[]): { storage: BodyStorage; data: Uint8Array } {
  if (body.storage !== 'captured') return body;
  const prepared = prepareBodySync(body.data, body);
  values[DECODED_SIZE_COLUMN[side]] = prepared.decodedSize;
  return prepared;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Returns a function that commits a batch in one IMMEDIATE transaction; a database-level error throws. */
export function batchCommitter(db: Database.Database, statements: WriteStatements): (items: WireItem[]) => RejectedCounts {
  const writeItems = (items: WireItem[]): RejectedCounts => {
    const rejected: RejectedCounts = { flows: 0, messages: 0, events: 0 };
    const messageCounts = new Map<number, number>();
    for (const item of items) {
      try {
        if (item.kind === 'flow') {
          const request = item.request && storedBody(item.request, 'request', item.values);
          const response = item.response && storedBody(item.response, 'response', item.values);
          statements.upsertFlow.run(item.values);
          if (request) statements.upsertBody.run(item.id, 'request', request.storage, asBuffer(request.data));
          if (response) statements.upsertBody.run(item.id, 'response', response.storage, asBuffer(response.data));
        } else if (item.kind === 'messages') {
          const chunk = storeChunk(asBuffer(item.data));
          const info = statements.insertChunk.run(item.flowId, item.firstSeq, item.lastSeq, item.count, chunk.storage, chunk.data);
          if (info.changes > 0) messageCounts.set(item.flowId, (messageCounts.get(item.flowId) ?? 0) + item.count);
        } else {
          statements.insertEvent.run(item.time, item.type, item.clientIp, item.clientPort, item.host, item.message);
        }
      } catch (err) {
        if (!isItemError(err)) throw err;
        if (item.kind === 'flow') rejected.flows++;
        else if (item.kind === 'messages') rejected.messages += item.count;
        else rejected.events++;
      }
    }
    for (const [flowId, count] of messageCounts) statements.addMessageCount.run(count, flowId);
    return rejected;
  };
  return db.transaction(writeItems).immediate;
}
