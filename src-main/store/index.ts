import fs from 'node:fs';
import type Database from 'better-sqlite3';
import type { Stats } from '../../src-shared/api/types.js';
import type { ConnectionEvent, Flow, WsMessage } from '../../src-shared/model/flow.js';
import type { FlowRecord } from '../../src-shared/model/transfer.js';
import type { QueuedBody } from './body-codec.js';
import { openDatabase } from './database.js';
import { compileFilter, registerFilterFunctions } from './filter-sql.js';
import * as reader from './reader.js';
import { trafficStats } from './stats.js';
import type { Disposable } from '../../src-shared/util/disposable.js';
import { Retention, type RetentionCaps } from './retention.js';
import {
  prepareReadStatements,
  prepareWriteStatements,
  type ReadStatements,
  type WriteStatements,
} from './statements.js';
import { batchCommitter } from './batch-commit.js';
import { InlineCommitter, WorkerCommitter } from './committers.js';
import { WriteQueue, type DroppedCounts } from './writer.js';
import * as transfer from './transfer.js';
import type { WriteError } from './write-errors.js';

export { prepareBody, type PreparedBody, type QueuedBody } from './body-codec.js';
export type { BodySide, FlowPage, StoredBody } from './reader.js';
export { ReadPool } from './read-pool.js';
export type { Disposable } from '../../src-shared/util/disposable.js';
export type { RetentionCaps } from './retention.js';
export type { DroppedCounts } from './writer.js';
export type { WriteError } from './write-errors.js';
export type { ExportPageQuery } from './transfer.js';

/** Imported records are written this many per transaction, so the writer thread is never kept waiting long. */
const IMPORT_BATCH = 200;

export interface FlowStoreOptions {
  /** Open for reading only (the CLI's list/show while a proxy writes). */
  readonly?: boolean;
  /** Records queued at most; beyond it whole records are dropped (and counted). Default 50,000. */
  maxQueueItems?: number;
  /** Body and payload bytes queued at most; beyond it bodies are dropped first. Default 64 MiB (seconds of backlog at full speed, and a bound on memory). */
  maxQueueBytes?: number;
  /** How long a record waits at most before its batch is committed. Default 50 ms. */
  batchIntervalMs?: number;
  /** Records per transaction; a full batch is handed to the writer on the next event-loop turn. Default 500. */
  batchSize?: number;
  /**
   * Commit on a worker thread (default) so SQLite never takes time from the proxy's event loop.
   * false commits in this thread: for fault-injection tests that must reach the writing connection.
   */
  writerThread?: boolean;
}

export interface StoreStats {
  queued: number;
  queuedBytes: number;
  dropped: DroppedCounts;
  lastWriteError: WriteError | null;
  flowCount: number;
  /** The database file plus its WAL. */
  dbSizeBytes: number;
}

interface Writable {
  writer: WriteQueue;
  statements: WriteStatements;
  retention: Retention;
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a whole number of 1 or more, not ${value}.`);
  return value;
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/**
 * The flow store: SQLite is the single source of truth. Capture enqueues (never waits on disk);
 * readers query committed rows (await committed() first to read what was just enqueued).
 */
export class FlowStore {
  private readonly retentionTasks = new Set<Disposable>();
  /** Handing the pages freed by the last clear() back to the disk, step by step. */
  private reclaiming: Disposable | null = null;
  private nextId: number;
  private closed = false;

  private constructor(
    readonly file: string,
    private readonly db: Database.Database,
    private readonly read: ReadStatements,
    private readonly writable: Writable | null,
  ) {
    this.nextId = (read.maxFlowId.get() ?? 0) + 1;
  }

  static open(file: string, options: FlowStoreOptions = {}): FlowStore {
    const writerOptions = {
      maxQueueItems: positiveInteger('maxQueueItems', options.maxQueueItems, 50_000),
      maxQueueBytes: positiveInteger('maxQueueBytes', options.maxQueueBytes, 64 * 1024 * 1024),
      batchIntervalMs: positiveInteger('batchIntervalMs', options.batchIntervalMs, 50),
      batchSize: positiveInteger('batchSize', options.batchSize, 500),
    };
    const readonly = options.readonly === true;
    const db = openDatabase(file, { readonly });
    try {
      registerFilterFunctions(db);
      const read = prepareReadStatements(db);
      if (readonly) return new FlowStore(file, db, read, null);
      const statements = prepareWriteStatements(db);
      const inline = new InlineCommitter(batchCommitter(db, statements));
      const committer = options.writerThread === false ? inline : WorkerCommitter.start(file, inline);
      const writer = new WriteQueue(committer, file, writerOptions);
      return new FlowStore(file, db, read, { writer, statements, retention: new Retention(read, statements) });
    } catch (err) {
      db.close();
      throw err;
    }
  }

  get readonly(): boolean {
    return this.writable === null;
  }

  /** Ids are handed out here, before the row exists, so messages can name their flow at once. */
  allocateFlowId(): number {
    this.writer();
    return this.nextId++;
  }

  /** Inserts the flow, or replaces it (and the bodies given) when its id was written before. */
  enqueueFlow(flow: Flow, bodies?: { request?: QueuedBody; response?: QueuedBody }): void {
    this.writer().addFlow(flow, bodies);
  }

  /** Enqueue a message after its flow: a message whose flow is not stored is dropped (counted). */
  enqueueWsMessage(msg: WsMessage): void {
    this.writer().addMessage(msg);
  }

  enqueueEvent(ev: Omit<ConnectionEvent, 'id'>): void {
    this.writer().addEvent(ev);
  }

  /**
   * Commits everything queued now, blocking this thread until the writer is done (up to 30 s).
   * A write error is kept in stats(), not thrown. Where the event loop must stay free (the
   * service), await committed() instead.
   */
  flush(): void {
    this.writable?.writer.flush();
  }

  /**
   * Resolves once every record enqueued before the call is committed, so a read made after it
   * sees them; at once when nothing is queued (or the store is read-only). Rejects with the
   * reason (ApiError UNAVAILABLE, the message of stats().lastWriteError) when that write fails;
   * a later call tries again. Does not block: the writer is nudged to commit on the next turn.
   */
  committed(): Promise<void> {
    return this.writable?.writer.committed() ?? Promise.resolve();
  }

  /** The writer's counters only: cheap enough to publish every second (no table count). */
  queueStats(): Pick<StoreStats, 'queued' | 'queuedBytes' | 'dropped' | 'lastWriteError'> {
    this.mustBeOpen();
    const writer = this.writable?.writer;
    return {
      queued: writer?.queued ?? 0,
      queuedBytes: writer?.queuedBytes ?? 0,
      dropped: { ...(writer?.dropped ?? { flows: 0, bodies: 0, messages: 0, events: 0 }) },
      lastWriteError: writer?.lastWriteError ?? null,
    };
  }

  /** The database file plus its WAL, in bytes: a stat of two files, no query. */
  sizeOnDisk(): number {
    return fileSize(this.file) + fileSize(`${this.file}-wal`);
  }

  stats(): StoreStats {
    return {
      ...this.queueStats(),
      flowCount: this.read.countFlows.get()!,
      dbSizeBytes: this.sizeOnDisk(),
    };
  }

  /**
   * A page of the flows a filter (src-shared/filter) matches, newest first. Filter text that does
   * not parse throws ApiError BAD_FILTER.
   */
  pageSummaries(query: { filter?: string; beforeId?: number; limit: number }): reader.FlowPage {
    const statements = this.beforeRead();
    return reader.pageSummaries(statements, compileFilter(query.filter), query);
  }

  getFlow(id: number): Flow | null {
    return reader.getFlow(this.beforeRead(), id);
  }

  getBody(flowId: number, side: reader.BodySide, options?: { decoded?: boolean }): reader.StoredBody | null {
    return reader.getBody(this.beforeRead(), flowId, side, options);
  }

  getWsMessages(flowId: number, query: { afterSeq?: number; limit: number }): WsMessage[] {
    return reader.getWsMessages(this.beforeRead(), flowId, query);
  }

  countFlows(filter?: string): number {
    const statements = this.beforeRead();
    return reader.countFlows(statements, compileFilter(filter));
  }

  /** Totals, breakdowns and the slowest flows among those a filter matches (all flows without one). */
  trafficStats(filter?: string): Stats {
    const statements = this.beforeRead();
    return trafficStats(statements, compileFilter(filter));
  }

  listEvents(query: { limit: number; types?: ConnectionEvent['type'][] }): ConnectionEvent[] {
    return reader.listEvents(this.beforeRead(), query);
  }

  /** Ids of the flows from `from` to `to` (both included), oldest first, at most `limit`. */
  flowIdsBetween(from: number, to: number, limit: number): number[] {
    return this.beforeRead().flowIdsBetween.all(from, to, limit);
  }

  /** How many flows an export of this filter (and ids) holds. */
  countForExport(filter?: string, ids?: number[]): number {
    const statements = this.beforeRead();
    return transfer.countForExport(statements, compileFilter(filter), ids);
  }

  /** The next page of whole flows (bodies and messages included) for an export, oldest first. */
  exportPage(filter: string | undefined, query: transfer.ExportPageQuery): FlowRecord[] {
    const statements = this.beforeRead();
    return transfer.exportPage(statements, compileFilter(filter), query);
  }

  /**
   * Stores records read from a file as new flows, all of them or none: when a write fails, the
   * flows already written are deleted again before the error is thrown. A record's replayOf that
   * names another record of the same import (by its id in the file) is mapped to its new id.
   */
  async importRecords(records: FlowRecord[]): Promise<{ firstId: number | null; lastId: number | null }> {
    const { statements } = this.mustWrite();
    const ids = records.map(() => this.allocateFlowId());
    const newIdOf = new Map<number, number>();
    records.forEach((record, i) => {
      if (record.flow.id > 0) newIdOf.set(record.flow.id, ids[i]!);
    });
    const written: number[] = [];
    try {
      for (let at = 0; at < records.length; at += IMPORT_BATCH) {
        const batch = records.slice(at, at + IMPORT_BATCH);
        const prepared = await Promise.all(batch.map((record, i) => {
          const replayOf = record.flow.replayOf === null ? null : (newIdOf.get(record.flow.replayOf) ?? null);
          return transfer.prepareRecord(record, ids[at + i]!, replayOf);
        }));
        this.mustBeOpen();
        transfer.writeRecords(this.db, statements, prepared);
        written.push(...prepared.map((p) => p.id));
        await new Promise((resolve) => setImmediate(resolve));
      }
    } catch (error) {
      if (!this.closed && written.length > 0) this.deleteFlows(written);
      throw error;
    }
    return { firstId: ids[0] ?? null, lastId: ids.at(-1) ?? null };
  }

  /** Deletes these flows with their bodies and messages; returns how many existed. */
  deleteFlows(ids: number[]): number {
    const { statements } = this.mustWrite();
    return statements.deleteFlowsById.run(JSON.stringify(ids)).changes;
  }

  /** Deletes every flow, message and event, including those still queued. Ids keep counting up. */
  clear(): void {
    const { writer, statements, retention } = this.mustWrite();
    writer.discard();
    // With foreign keys on, SQLite deletes row by row to check each child table (2 s for 300,000
    // flows, on the proxy's thread); off, an unconditional DELETE drops whole tables (0.1 s).
    // Every table is emptied, so there is nothing for the keys to guard.
    this.db.pragma('foreign_keys = OFF');
    try {
      this.db.transaction(() => {
        statements.deleteAllMessages.run();
        statements.deleteAllBodies.run();
        statements.deleteAllFlows.run();
        statements.deleteAllEvents.run();
      }).immediate();
    } finally {
      this.db.pragma('foreign_keys = ON');
    }
    this.reclaiming?.dispose();
    this.reclaiming = retention.reclaimFreePages();
  }

  /** Deletes the oldest flows until every cap holds; returns how many were deleted. */
  applyRetention(caps: RetentionCaps): number {
    const { writer, retention } = this.mustWrite();
    writer.flush();
    return retention.apply(caps);
  }

  /** Applies the caps every intervalMs in the background, in small chunks; dispose() stops it. */
  startRetention(caps: RetentionCaps, intervalMs: number): Disposable {
    const task = this.mustWrite().retention.start(caps, intervalMs);
    const handle: Disposable = {
      dispose: () => {
        task.dispose();
        this.retentionTasks.delete(handle);
      },
    };
    this.retentionTasks.add(handle);
    return handle;
  }

  /** Commits what is queued, stops timers and background retention, and closes the database. */
  close(): void {
    if (this.closed) return;
    for (const task of [...this.retentionTasks]) task.dispose();
    this.reclaiming?.dispose();
    this.writable?.writer.close();
    this.closed = true;
    this.db.close();
  }

  private mustBeOpen(): void {
    if (this.closed) throw new Error(`The flow store ${this.file} is closed.`);
  }

  private mustWrite(): Writable {
    this.mustBeOpen();
    this.writer();
    return this.writable!;
  }

  /** Enqueueing after close() is not an error (capture may deliver late events); it counts as dropped. */
  private writer(): WriteQueue {
    if (!this.writable) throw new Error(`The flow store ${this.file} was opened read-only; it cannot be written.`);
    return this.writable.writer;
  }

  /** Reads see what is committed; they never wait for the writer (that would stall the proxy). */
  private beforeRead(): ReadStatements {
    this.mustBeOpen();
    return this.read;
  }
}
