/**
 * Who runs the SQLite transactions. Normally a worker thread, so that committing never takes time
 * from the proxy's event loop ("the engine never waits on the database"); in the main thread only
 * if the worker cannot run. Either way one batch is in flight at a time, in queue order.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { RejectedCounts, WireItem } from './batch-commit.js';
import { decodeBatch, type WireBatch } from './wire-batch.js';
import { workerScript } from './worker-script.js';

export type CommitOutcome = { ok: true; rejected: RejectedCounts } | { ok: false; error: { code?: string; message: string } };

export interface Committer {
  /** Starts committing `batch`; `done` is called once, possibly before submit returns. */
  submit(batch: WireBatch, done: (outcome: CommitOutcome) => void): void;
  /** Blocks until the batch in flight, if any, has called done. */
  waitIdle(): void;
  close(): void;
}

export function errorInfo(err: unknown): { code?: string; message: string } {
  const code = (err as { code?: unknown } | null)?.code;
  return { ...(typeof code === 'string' ? { code } : {}), message: err instanceof Error ? err.message : String(err) };
}

export class InlineCommitter implements Committer {
  constructor(private readonly commit: (items: WireItem[]) => RejectedCounts) {}

  submit(batch: WireBatch, done: (outcome: CommitOutcome) => void): void {
    let outcome: CommitOutcome;
    try {
      outcome = { ok: true, rejected: this.commit(decodeBatch(batch)) };
    } catch (err) {
      outcome = { ok: false, error: errorInfo(err) };
    }
    done(outcome);
  }

  waitIdle(): void {}

  close(): void {}
}

/** A message from the worker: the outcome of batch `seq` (or of the close request). */
export interface Ack {
  seq: number;
  outcome: CommitOutcome;
}

/** How long a synchronous wait (flush, close) gives the worker before falling back. */
const WAIT_LIMIT_MS = 30_000;

export class WorkerCommitter implements Committer {
  private seq = 0;
  private pending: { seq: number; done: (outcome: CommitOutcome) => void } | null = null;
  private failed = false;

  private constructor(
    private readonly worker: Worker,
    private readonly acks: MessagePort,
    private readonly signal: Int32Array,
    private readonly fallback: InlineCommitter,
  ) {
    acks.on('message', (ack: Ack) => this.onAck(ack));
    acks.unref();
    worker.on('error', (err) => this.fail(`The store's writer thread stopped: ${err.message}`));
    worker.on('exit', () => this.fail("The store's writer thread exited."));
    worker.unref();
  }

  /** A committer on a worker thread for `file`, or the inline fallback when no worker script exists. */
  static start(file: string, fallback: InlineCommitter): Committer {
    const script = workerScript('writer-worker.js');
    if (!script) return fallback;
    const signal = new Int32Array(new SharedArrayBuffer(4));
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(script, { workerData: { file, signal, acks: port2 }, transferList: [port2] });
    return new WorkerCommitter(worker, port1, signal, fallback);
  }

  submit(batch: WireBatch, done: (outcome: CommitOutcome) => void): void {
    if (this.failed) {
      this.fallback.submit(batch, done);
      return;
    }
    this.pending = { seq: ++this.seq, done };
    // While a batch is out, its ack keeps the process alive (someone may await committed()).
    this.acks.ref();
    this.worker.postMessage({ type: 'batch', seq: this.seq, batch });
  }

  waitIdle(): void {
    if (this.pending) this.waitFor(this.pending.seq);
  }

  close(): void {
    this.waitIdle();
    if (!this.failed) {
      this.worker.postMessage({ type: 'close', seq: ++this.seq });
      this.waitFor(this.seq);
    }
    this.failed = true;
    void this.worker.terminate();
    this.acks.close();
  }

  /** Blocks on the shared counter the worker bumps after each message, then takes its ack. */
  private waitFor(seq: number): void {
    const deadline = Date.now() + WAIT_LIMIT_MS;
    for (;;) {
      const ack = receiveMessageOnPort(this.acks);
      if (ack) this.onAck(ack.message as Ack);
      if (Atomics.load(this.signal, 0) >= seq && (!this.pending || this.pending.seq > seq)) return;
      if (this.failed) return;
      const left = deadline - Date.now();
      if (left <= 0) {
        this.fail(`The store's writer thread did not answer within ${WAIT_LIMIT_MS / 1000} s.`);
        return;
      }
      Atomics.wait(this.signal, 0, Atomics.load(this.signal, 0), Math.min(left, 100));
    }
  }

  private onAck(ack: Ack): void {
    if (!this.pending || this.pending.seq !== ack.seq) return;
    const { done } = this.pending;
    this.pending = null;
    this.acks.unref();
    done(ack.outcome);
  }

  /** From here on batches are committed in the main thread; the one in flight is reported failed and retried. */
  private fail(message: string): void {
    if (this.failed) return;
    this.failed = true;
    // A thread that is only slow could still commit the batch we are about to retry, and hold
    // the write lock while we do: stop it.
    void this.worker.terminate();
    const pending = this.pending;
    this.pending = null;
    this.acks.unref();
    pending?.done({ ok: false, error: { code: 'WRITER_STOPPED', message } });
  }
}
