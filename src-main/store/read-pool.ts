/**
 * The service's store reads, off the proxy's event loop: a stats scan over a million flows takes
 * seconds, a body search longer, and the engine never waits on the database. Each worker thread
 * has its own read-only connection and sees committed rows only, as the main thread's reads did.
 * Two threads, so that a slow stats or count query does not hold up the flow list's next page.
 * Every call has a deadline: SQLite cannot be interrupted from outside, so a query that runs past
 * it (a catastrophic regular expression over megabytes of bodies) costs its thread, not the store.
 */
import { Worker } from 'node:worker_threads';
import { ApiError, type ApiErrorBody } from '../../src-shared/api/errors.js';
import type { Stats } from '../../src-shared/api/types.js';
import type { ConnectionEvent, Flow, WsMessage } from '../../src-shared/model/flow.js';
import { callsJavaScript, compileFilter } from './filter-sql.js';
import type { FlowStore } from './index.js';
import { restoreBuffers, type ReadAnswer, type ReadArgs, type ReadCall, type ReadMethod, type ReadResult } from './read-calls.js';
import type { BodySide, FlowPage, StoredBody } from './reader.js';
import type { FlowRecord } from '../../src-shared/model/transfer.js';
import type { ExportPageQuery } from './transfer.js';
import { workerScript } from './worker-script.js';

const THREADS = 2;
const DEFAULT_DEADLINE_MS = 30_000;
/**
 * Counts and stats read every flow a filter matches (seconds over a million): they queue on the
 * first thread only, so that however many are asked for, another thread stays free for pages,
 * flows and bodies, which a person is waiting on. A page whose filter no index can help is a scan
 * too (see isScan).
 */
const SCANS: ReadonlySet<ReadMethod> = new Set(['countFlows', 'trafficStats', 'countForExport', 'exportPage']);

/** What a call was reading, for the message when it runs out of time. */
const READING: Readonly<Record<ReadMethod, string>> = {
  pageSummaries: 'a page of the flow list',
  countFlows: 'the flow count',
  trafficStats: 'the stats',
  getFlow: 'a flow',
  getBody: 'a body',
  getWsMessages: "a WebSocket's messages",
  listEvents: 'the connection events',
  countForExport: 'the flows to export',
  exportPage: 'a page of the export',
  flowIdsBetween: 'the flows of a range',
};

export interface ReadPoolOptions {
  /** How long one call may run on its thread before that thread is stopped. Default 30 s. */
  deadlineMs?: number;
}

interface PendingCall {
  method: ReadMethod;
  args: unknown[];
  resolve(result: unknown): void;
  reject(error: Error): void;
}

interface ReadThread {
  worker: Worker;
  /** In the order the thread answers them: the first is the one it is running. */
  pending: Map<number, PendingCall>;
  /** Why the thread failed, if it threw before exiting. */
  failure: string | null;
  /** Runs out when the call the thread is running passes the deadline. */
  deadline: NodeJS.Timeout | null;
}

/** ApiErrors (BAD_FILTER, BAD_ARGUMENT, ...) keep their code; anything else is a plain Error with its message. */
function answerError(error: ApiErrorBody): Error {
  return error.code === 'INTERNAL' ? new Error(error.message) : new ApiError(error.code, error.message);
}

/** The filter text a call was given, if any. */
function filterOf(method: ReadMethod, args: unknown[]): string | undefined {
  let filter: string | undefined;
  if (method === 'pageSummaries') filter = (args[0] as ReadArgs<'pageSummaries'>[0]).filter;
  else if (method === 'countFlows' || method === 'trafficStats' || method === 'countForExport' || method === 'exportPage') {
    filter = args[0] as string | undefined;
  }
  return filter?.trim() ? filter : undefined;
}

function isScan(method: ReadMethod, args: unknown[]): boolean {
  if (SCANS.has(method)) return true;
  const filter = method === 'pageSummaries' ? filterOf(method, args) : undefined;
  if (filter === undefined) return false;
  try {
    return callsJavaScript(compileFilter(filter));
  } catch {
    return false; // the thread answers with the filter's error at once
  }
}

/** A call past its deadline: with a filter, the filter is to blame (the common case by far). */
function deadlineError(call: PendingCall, deadlineMs: number): ApiError {
  const limit = `${deadlineMs / 1000} s`;
  if (filterOf(call.method, call.args) !== undefined) {
    return new ApiError(
      'BAD_FILTER',
      `This filter took longer than ${limit} to run over the store; narrow it, e.g. add ~d HOST or a shorter regular expression.`,
    );
  }
  return new ApiError(
    'UNAVAILABLE',
    `Reading ${READING[call.method]} from the flow store took longer than ${limit}, so it was stopped. ` +
      'Ask again; if it keeps happening, the disk holding the store may be very slow or busy.',
  );
}

export class ReadPool {
  private readonly script = workerScript('read-worker.js');
  private readonly slots: Array<ReadThread | null> = Array<ReadThread | null>(THREADS).fill(null);
  private readonly deadlineMs: number;
  private nextId = 1;
  private disposed = false;

  /**
   * Threads start on first use. `fallback` answers on this thread when no compiled worker script
   * exists, as the writer falls back to committing inline (with no deadline: nothing can stop it).
   */
  constructor(
    readonly file: string,
    private readonly fallback: Pick<FlowStore, ReadMethod>,
    options: ReadPoolOptions = {},
  ) {
    const deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
    if (!(deadlineMs > 0)) throw new RangeError(`deadlineMs must be more than 0, not ${deadlineMs}.`);
    this.deadlineMs = deadlineMs;
  }

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

  listEvents(query: { limit: number; types?: ConnectionEvent['type'][] }): Promise<ConnectionEvent[]> {
    return this.call('listEvents', [query]);
  }

  countForExport(filter?: string, ids?: number[]): Promise<number> {
    return this.call('countForExport', [filter, ids]);
  }

  flowIdsBetween(from: number, to: number, limit: number): Promise<number[]> {
    return this.call('flowIdsBetween', [from, to, limit]);
  }

  exportPage(filter: string | undefined, query: ExportPageQuery): Promise<FlowRecord[]> {
    return this.call('exportPage', [filter, query]);
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
    for (const thread of threads) {
      this.stopDeadline(thread);
      this.rejectAll(thread, "The flow store's reader was closed before the query was answered.");
    }
    await Promise.all(threads.map((thread) => thread.worker.terminate()));
  }

  private call<M extends ReadMethod>(method: M, args: ReadArgs<M>): Promise<ReadResult<M>> {
    if (this.disposed) return Promise.reject(new Error(`The flow store's reader for ${this.file} is closed.`));
    if (!this.script) {
      const read = this.fallback[method] as (...args: unknown[]) => ReadResult<M>;
      return Promise.resolve().then(() => read.apply(this.fallback, args));
    }
    const thread = this.pick(method, args, this.script);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      thread.pending.set(id, { method, args, resolve: resolve as (result: unknown) => void, reject });
      // Hold the process open only while a call waits; idle threads must not keep it alive.
      thread.worker.ref();
      thread.worker.postMessage({ id, method, args } satisfies ReadCall);
      if (thread.pending.size === 1) this.startDeadline(thread);
    });
  }

  /** Scans go to the first thread; anything else to an idle thread, a new one, else the shortest queue other than the first's. */
  private pick(method: ReadMethod, args: unknown[], script: URL): ReadThread {
    if (isScan(method, args)) return this.slots[0] ?? this.start(0, script);
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
    const thread: ReadThread = { worker, pending: new Map(), failure: null, deadline: null };
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
    // A thread answers in order: the next call is the one it runs now.
    this.startDeadline(thread);
    if (thread.pending.size === 0) thread.worker.unref();
    if ('error' in answer) {
      call.reject(answerError(answer.error));
      return;
    }
    restoreBuffers(call.method, answer.result);
    call.resolve(answer.result);
  }

  /** (Re)starts the clock for the call the thread runs now, if any. */
  private startDeadline(thread: ReadThread): void {
    this.stopDeadline(thread);
    if (thread.pending.size > 0) thread.deadline = setTimeout(() => this.onDeadline(thread), this.deadlineMs).unref();
  }

  private stopDeadline(thread: ReadThread): void {
    if (thread.deadline) clearTimeout(thread.deadline);
    thread.deadline = null;
  }

  /**
   * The running call took too long. Its thread is stuck inside SQLite and cannot be told to stop
   * that query, so it is stopped and dropped at once: the next call starts a new one.
   */
  private onDeadline(thread: ReadThread): void {
    thread.deadline = null;
    const running = thread.pending.entries().next();
    if (running.done) return;
    const [id, call] = running.value;
    thread.pending.delete(id);
    this.retire(thread);
    call.reject(deadlineError(call, this.deadlineMs));
    this.rejectAll(
      thread,
      `The flow store's read thread was stopped because another query on it ran longer than ${this.deadlineMs / 1000} s. ` +
        'Ask again: a new thread takes over.',
    );
    thread.worker.unref();
    void thread.worker.terminate();
  }

  /** Takes the thread out of its slot; false if it was not in one (already retired or disposed). */
  private retire(thread: ReadThread): boolean {
    this.stopDeadline(thread);
    const slot = this.slots.indexOf(thread);
    if (slot === -1) return false;
    this.slots[slot] = null;
    return true;
  }

  /** A thread that dies is dropped; the next call starts a new one. */
  private onExit(thread: ReadThread, code: number): void {
    if (!this.retire(thread)) return;
    const reason = thread.failure ?? `exit code ${code}`;
    this.rejectAll(thread, `The flow store's read thread stopped before answering (${reason}). Ask again: a new thread takes over.`);
  }

  /** The calls were fine; their thread was lost: a person can simply ask again. */
  private rejectAll(thread: ReadThread, message: string): void {
    for (const call of thread.pending.values()) call.reject(new ApiError('UNAVAILABLE', message));
    thread.pending.clear();
  }
}
