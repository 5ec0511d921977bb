import type Database from 'better-sqlite3';
import type { BodyStorage, ChunkStorage } from './body-codec.js';
import type { EventRow, FlowRow, SummaryRow } from './rows.js';

/** Retention hands free pages back to the file system this many at a time (1 MiB of 4 KiB pages), so one step writes only a few MiB of WAL. */
export const VACUUM_PAGES_PER_STEP = 256;

/** Every column the writer sets on `flows` (all but message_count, which only messages change), in the upsert's order. */
export const FLOW_COLUMNS = [
  'id', 'kind', 'started_at', 'ended_at', 'duration_ms', 'method', 'url', 'scheme', 'host', 'port', 'path',
  'http_version', 'status_code', 'status_message', 'request_headers', 'response_headers',
  'request_wire_size', 'request_decoded_size', 'request_captured_size', 'request_truncated', 'request_dropped',
  'request_content_type', 'request_content_encoding',
  'response_wire_size', 'response_decoded_size', 'response_captured_size', 'response_truncated',
  'response_dropped', 'response_content_type', 'response_content_encoding',
  'client_ip', 'client_port', 'server_ip', 'server_port', 'tls', 'tls_sni', 'tls_protocol',
  'error_type', 'error_message', 'timings', 'tags', 'source', 'replay_of',
  'traffic_class', 'blocked_by', 'upstream_proxy',
] as const satisfies readonly (keyof FlowRow)[];

// Fails to compile if FlowRow gains a field that the upsert would silently leave out.
const everyColumnWritten: Exclude<keyof FlowRow, (typeof FLOW_COLUMNS)[number]> extends never ? true : never = true;
void everyColumnWritten;

/**
 * A row as positional values for the upsert. Rows cross to the writer thread as these arrays: an
 * array of 41 values clones in a third of the time of an object with 41 keys (2.4 vs 8.4 us here)
 * and binds faster than named parameters.
 */
export function flowRowValues(row: FlowRow): unknown[] {
  return FLOW_COLUMNS.map((column) => row[column]);
}

/** WebSocket flows are written when accepted and again when closed, so a flow write is an upsert. */
const UPSERT_FLOW_SQL =
  `INSERT INTO flows (${FLOW_COLUMNS.join(', ')}) VALUES (${FLOW_COLUMNS.map(() => '?').join(', ')}) ` +
  `ON CONFLICT (id) DO UPDATE SET ${FLOW_COLUMNS.filter((c) => c !== 'id').map((c) => `${c} = excluded.${c}`).join(', ')}`;

const SUMMARY_COLUMNS =
  'id, kind, started_at, duration_ms, method, scheme, host, port, path, status_code, ' +
  'response_content_type, response_wire_size, error_type, message_count, source, replay_of, traffic_class, blocked_by';

/** Flows of a filter (its WHERE clause is spliced in; its values stay bound parameters). Params: beforeId, ...filter, limit. */
export const filteredSummariesSql = (where: string) =>
  `SELECT ${SUMMARY_COLUMNS} FROM flows WHERE id < ? AND ${where} ORDER BY id DESC LIMIT ?`;

export const filteredCountSql = (where: string) => `SELECT count(*) FROM flows WHERE ${where}`;

/**
 * One pass over the matching flows for every count of the stats view (see stats.ts), grouped by
 * raw status code. It scans the table: an index covering it cost every captured flow 20-40 us
 * more to write (its duration column puts each new entry at a random place), and stats run off
 * the proxy's thread, on the read worker.
 */
export const statsGroupsSql = (where: string) =>
  'SELECT host, method, status_code, traffic_class, count(*) AS total, count(error_type) AS errors, ' +
  'sum(error_type IS NOT NULL OR (status_code IS NOT NULL AND status_code >= 500)) AS failed, ' +
  'total(duration_ms) AS duration_sum, count(duration_ms) AS duration_count, max(duration_ms) AS duration_max ' +
  `FROM flows WHERE ${where} GROUP BY host, method, status_code, traffic_class`;

/**
 * The slowest matching flows: a second scan (there is no duration index, see above). Its first
 * parameter is a lower bound on their durations; SQLite tests that plain column before the
 * filter, so an expensive filter (a body search) runs again only on the few flows above it.
 */
export const slowestSql = (where: string) =>
  'SELECT id, method, host, path, duration_ms, status_code FROM flows ' +
  `WHERE duration_ms IS NOT NULL AND duration_ms >= ? AND ${where} ORDER BY duration_ms DESC, id DESC LIMIT ?`;

/** How many filtered query shapes stay prepared; a person types few filters at a time. */
const STATEMENT_CACHE_SIZE = 64;

/**
 * Filtered queries differ by their WHERE clause, so they cannot all be prepared at start-up;
 * each shape is prepared on first use and kept, like the named statements.
 */
export class StatementCache {
  private readonly statements = new Map<string, Statement<unknown[], unknown>>();

  constructor(private readonly db: Database.Database) {}

  get<R>(sql: string): Statement<unknown[], R> {
    let statement = this.statements.get(sql);
    if (!statement) {
      if (this.statements.size >= STATEMENT_CACHE_SIZE) this.statements.delete(this.statements.keys().next().value!);
      statement = this.db.prepare<unknown[], unknown>(sql);
      this.statements.set(sql, statement);
    }
    return statement as Statement<unknown[], R>;
  }
}

export interface BodyMetaRow {
  present: number;
  truncated: number | null;
  dropped: number | null;
  content_encoding: string | null;
}

export interface BodyDataRow {
  storage: BodyStorage;
  data: Buffer;
}

type Statement<P extends unknown[] = [], R = unknown> = Database.Statement<P, R>;

export interface ReadStatements {
  maxFlowId: Statement<[], number | null>;
  countFlows: Statement<[], number>;
  flowById: Statement<[number], FlowRow>;
  summariesBefore: Statement<[number, number], SummaryRow>;
  requestBodyMeta: Statement<[number], BodyMetaRow>;
  responseBodyMeta: Statement<[number], BodyMetaRow>;
  bodyData: Statement<[number, string], BodyDataRow>;
  /** Chunks of a flow that hold messages after a seq, in order (iterate: stop when you have enough). */
  chunksAfter: Statement<[number, number], { storage: ChunkStorage; data: Buffer }>;
  recentEvents: Statement<[number], EventRow>;
  flowIdsBetween: Statement<[number, number, number], number>;
  pageCount: Statement<[], number>;
  freelistCount: Statement<[], number>;
  pageSize: Statement<[], number>;
  filtered: StatementCache;
}

export interface WriteStatements {
  /** Values in FLOW_COLUMNS order (flowRowValues). */
  upsertFlow: Statement<unknown[]>;
  upsertBody: Statement<[number, string, string, Buffer]>;
  insertChunk: Statement<[number, number, number, number, ChunkStorage, Buffer]>;
  addMessageCount: Statement<[number, number]>;
  insertEvent: Statement<[number, string, string | null, number | null, string | null, string]>;
  deleteOldestFlows: Statement<[number]>;
  deleteFlowsStartedBefore: Statement<[number, number]>;
  deleteEventsBefore: Statement<[number, number]>;
  /** Frees up to VACUUM_PAGES_PER_STEP pages (a function: see prepareWriteStatements). */
  incrementalVacuum: () => void;
  checkpoint: Statement;
  /** Params: a JSON array of ids. Bodies and message chunks go with their flows (ON DELETE CASCADE). */
  deleteFlowsById: Statement<[string]>;
  deleteAllMessages: Statement;
  deleteAllBodies: Statement;
  deleteAllFlows: Statement;
  deleteAllEvents: Statement;
}

/** Statements any connection may run, read-only ones included. */
export function prepareReadStatements(db: Database.Database): ReadStatements {
  return {
    maxFlowId: db.prepare<[], number | null>('SELECT max(id) FROM flows').pluck(),
    countFlows: db.prepare<[], number>('SELECT count(*) FROM flows').pluck(),
    flowById: db.prepare<[number], FlowRow>('SELECT * FROM flows WHERE id = ?'),
    summariesBefore: db.prepare<[number, number], SummaryRow>(
      `SELECT ${SUMMARY_COLUMNS} FROM flows WHERE id < ? ORDER BY id DESC LIMIT ?`,
    ),
    requestBodyMeta: db.prepare<[number], BodyMetaRow>(
      'SELECT 1 AS present, request_truncated AS truncated, request_dropped AS dropped, ' +
        'request_content_encoding AS content_encoding FROM flows WHERE id = ?',
    ),
    responseBodyMeta: db.prepare<[number], BodyMetaRow>(
      'SELECT response_wire_size IS NOT NULL AS present, response_truncated AS truncated, ' +
        'response_dropped AS dropped, response_content_encoding AS content_encoding FROM flows WHERE id = ?',
    ),
    bodyData: db.prepare<[number, string], BodyDataRow>('SELECT storage, data FROM bodies WHERE flow_id = ? AND side = ?'),
    chunksAfter: db.prepare<[number, number], { storage: ChunkStorage; data: Buffer }>(
      'SELECT storage, data FROM ws_message_chunks WHERE flow_id = ? AND last_seq > ? ORDER BY first_seq',
    ),
    recentEvents: db.prepare<[number], EventRow>('SELECT * FROM events ORDER BY id DESC LIMIT ?'),
    flowIdsBetween: db.prepare<[number, number, number], number>('SELECT id FROM flows WHERE id BETWEEN ? AND ? ORDER BY id LIMIT ?').pluck(),
    pageCount: db.prepare<[], number>('PRAGMA page_count').pluck(),
    freelistCount: db.prepare<[], number>('PRAGMA freelist_count').pluck(),
    pageSize: db.prepare<[], number>('PRAGMA page_size').pluck(),
    filtered: new StatementCache(db),
  };
}

/** Statements of the one writing connection (the batched writer, retention and clear). */
export function prepareWriteStatements(db: Database.Database): WriteStatements {
  return {
    upsertFlow: db.prepare<unknown[]>(UPSERT_FLOW_SQL),
    upsertBody: db.prepare<[number, string, string, Buffer]>(
      'INSERT INTO bodies (flow_id, side, storage, data) VALUES (?, ?, ?, ?) ' +
        'ON CONFLICT (flow_id, side) DO UPDATE SET storage = excluded.storage, data = excluded.data',
    ),
    insertChunk: db.prepare<[number, number, number, number, ChunkStorage, Buffer]>(
      'INSERT INTO ws_message_chunks (flow_id, first_seq, last_seq, count, storage, data) VALUES (?, ?, ?, ?, ?, ?) ' +
        'ON CONFLICT (flow_id, first_seq) DO NOTHING',
    ),
    addMessageCount: db.prepare<[number, number]>('UPDATE flows SET message_count = message_count + ? WHERE id = ?'),
    insertEvent: db.prepare<[number, string, string | null, number | null, string | null, string]>(
      'INSERT INTO events (time, type, client_ip, client_port, host, message) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    deleteOldestFlows: db.prepare<[number]>(
      'DELETE FROM flows WHERE id IN (SELECT id FROM flows ORDER BY id LIMIT ?)',
    ),
    deleteFlowsStartedBefore: db.prepare<[number, number]>(
      'DELETE FROM flows WHERE id IN (SELECT id FROM flows WHERE started_at < ? ORDER BY started_at LIMIT ?)',
    ),
    deleteEventsBefore: db.prepare<[number, number]>(
      'DELETE FROM events WHERE id IN (SELECT id FROM events WHERE time < ? ORDER BY time LIMIT ?)',
    ),
    // Not a prepared statement: better-sqlite3's run() steps once, which frees one page; exec()
    // steps this pragma to completion.
    incrementalVacuum: () => void db.exec(`PRAGMA incremental_vacuum(${VACUUM_PAGES_PER_STEP})`),
    checkpoint: db.prepare('PRAGMA wal_checkpoint(PASSIVE)'),
    deleteFlowsById: db.prepare<[string]>('DELETE FROM flows WHERE id IN (SELECT value FROM json_each(?))'),
    deleteAllMessages: db.prepare('DELETE FROM ws_message_chunks'),
    deleteAllBodies: db.prepare('DELETE FROM bodies'),
    deleteAllFlows: db.prepare('DELETE FROM flows'),
    deleteAllEvents: db.prepare('DELETE FROM events'),
  };
}
