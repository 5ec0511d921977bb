/**
 * Closed-loop load: N workers, each issuing its next operation as soon as the previous one ends,
 * for a fixed time or a fixed number of operations. Throughput is what the target sustains at
 * that concurrency, and every latency is kept so the percentiles are exact.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

/** One client: a keep-alive pool, a tunnel or a WebSocket, set up before the clock starts. */
export interface LoadWorker {
  run(): Promise<void>;
  close(): void;
}

export interface LoadPlan {
  readonly concurrency: number;
  /** Run until this much time has passed... */
  readonly durationMs?: number;
  /** ...or until this many operations have been issued in all. */
  readonly totalOps?: number;
  createWorker(index: number): Promise<LoadWorker>;
}

export interface LoadResult {
  /** Operations that succeeded within the measured window. */
  readonly ops: number;
  /** Failed set-ups, warm-ups and operations. */
  readonly errors: number;
  /** Every operation sent, warm-up and failures included: what a capturing proxy should have seen. */
  readonly sent: number;
  /** Workers that were set up; for WebSocket, the connections opened. */
  readonly workers: number;
  readonly elapsedMs: number;
  readonly opsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly firstError?: string;
}

const OP_TIMEOUT_MS = 15_000;
/** A worker whose target is down fails instantly; the pause keeps it from spinning the CPU. */
const PAUSE_AFTER_ERROR_MS = 50;

export async function runLoad(plan: LoadPlan): Promise<LoadResult> {
  let sent = 0;
  let errors = 0;
  let firstError: string | undefined;
  const latencies: number[] = [];

  const attempt = async (worker: LoadWorker): Promise<number | null> => {
    sent++;
    const started = performance.now();
    try {
      await withTimeout(worker.run(), OP_TIMEOUT_MS);
      return performance.now() - started;
    } catch (error) {
      errors++;
      firstError ??= error instanceof Error ? error.message : String(error);
      await sleep(PAUSE_AFTER_ERROR_MS);
      return null;
    }
  };

  const setups = await Promise.allSettled(
    Array.from({ length: plan.concurrency }, (_, index) => plan.createWorker(index)),
  );
  const workers: LoadWorker[] = [];
  for (const setup of setups) {
    if (setup.status === 'fulfilled') workers.push(setup.value);
    else {
      errors++;
      firstError ??= setup.reason instanceof Error ? setup.reason.message : String(setup.reason);
    }
  }

  try {
    // One unmeasured operation per worker opens its connections (TCP, CONNECT, TLS) and warms the
    // JIT, so the window measures steady-state traffic rather than start-up.
    await Promise.all(workers.map((worker) => attempt(worker)));

    const startedAt = performance.now();
    const deadline = plan.durationMs === undefined ? Infinity : startedAt + plan.durationMs;
    const budget = plan.totalOps ?? Infinity;
    let issued = 0;
    const loop = async (worker: LoadWorker) => {
      while (performance.now() < deadline && issued < budget) {
        issued++;
        const latency = await attempt(worker);
        if (latency !== null) latencies.push(latency);
      }
    };
    await Promise.all(workers.map(loop));
    const elapsedMs = performance.now() - startedAt;

    const sorted = Float64Array.from(latencies).sort();
    return {
      ops: latencies.length,
      errors,
      sent,
      workers: workers.length,
      elapsedMs,
      opsPerSecond: latencies.length / (elapsedMs / 1000),
      p50Ms: percentile(sorted, 0.5),
      p99Ms: percentile(sorted, 0.99),
      firstError,
    };
  } finally {
    for (const worker of workers) worker.close();
  }
}

/** Nearest-rank percentile of an ascending array; NaN when there is nothing to rank. */
function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[rank] ?? NaN;
}

function withTimeout<T>(operation: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`No answer within ${ms} ms.`)), ms);
  });
  return Promise.race([operation, timeout]).finally(() => clearTimeout(timer));
}
