import { ApiError } from '../../src-shared/api/errors.js';
import type { ConnectionEvent, Flow, WsMessage } from '../../src-shared/model/flow.js';
import type { WireBody } from './batch-commit.js';
import type { QueuedBody } from './body-codec.js';
import type { CommitOutcome, Committer } from './committers.js';
import { ChunkBuilder } from './message-chunks.js';
import { giveBackSharedBuffer } from './shared-buffers.js';
import { BatchEncoder } from './wire-batch.js';
import { flowToWire } from './wire-flow.js';
import { describeWriteError, type WriteError } from './write-errors.js';

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

/**
 * The flow is serialised at enqueue time (see wire-batch.ts): what is written is the flow as it
 * was when enqueued, and the queue holds one string per flow rather than its objects, which the
 * garbage collector would copy on every scavenge while they wait.
 */
type FlowItem = {
  kind: 'flow';
  bytes: number;
  flowJson: string;
  dropped: { request: boolean; response: boolean };
  request: QueuedBody | undefined;
  response: QueuedBody | undefined;
};
/** The run of messages of one flow that arrived since its last chunk went to the writer. */
type MessagesItem = { kind: 'messages'; bytes: number; chunk: ChunkBuilder };
type EventItem = { kind: 'event'; bytes: 0; event: Omit<ConnectionEvent, 'id'> };
type QueueItem = FlowItem | MessagesItem | EventItem;

/** A committed() call: settles once `target` items have left the queue (committed, skipped or discarded). */
interface CommitWaiter {
  target: number;
  resolve(): void;
  reject(error: Error): void;
}

const DROP_KEY = { flow: 'flows', messages: 'messages', event: 'events' } as const;
/** A chunk this large goes to the writer as it is; the next message of its flow starts another. */
const CHUNK_BYTES = 64 * 1024;
/** While the database refuses writes, retry this often rather than every batch interval. */
const RETRY_INTERVAL_MS = 500;
const EMPTY = new Uint8Array(0);

function wireBody(body: QueuedBody | undefined): WireBody | null {
  if (!body || body.data.length === 0) return null;
  if (body.storage === 'captured') return { storage: 'captured', data: body.data, contentEncoding: body.contentEncoding, truncated: body.truncated };
  return { storage: body.storage, data: body.data };
}

/** What a queued body holds in memory: a captured one, its whole pooled buffer, which the queue's byte bound counts. */
function memoryOf(body: QueuedBody | undefined): number {
  if (!body) return 0;
  return body.storage === 'captured' ? body.data.buffer.byteLength : body.data.length;
}

function release(body: QueuedBody | undefined): void {
  if (body?.storage === 'captured') body.release();
}

/** Once an item has left the queue (committed or discarded), its shared buffers can be used again. */
function releaseItem(item: QueueItem): void {
  if (item.kind === 'messages') item.chunk.release();
  else if (item.kind === 'flow') {
    release(item.request);
    release(item.response);
  }
}

function addToBatch(encoder: BatchEncoder, item: QueueItem): void {
  if (item.kind === 'flow') {
    encoder.addFlow(item.flowJson, item.dropped, wireBody(item.request), wireBody(item.response));
  } else if (item.kind === 'messages') {
    const { chunk } = item;
    encoder.addMessages(chunk.flowId, chunk.firstSeq, chunk.lastSeq, chunk.count, chunk.view());
  } else {
    const e = item.event;
    encoder.addEvent({ time: e.time, type: e.type, clientIp: e.clientIp ?? null, clientPort: e.clientPort ?? null, host: e.host ?? null, message: e.message });
  }
}

/**
 * The in-memory queue between capture and SQLite. Enqueueing never touches the database; a timer
 * (or a full batch, on the next turn of the event loop) hands one batch at a time to the committer,
 * which writes it in one transaction on the writer thread. Items leave the queue only once
 * committed, so a failing disk loses nothing that fits in the bounds.
 */
export class WriteQueue {
  readonly dropped: DroppedCounts = { flows: 0, bodies: 0, messages: 0, events: 0 };
  lastWriteError: WriteError | null = null;

  private items: QueueItem[] = [];
  private head = 0;
  private bytes = 0;
  /** How many items from head are with the committer now. */
  private inFlight = 0;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private closed = false;
  /** Per flow, the messages item still open for more messages (not yet handed to the writer). */
  private readonly openChunks = new Map<number, MessagesItem>();
  /** Set when a commit fails, so a synchronous flush knows to stop. */
  private flushFailed = false;
  /**
   * Items ever pushed, and items that have left the queue since: a committed() call waits for
   * `settled` to reach what `pushed` was when it was made. (A message appended to an open chunk
   * belongs to an item already counted, which leaves the queue no earlier than the message.)
   */
  private pushed = 0;
  private settled = 0;
  /** In call order, so by target too. */
  private waiters: CommitWaiter[] = [];

  constructor(
    private readonly committer: Committer,
    private readonly file: string,
    private readonly options: WriterOptions,
  ) {}

  get queued(): number {
    return this.items.length - this.head;
  }

  get queuedBytes(): number {
    return this.bytes;
  }

  addFlow(flow: Flow, bodies?: { request?: QueuedBody; response?: QueuedBody }): void {
    if (this.isFull('flow')) {
      release(bodies?.request);
      release(bodies?.response);
      return;
    }
    let room = this.options.maxQueueBytes - this.bytes;
    // Body bytes go first under overload: a body that does not fit is dropped, its flow still written.
    const admit = (body: QueuedBody | undefined): QueuedBody | undefined => {
      if (body === undefined) return undefined;
      if (memoryOf(body) > room) {
        release(body);
        return undefined;
      }
      room -= memoryOf(body);
      return body;
    };
    const request = admit(bodies?.request);
    const response = admit(bodies?.response);
    const requestDropped = bodies?.request !== undefined && request === undefined;
    const responseDropped = bodies?.response !== undefined && response === undefined;
    this.dropped.bodies += Number(requestDropped) + Number(responseDropped);
    const bytes = memoryOf(request) + memoryOf(response);
    const dropped = { request: requestDropped, response: responseDropped };
    this.push({ kind: 'flow', bytes, flowJson: JSON.stringify(flowToWire(flow)), dropped, request, response });
  }

  addMessage(message: WsMessage): void {
    let item = this.openChunks.get(message.flowId);
    if (!item || item.chunk.byteLength >= CHUNK_BYTES) {
      if (this.isFull('messages')) return;
      item = { kind: 'messages', bytes: 0, chunk: new ChunkBuilder(message.flowId, message.payload.byteLength) };
      this.openChunks.set(message.flowId, item);
      this.push(item);
    }
    const size = message.payload.byteLength;
    const payloadDropped = this.bytes + size > this.options.maxQueueBytes;
    if (payloadDropped) this.dropped.bodies++;
    item.chunk.append(message, payloadDropped ? EMPTY : message.payload, payloadDropped || message.truncated);
    const bytes = payloadDropped ? 0 : size;
    item.bytes += bytes;
    this.bytes += bytes;
  }

  addEvent(event: Omit<ConnectionEvent, 'id'>): void {
    if (this.isFull('event')) return;
    this.push({ kind: 'event', bytes: 0, event });
  }

  /** Commits everything queued now, waiting for the writer. Returns false when a write failed (see lastWriteError). */
  flush(): boolean {
    this.committer.waitIdle();
    while (this.queued > 0) {
      this.flushFailed = false;
      this.submitBatch();
      this.committer.waitIdle();
      if (this.flushFailed) return false;
    }
    return true;
  }

  /**
   * Resolves once every record enqueued before the call has been committed (or skipped, or
   * discarded by clear/close); rejects with the reason when the write of one of them fails.
   * Never blocks: the queue is nudged to submit on the next turn instead of after its interval.
   */
  committed(): Promise<void> {
    const target = this.pushed;
    if (this.settled >= target) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ target, resolve, reject });
      this.schedule();
    });
  }

  /** Forgets everything queued (the store is being cleared); not counted as dropped. */
  discard(): void {
    this.committer.waitIdle();
    this.openChunks.clear();
    for (let i = this.head; i < this.items.length; i++) {
      const item = this.items[i];
      if (item) releaseItem(item);
    }
    this.items = [];
    this.head = 0;
    this.bytes = 0;
    this.settled = this.pushed;
    this.settleWaiters();
  }

  /** Flushes, stops the timers and the writer thread, and counts what could not be written as dropped. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.cancelTimers();
    this.committer.close();
    for (let i = this.head; i < this.items.length; i++) {
      const item = this.items[i];
      if (item) this.dropped[DROP_KEY[item.kind]] += item.kind === 'messages' ? item.chunk.count : 1;
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
    this.pushed++;
    this.bytes += item.bytes;
    this.schedule();
  }

  private schedule(): void {
    if (this.inFlight > 0 || this.closed) return; // the ack schedules the next batch
    // Someone awaits committed(): submit now, even while the disk fails (the retry answers them).
    // Not unref'd: an unref'd immediate does not stop the loop from sleeping in its poll phase, so
    // on an idle loop it would wait for the next unrelated timer or socket. It holds one turn only.
    if (this.waiters.length > 0 || (this.lastWriteError === null && this.queued >= this.options.batchSize)) {
      this.immediate ??= setImmediate(() => this.onTick());
    } else if (this.lastWriteError !== null) {
      this.timer ??= setTimeout(() => this.onTick(), RETRY_INTERVAL_MS).unref();
    } else {
      this.timer ??= setTimeout(() => this.onTick(), this.options.batchIntervalMs).unref();
    }
  }

  private onTick(): void {
    this.cancelTimers();
    if (this.closed || this.queued === 0 || this.inFlight > 0) return;
    this.submitBatch();
  }

  private cancelTimers(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
  }

  private submitBatch(): void {
    const end = Math.min(this.head + this.options.batchSize, this.items.length);
    const encoder = new BatchEncoder();
    for (let i = this.head; i < end; i++) {
      const item = this.items[i]!;
      // A chunk handed to the writer is closed: later messages of its flow start a new one.
      if (item.kind === 'messages' && this.openChunks.get(item.chunk.flowId) === item) this.openChunks.delete(item.chunk.flowId);
      addToBatch(encoder, item);
    }
    this.inFlight = end - this.head;
    const { batch, arena } = encoder.finish();
    this.committer.submit(batch, (outcome) => {
      // A failed batch is encoded again for the retry; its arena is left to the GC, in case a
      // writer thread that was given up on still reads it.
      if (outcome.ok) giveBackSharedBuffer(arena);
      this.onCommitted(outcome);
    });
  }

  private onCommitted(outcome: CommitOutcome): void {
    const count = this.inFlight;
    this.inFlight = 0;
    if (!outcome.ok) {
      this.lastWriteError = describeWriteError(outcome.error, this.file, this.options);
      this.flushFailed = true;
      // A writer thread that stopped is replaced by this thread, whose retry gives the real answer.
      if (outcome.error.code !== 'WRITER_STOPPED') this.rejectWaiters(new ApiError('UNAVAILABLE', this.lastWriteError.message));
    } else {
      this.lastWriteError = null;
      const { rejected } = outcome;
      this.dropped.flows += rejected.flows;
      this.dropped.messages += rejected.messages;
      this.dropped.events += rejected.events;
      const end = this.head + count;
      for (let i = this.head; i < end; i++) {
        const item = this.items[i];
        if (!item) continue;
        this.bytes -= item.bytes;
        releaseItem(item);
      }
      this.head = end;
      this.settled += count;
      this.settleWaiters();
      if (this.head === this.items.length) {
        this.items = [];
        this.head = 0;
      } else if (this.head > 4096 && this.head * 2 > this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
    }
    if (!this.closed && this.queued > 0) this.schedule();
  }

  private settleWaiters(): void {
    let done = 0;
    while (done < this.waiters.length && this.waiters[done]!.target <= this.settled) this.waiters[done++]!.resolve();
    if (done > 0) this.waiters = this.waiters.slice(done);
  }

  /** Every waiter's target lies past the failed batch, so each of them waited on it. */
  private rejectWaiters(error: Error): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.reject(error);
  }
}
