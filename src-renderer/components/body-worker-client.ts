/**
 * Jobs for the body worker, one promise each. The worker runs them one after another, so only the
 * oldest unanswered job is timed: past JOB_TIMEOUT_MS it is stuck (a pathological body), and the
 * worker is terminated, every waiting job fails, and the next job starts a fresh worker. A job
 * that throws, and a worker that dies, fail their jobs too: no promise is left hanging.
 */
import type { BodyJob, BodyJobReply, BodyJobResult } from './body-worker.js';

export const JOB_TIMEOUT_MS = 5_000;

/** The part of Worker this uses, so tests can stand in for it. */
export interface WorkerLike {
  onmessage: ((event: MessageEvent<BodyJobReply>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  onmessageerror: ((event: MessageEvent) => void) | null;
  postMessage(job: BodyJob): void;
  terminate(): void;
}

interface Waiting {
  resolve(result: BodyJobResult): void;
  reject(error: Error): void;
}

export type FormatJob = Omit<BodyJob, 'id'>;

export function createBodyFormatter(spawn: () => WorkerLike, timeoutMs = JOB_TIMEOUT_MS): (job: FormatJob) => Promise<BodyJobResult> {
  let worker: WorkerLike | null = null;
  let nextId = 1;
  // Insertion order is the worker's order, so the first entry is the job it is working on.
  const waiting = new Map<number, Waiting>();
  let timer: ReturnType<typeof setTimeout> | undefined;

  function timeOldest(): void {
    clearTimeout(timer);
    timer = undefined;
    if (waiting.size === 0) return;
    timer = setTimeout(() => failAll(new Error(`Formatting took longer than ${timeoutMs / 1000} s and was stopped.`)), timeoutMs);
  }

  function failAll(error: Error): void {
    worker?.terminate();
    worker = null;
    clearTimeout(timer);
    timer = undefined;
    const failed = [...waiting.values()];
    waiting.clear();
    for (const job of failed) job.reject(error);
  }

  function settle(id: number, outcome: (job: Waiting) => void): void {
    const job = waiting.get(id);
    if (!job) return;
    const wasOldest = waiting.keys().next().value === id;
    waiting.delete(id);
    outcome(job);
    if (wasOldest) timeOldest();
  }

  function started(): WorkerLike {
    if (worker) return worker;
    const fresh = spawn();
    fresh.onmessage = (event) => {
      const reply = event.data;
      if ('error' in reply) settle(reply.id, (job) => job.reject(new Error(reply.error)));
      else settle(reply.id, (job) => job.resolve(reply));
    };
    fresh.onerror = (event) => {
      event.preventDefault();
      failAll(new Error(`The formatting worker failed: ${event.message || 'unknown error'}`));
    };
    fresh.onmessageerror = () => failAll(new Error('The formatting worker sent a reply that could not be read.'));
    worker = fresh;
    return fresh;
  }

  return (job) => new Promise<BodyJobResult>((resolve, reject) => {
    const id = nextId++;
    const target = started();
    waiting.set(id, { resolve, reject });
    if (waiting.size === 1) timeOldest();
    target.postMessage({ ...job, id });
  });
}
