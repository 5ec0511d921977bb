/**
 * Whole flows in and out of the store, for export and import: pages of FlowRecords (flow, bodies,
 * messages) in id order, and writing records read from a file.
 */
import type Database from 'better-sqlite3';
import type { Flow, WsMessage } from '../../src-shared/model/flow.js';
import type { FlowRecord, TransferBody } from '../../src-shared/model/transfer.js';
import { prepareBody, storeChunk } from './body-codec.js';
import type { SqlFilter } from './filter-sql.js';
import { ChunkBuilder } from './message-chunks.js';
import { getBody, getWsMessages, type BodySide } from './reader.js';
import { flowToRow, rowToFlow, type FlowRow } from './rows.js';
import { flowRowValues, type ReadStatements, type WriteStatements } from './statements.js';

export interface ExportPageQuery {
  /** Only flows with a larger id (the last id of the previous page); 0 for the first page. */
  afterId: number;
  /** Only these flows. */
  ids?: number[];
  limit: number;
  /** 'decoded': bodies with their content-encoding undone where possible (HAR); 'wire': as stored (Flowscope JSON). */
  bodies: 'decoded' | 'wire';
}

/** A WebSocket flow's messages are read this many at a time. */
const MESSAGE_PAGE = 5_000;

function selection(filter: SqlFilter, ids: number[] | undefined): { where: string; params: unknown[] } {
  if (!ids) return filter;
  return { where: `(${filter.where}) AND id IN (SELECT value FROM json_each(?))`, params: [...filter.params, JSON.stringify(ids)] };
}

export function countForExport(s: ReadStatements, filter: SqlFilter, ids?: number[]): number {
  const { where, params } = selection(filter, ids);
  return s.filtered.get<number>(`SELECT count(*) FROM flows WHERE ${where}`).pluck().get(...params)!;
}

function transferBody(s: ReadStatements, id: number, side: BodySide, decoded: boolean): TransferBody | null {
  const body = getBody(s, id, side, { decoded });
  if (!body) return null;
  return { bytes: body.bytes, encoding: body.decoded ? null : body.contentEncoding, truncated: body.truncated };
}

function allMessages(s: ReadStatements, id: number): WsMessage[] {
  const messages: WsMessage[] = [];
  for (;;) {
    const page = getWsMessages(s, id, { afterSeq: messages.at(-1)?.seq ?? -1, limit: MESSAGE_PAGE });
    messages.push(...page);
    if (page.length < MESSAGE_PAGE) return messages;
  }
}

/** The next page of whole flows, oldest first. */
export function exportPage(s: ReadStatements, filter: SqlFilter, query: ExportPageQuery): FlowRecord[] {
  const { where, params } = selection(filter, query.ids);
  const rows = s.filtered
    .get<FlowRow>(`SELECT * FROM flows WHERE id > ? AND ${where} ORDER BY id LIMIT ?`)
    .all(query.afterId, ...params, query.limit);
  const decoded = query.bodies === 'decoded';
  return rows.map((row) => {
    const flow = rowToFlow(row);
    return {
      flow,
      requestBody: transferBody(s, flow.id, 'request', decoded),
      responseBody: flow.responseBody ? transferBody(s, flow.id, 'response', decoded) : null,
      messages: flow.kind === 'websocket' ? allMessages(s, flow.id) : [],
    };
  });
}

/** A record ready to be written: its id assigned, its bodies in stored form, its messages in chunks. */
export interface PreparedRecord {
  values: unknown[];
  id: number;
  bodies: Array<{ side: BodySide; storage: string; data: Buffer }>;
  chunks: Array<{ firstSeq: number; lastSeq: number; count: number; storage: string; data: Buffer }>;
}

/** Messages per chunk row, as capture writes them (message-chunks.ts). */
const CHUNK_MESSAGES = 500;

function chunksOf(id: number, messages: WsMessage[]): PreparedRecord['chunks'] {
  const chunks: PreparedRecord['chunks'] = [];
  for (let at = 0; at < messages.length; at += CHUNK_MESSAGES) {
    const builder = new ChunkBuilder(id);
    for (const message of messages.slice(at, at + CHUNK_MESSAGES)) builder.append({ ...message, flowId: id }, message.payload, message.truncated);
    const stored = storeChunk(Buffer.from(builder.view()));
    chunks.push({ firstSeq: builder.firstSeq, lastSeq: builder.lastSeq, count: builder.count, ...stored });
    builder.release();
  }
  return chunks;
}

/** Turns a record into rows; the flow keeps the id given (the store allocates it). */
export async function prepareRecord(record: FlowRecord, id: number, replayOf: number | null): Promise<PreparedRecord> {
  const flow: Flow = { ...record.flow, id, replayOf };
  const bodies: PreparedRecord['bodies'] = [];
  for (const [side, body] of [['request', record.requestBody], ['response', record.responseBody]] as const) {
    if (!body || body.bytes.byteLength === 0) continue;
    const prepared = await prepareBody(body.bytes, { contentEncoding: body.encoding, truncated: body.truncated });
    bodies.push({ side, storage: prepared.storage, data: prepared.data });
  }
  const messages = record.messages.map((m, seq) => ({ ...m, seq }));
  return { id, values: flowRowValues(flowToRow(flow, false, false)), bodies, chunks: chunksOf(id, messages) };
}

/** Writes prepared records in one transaction (the caller keeps each transaction small). */
export function writeRecords(db: Database.Database, statements: WriteStatements, records: PreparedRecord[]): void {
  db.transaction(() => {
    for (const record of records) {
      statements.upsertFlow.run(record.values);
      for (const body of record.bodies) statements.upsertBody.run(record.id, body.side, body.storage, body.data);
      for (const c of record.chunks) statements.insertChunk.run(record.id, c.firstSeq, c.lastSeq, c.count, c.storage as 'raw' | 'br', c.data);
      const count = record.chunks.reduce((sum, c) => sum + c.count, 0);
      if (count > 0) statements.addMessageCount.run(count, record.id);
    }
  }).immediate();
}
