import type { ConnectionEvent, Flow, FlowSummary, WsMessage } from '../../src-shared/model/flow.js';
import { decodeContent, isContentEncoded, unstoreBody } from './body-codec.js';
import { decodeChunk } from './message-chunks.js';
import type { SqlFilter } from './filter-sql.js';
import { rowToEvent, rowToFlow, rowToSummary, type EventRow, type SummaryRow } from './rows.js';
import { filteredCountSql, filteredSummariesSql, type ReadStatements } from './statements.js';

export type BodySide = 'request' | 'response';

export interface StoredBody {
  bytes: Buffer;
  /** Only the first part of the body was captured (it was over maxBodySize). */
  truncated: boolean;
  contentEncoding: string | null;
  /** The bytes carry no content-encoding any more (true for identity bodies). */
  decoded: boolean;
  /** Why the bytes are not decoded when decoding was asked for. */
  decodeError?: string;
}

export interface FlowPage {
  items: FlowSummary[];
  /** Pass as beforeId to get the next (older) page; null when this page is the last. */
  nextCursor: number | null;
}

function checkLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a whole number of 1 or more, not ${limit}.`);
  return limit;
}

/** The empty filter: the plain statements serve it, with no clause for SQLite to evaluate. */
function matchesAll(filter: SqlFilter): boolean {
  return filter.where === '1' && filter.params.length === 0;
}

/** Newest first, by keyset on id: page n costs the same as page 1, however many flows there are. */
export function pageSummaries(s: ReadStatements, filter: SqlFilter, query: { beforeId?: number; limit: number }): FlowPage {
  const limit = checkLimit(query.limit);
  const beforeId = query.beforeId ?? Number.MAX_SAFE_INTEGER;
  const rows = matchesAll(filter)
    ? s.summariesBefore.all(beforeId, limit + 1)
    : s.filtered.get<SummaryRow>(filteredSummariesSql(filter.where)).all(beforeId, ...filter.params, limit + 1);
  const more = rows.length > limit;
  const items = (more ? rows.slice(0, limit) : rows).map(rowToSummary);
  return { items, nextCursor: more ? (items[items.length - 1]?.id ?? null) : null };
}

export function countFlows(s: ReadStatements, filter: SqlFilter): number {
  return matchesAll(filter) ? s.countFlows.get()! : s.filtered.get<number>(filteredCountSql(filter.where)).pluck().get(...filter.params)!;
}

export function getFlow(s: ReadStatements, id: number): Flow | null {
  const row = s.flowById.get(id);
  return row ? rowToFlow(row) : null;
}

/** A body as stored, content-decoded unless `decoded: false`. Null when the flow or side has no body. */
export function getBody(
  s: ReadStatements,
  flowId: number,
  side: BodySide,
  options: { decoded?: boolean } = {},
): StoredBody | null {
  const meta = (side === 'request' ? s.requestBodyMeta : s.responseBodyMeta).get(flowId);
  if (!meta || meta.present !== 1) return null;
  const truncated = meta.truncated === 1;
  const contentEncoding = meta.content_encoding;
  const row = s.bodyData.get(flowId, side);
  const wire = row ? unstoreBody(row.storage, row.data) : Buffer.alloc(0);
  const encoded = isContentEncoded(contentEncoding);
  if (meta.dropped === 1) {
    return {
      bytes: wire,
      truncated,
      contentEncoding,
      decoded: !encoded,
      decodeError: 'The body was not stored: it arrived while the store\'s write queue was full (overload).',
    };
  }
  if (!encoded || options.decoded === false) return { bytes: wire, truncated, contentEncoding, decoded: !encoded };
  if (truncated) {
    return {
      bytes: wire,
      truncated,
      contentEncoding,
      decoded: false,
      decodeError: `Only the first ${wire.length} bytes were captured (the body was over maxBodySize), so its ` +
        `"${contentEncoding}" encoding cannot be undone; showing the bytes as they were sent.`,
    };
  }
  const result = decodeContent(wire, contentEncoding);
  return result.ok
    ? { bytes: result.bytes, truncated, contentEncoding, decoded: true }
    : { bytes: wire, truncated, contentEncoding, decoded: false, decodeError: result.error };
}

export function getWsMessages(
  s: ReadStatements,
  flowId: number,
  query: { afterSeq?: number; limit: number },
): WsMessage[] {
  const limit = checkLimit(query.limit);
  const afterSeq = query.afterSeq ?? -1;
  const messages: WsMessage[] = [];
  for (const { storage, data } of s.chunksAfter.iterate(flowId, afterSeq)) {
    messages.push(...decodeChunk(flowId, storage === 'br' ? unstoreBody('br', data) : data, afterSeq, limit - messages.length));
    if (messages.length >= limit) break;
  }
  return messages;
}

/** Newest first; only the given types when there are any. */
export function listEvents(s: ReadStatements, query: { limit: number; types?: ConnectionEvent['type'][] }): ConnectionEvent[] {
  const limit = checkLimit(query.limit);
  const rows = query.types?.length
    ? s.filtered.get<EventRow>('SELECT * FROM events WHERE type IN (SELECT value FROM json_each(?)) ORDER BY id DESC LIMIT ?').all(JSON.stringify(query.types), limit)
    : s.recentEvents.all(limit);
  return rows.map(rowToEvent);
}
