/**
 * The service's store reads, off the proxy's event loop: a stats scan over a million flows takes
 * seconds, a body search longer, and the engine never waits on the database. Each worker thread
 * has its own read-only connection and sees committed rows only, as the main thread's reads did.
 * Two threads, so that a slow stats or count query does not hold up the flow list's next page.
 */
import { Worker } from 'node:worker_threads';
import { ApiError, type ApiErrorBody } from '../../src-shared/api/errors.js';
import type { Stats } from '../../src-shared/api/types.js';
import type { ConnectionEvent, Flow, WsMessage } from '../../src-shared/model/flow.js';
import type { FlowStore } from './index.js';
import { restoreBuffers, type ReadAnswer, type ReadArgs, type ReadCall, type ReadMethod, type ReadResult } from './read-calls.js';
import type { BodySide, FlowPage, StoredBody } from './reader.js';
import { workerScript } from './worker-script.js';

const THREADS = 2;
/**
 * Counts and stats read every flow a filter matches (seconds over a million): they queue on the
 * first thread only, so that however many are asked for, another thread stays free for pages,
 * flows and bodies, which a person is waiting on.
 */
const SCANS: ReadonlySet<ReadMethod> = new Set(['countFlows', 'trafficStats']);

interface PendingCall {
  method: ReadMethod;
  resolve(result: unknown): void;
  reject(error: Error): void;
}

interface ReadThread {
  worker: Worker;
  pending: Map<number, PendingCall>;
  /** Why the thread failed, if it threw before exiting. */
  failure: string | null;
}

/** ApiErrors (BAD_FILTER, BAD_ARGUMENT, ...) keep their code; anything else is a plain Error with its message. */
function answerError(error: ApiErrorBody): Error {
  return error.code === 'INTERNAL' ? new Error(error.message) : new ApiError(error.code, error.message);
}

export class ReadPool {
  private readonly script = workerScript('read-worker.js');
  private readonly slots: Array<ReadThread | null> = Array<ReadThread | null>(THREADS).fill(null);
  private nextId = 1;
  private disposed = false;

  /**
   * Threads start on first use. `fallback` answers on this thread when no compiled worker script
   * exists, as the writer falls back to committing inline.
   */
  constructor(
    readonly file: string,
    private readonly fallback: Pick<FlowStore, ReadMethod>,
  ) {}

  pageSummaries(query: { filter?: string; beforeId?: number; limit: number }): Promise<FlowPage> {
    return this.call('pageSummaries', [query]);
  }

  countFlows(filter?: string): Promise<number> {
    return this.call('countFlows', [filter]);
  }

  trafficStats(filter?: string): Promise<Stats> {
    return this.call('trafficStats', [filter]);
  }

  getFlow(id: number): Promise<Flow | null> {
    return this.call('getFlow', [id]);
  }

  getBody(flowId: number, side: BodySide, options?: { decoded?: boolean }): Promise<StoredBody | null> {
    return this.call('getBody', [flowId, side, options]);
  }

  getWsMessages(flowId: number, query: { afterSeq?: number; limit: number }): Promise<WsMessage[]> {
    return this.call('getWsMessages', [flowId, query]);
  }

  listEvents(query: { limit: number }): Promise<ConnectionEvent[]> {
    return this.call('listEvents', [query]);
  }

  /** The running threads, for diagnostics and tests. */
  get workers(): Worker[] {
    return this.started().map((thread) => thread.worker);
  }

  /**
   * Starts the threads now, so that the first query a UI sends does not also wait for a thread,
   * its modules and its connection (60-80 ms here). Idle threads do not keep the process alive.
   */
  warm(): void {
    if (this.disposed || !this.script) return;
    for (let slot = 0; slot < this.slots.length; slot++) if (!this.slots[slot]) this.start(slot, this.script);
  }

  /** Rejects the calls not answered yet and stops the threads. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const threads = this.started();
    this.slots.fill(null);
    for (const thread of threads) this.rejectAll(thread, "The flow store's reader was closed before the query was answered.");
    await Promise.all(threads.map((thread) => thread.worker.terminate()));
  }

  private call<M extends ReadMethod>(method: M, args: ReadArgs<M>): Promise<ReadResult<M>> {
    if (this.disposed) return Promise.reject(new Error(`The flow store's reader for ${this.file} is closed.`));
    if (!this.script) {
      const read = this.fallback[method] as (...args: unknown[]) => ReadResult<M>;
      return Promise.resolve().then(() => read.apply(this.fallback, args));
    }
    const thread = this.pick(method, this.script);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      thread.pending.set(id, { method, resolve: resolve as (result: unknown) => void, reject });
      // Hold the process open only while a call waits; idle threads must not keep it alive.
      thread.worker.ref();
      thread.worker.postMessage({ id, method, args } satisfies ReadCall);
    });
  }

  /** Scans go to the first thread; anything else to an idle thread, a new one, else the shortest queue other than the first's. */
  private pick(method: ReadMethod, script: URL): ReadThread {
    if (SCANS.has(method)) return this.slots[0] ?? this.start(0, script);
    const idle = this.slots.find((thread) => thread?.pending.size === 0);
    if (idle) return idle;
    const unstarted = this.slots.indexOf(null);
    if (unstarted !== -1) return this.start(unstarted, script);
    return this.started().slice(1).reduce((best, thread) => (thread.pending.size < best.pending.size ? thread : best));
  }

  private started(): ReadThread[] {
    return this.slots.filter((thread): thread is ReadThread => thread !== null);
  }

  private start(slot: number, script: URL): ReadThread {
    const worker = new Worker(script, { workerData: { file: this.file } });
    const thread: ReadThread = { worker, pending: new Map(), failure: null };
    worker.on('message', (answer: ReadAnswer) => this.onAnswer(thread, answer));
    worker.on('error', (err) => {
      thread.failure = err.message;
    });
    worker.on('exit', (code) => this.onExit(thread, code));
    worker.unref();
    this.slots[slot] = thread;
    return thread;
  }

  private onAnswer(thread: ReadThread, answer: ReadAnswer): void {
    const call = thread.pending.get(answer.id);
    if (!call) return;
    thread.pending.delete(answer.id);
    if (thread.pending.size === 0) thread.worker.unref();
    if ('error' in answer) {
      call.reject(answerError(answer.error));
      return;
    }
    restoreBuffers(call.method, answer.result);
    call.resolve(answer.result);
  }

  /** A thread that dies is dropped; the next call starts a new one. */
  private onExit(thread: ReadThread, code: number): void {
    const slot = this.slots.indexOf(thread);
    if (slot === -1) return;
    this.slots[slot] = null;
    const reason = thread.failure ?? `exit code ${code}`;
    this.rejectAll(thread, `The flow store's read thread stopped before answering (${reason}). Ask again: a new thread takes over.`);
  }

  private rejectAll(thread: ReadThread, message: string): void {
    for (const call of thread.pending.values()) call.reject(new Error(message));
    thread.pending.clear();
  }
}
