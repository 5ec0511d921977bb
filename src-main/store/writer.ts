import type Database from 'better-sqlite3';
import type { ConnectionEvent, Flow, WsMessage } from '../../src-shared/model/flow.js';
import type { PreparedBody } from './body-codec.js';
import { flowToRow, type FlowRow } from './rows.js';
import type { WriteStatements } from './statements.js';
import { describeWriteError, isItemError, type WriteError } from './write-errors.js';

export interface WriterOptions {
  maxQueueItems: number;
  maxQueueBytes: number;
  batchIntervalMs: number;
  batchSize: number;
}

/**
 * What overload has cost so far. `bodies` counts request/response bodies and WebSocket payloads
 * whose bytes were dropped while their flow or message was still written; the others count whole
 * records that were never written.
 */
export interface DroppedCounts {
  flows: number;
  bodies: number;
  messages: number;
  events: number;
}

/** The row is built at enqueue time: what is written is the flow as it was when enqueued. */
type FlowItem = {
  kind: 'flow';
  bytes: number;
  row: FlowRow;
  request: PreparedBody | undefined;
  response: PreparedBody | undefined;
};
type MessageItem = { kind: 'message'; bytes: number; message: WsMessage; payloadDropped: boolean };
type EventItem = { kind: 'event'; bytes: 0; event: Omit<ConnectionEvent, 'id'> };
type QueueItem = FlowItem | MessageItem | EventItem;

const DROP_KEY = { flow: 'flows', message: 'messages', event: 'events' } as const;
/** While the database refuses writes, retry this often rather than every batch interval. */
const RETRY_INTERVAL_MS = 500;
const EMPTY = Buffer.alloc(0);

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * The in-memory queue between capture and SQLite. Enqueueing never touches the database; a timer
 * (or a full batch, on the next turn of the event loop) commits one transaction per batch. Items
 * leave the queue only once committed, so a failing disk loses nothing that fits in the bounds.
 */
export class BatchWriter {
  readonly dropped: DroppedCounts = { flows: 0, bodies: 0, messages: 0, events: 0 };
  lastWriteError: WriteError | null = null;

  private items: QueueItem[] = [];
  private head = 0;
  private bytes = 0;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private closed = false;
  private readonly commitBatch: (end: number) => DroppedCounts;

  constructor(
    db: Database.Database,
    private readonly statements: WriteStatements,
    private readonly file: string,
    private readonly options: WriterOptions,
  ) {
    this.commitBatch = db.transaction((end: number) => this.writeItems(end)).immediate;
  }

  get queued(): number {
    return this.items.length - this.head;
  }

  get queuedBytes(): number {
    return this.bytes;
  }

  addFlow(flow: Flow, bodies?: { request?: PreparedBody; response?: PreparedBody }): void {
    if (this.isFull('flow')) return;
    let room = this.options.maxQueueBytes - this.bytes;
    // Body bytes go first under overload: a body that does not fit is dropped, its flow still written.
    const admit = (body: PreparedBody | undefined): PreparedBody | undefined => {
      if (body === undefined || body.data.length > room) return undefined;
      room -= body.data.length;
      return body;
    };
    const request = admit(bodies?.request);
    const response = admit(bodies?.response);
    const requestDropped = bodies?.request !== undefined && request === undefined;
    const responseDropped = bodies?.response !== undefined && response === undefined;
    const row = flowToRow(flow, requestDropped, responseDropped);
    this.dropped.bodies += Number(requestDropped) + Number(responseDropped);
    const bytes = (request?.data.length ?? 0) + (response?.data.length ?? 0);
    this.push({ kind: 'flow', bytes, row, request, response });
  }

  addMessage(message: WsMessage): void {
    if (this.isFull('message')) return;
    const size = message.payload.byteLength;
    const payloadDropped = this.bytes + size > this.options.maxQueueBytes;
    if (payloadDropped) this.dropped.bodies++;
    this.push({ kind: 'message', bytes: payloadDropped ? 0 : size, message, payloadDropped });
  }

  addEvent(event: Omit<ConnectionEvent, 'id'>): void {
    if (this.isFull('event')) return;
    this.push({ kind: 'event', bytes: 0, event });
  }

  /** Commits everything queued now. Returns false when a write failed (see lastWriteError). */
  flush(): boolean {
    while (this.queued > 0) {
      if (!this.writeOneBatch()) return false;
    }
    return true;
  }

  /** Forgets everything queued (the store is being cleared); not counted as dropped. */
  discard(): void {
    this.items = [];
    this.head = 0;
    this.bytes = 0;
  }

  /** Flushes, stops the timers, and counts what could not be written as dropped. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.cancelTimers();
    for (let i = this.head; i < this.items.length; i++) {
      const item = this.items[i];
      if (item) this.dropped[DROP_KEY[item.kind]]++;
    }
    this.discard();
  }

  /** Also true once closed: capture may still deliver a late event while shutting down. */
  private isFull(kind: QueueItem['kind']): boolean {
    if (!this.closed && this.queued < this.options.maxQueueItems) return false;
    this.dropped[DROP_KEY[kind]]++;
    return true;
  }

  private push(item: QueueItem): void {
    this.items.push(item);
    this.bytes += item.bytes;
    this.schedule();
  }

  private schedule(): void {
    if (this.lastWriteError !== null) {
      this.timer ??= setTimeout(() => this.onTick(), RETRY_INTERVAL_MS).unref();
    } else if (this.queued >= this.options.batchSize) {
      // A full batch is written on the next turn of the event loop, never inside the caller.
      this.immediate ??= setImmediate(() => this.onTick()).unref();
    } else {
      this.timer ??= setTimeout(() => this.onTick(), this.options.batchIntervalMs).unref();
    }
  }

  private onTick(): void {
    this.cancelTimers();
    if (this.closed || this.queued === 0) return;
    // One batch per turn, so a backlog never holds the event loop (and the proxy) for long.
    this.writeOneBatch();
    if (this.queued > 0) this.schedule();
  }

  private cancelTimers(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
  }

  private writeOneBatch(): boolean {
    const end = Math.min(this.head + this.options.batchSize, this.items.length);
    let rejected: DroppedCounts;
    try {
      rejected = this.commitBatch(end);
    } catch (err) {
      this.lastWriteError = describeWriteError(err, this.file, this.options);
      return false;
    }
    this.lastWriteError = null;
    for (const key of Object.keys(rejected) as (keyof DroppedCounts)[]) this.dropped[key] += rejected[key];
    for (let i = this.head; i < end; i++) this.bytes -= this.items[i]?.bytes ?? 0;
    this.head = end;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return true;
  }

  /**
   * Runs inside the batch transaction. An item the database rejects on its own merits (a message
   * whose flow was never written, a value of the wrong type) is skipped and counted, so one bad
   * record cannot block the queue; any other error fails the whole batch, which stays queued.
   */
  private writeItems(end: number): DroppedCounts {
    const rejected: DroppedCounts = { flows: 0, bodies: 0, messages: 0, events: 0 };
    const messageCounts = new Map<number, number>();
    for (let i = this.head; i < end; i++) {
      const item = this.items[i];
      if (!item) continue;
      try {
        if (item.kind === 'flow') this.writeFlow(item);
        else if (item.kind === 'message') {
          if (this.writeMessage(item)) {
            const id = item.message.flowId;
            messageCounts.set(id, (messageCounts.get(id) ?? 0) + 1);
          }
        } else this.writeEvent(item);
      } catch (err) {
        if (!isItemError(err)) throw err;
        rejected[DROP_KEY[item.kind]]++;
      }
    }
    for (const [flowId, count] of messageCounts) this.statements.addMessageCount.run(count, flowId);
    return rejected;
  }

  private writeFlow(item: FlowItem): void {
    const { row, request, response } = item;
    this.statements.upsertFlow.run(row);
    if (request && request.data.length > 0) this.statements.upsertBody.run(row.id, 'request', request.storage, request.data);
    if (response && response.data.length > 0) this.statements.upsertBody.run(row.id, 'response', response.storage, response.data);
  }

  private writeMessage(item: MessageItem): boolean {
    const m = item.message;
    const payload = item.payloadDropped ? EMPTY : asBuffer(m.payload);
    const truncated = item.payloadDropped || m.truncated ? 1 : 0;
    const info = this.statements.insertMessage.run(
      m.flowId, m.seq, m.direction, m.type, m.time, m.size, payload, truncated, m.closeCode ?? null, m.closeReason ?? null,
    );
    return info.changes > 0;
  }

  private writeEvent(item: EventItem): void {
    const e = item.event;
    this.statements.insertEvent.run(e.time, e.type, e.clientIp ?? null, e.clientPort ?? null, e.host ?? null, e.message);
  }
}
