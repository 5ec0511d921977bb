import type { Disposable } from '../../src-shared/util/disposable.js';
import type { ReadStatements, WriteStatements } from './statements.js';

export interface RetentionCaps {
  /** Keep at most this many flows (the newest). */
  maxFlows?: number;
  /** Delete flows (and connection events) that started longer ago than this. */
  maxAgeMs?: number;
  /**
   * Keep the database's pages under this many bytes. The WAL file comes on top, bounded by
   * SQLite's automatic checkpoints (a few MiB).
   */
  maxDbBytes?: number;
}

/** Flows deleted per transaction: each step stays in the low milliseconds. */
export const RETENTION_CHUNK = 1_000;

function validate(caps: RetentionCaps): void {
  for (const [name, value] of Object.entries(caps)) {
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0)) {
      throw new RangeError(`Retention cap ${name} must be a number of 0 or more, not ${String(value)}.`);
    }
  }
}

/**
 * Deletes the oldest flows (bodies and messages go with them by cascade) until every cap holds, one
 * chunk per transaction, so the writer and readers get the database between chunks.
 */
export class Retention {
  constructor(
    private readonly read: ReadStatements,
    private readonly write: WriteStatements,
  ) {}

  /** Runs every step now; returns how many flows were deleted. */
  apply(caps: RetentionCaps): number {
    validate(caps);
    let deleted = 0;
    for (let step = this.step(caps); step !== null; step = this.step(caps)) deleted += step;
    this.write.checkpoint.all();
    return deleted;
  }

  /**
   * Applies the caps every intervalMs in the background, yielding to the event loop between
   * chunks. Errors (a full or read-only disk) are left for the next run; the writer reports them.
   */
  start(caps: RetentionCaps, intervalMs: number): Disposable {
    validate(caps);
    let running = false;
    let pending: NodeJS.Immediate | null = null;
    const runStep = (): void => {
      pending = null;
      let result: number | null = null;
      try {
        result = this.step(caps);
        if (result === null) this.write.checkpoint.all();
      } catch {
        result = null;
      }
      if (result === null) running = false;
      else pending = setImmediate(runStep).unref();
    };
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      runStep();
    }, intervalMs).unref();
    return {
      dispose: () => {
        clearInterval(timer);
        if (pending) clearImmediate(pending);
        pending = null;
      },
    };
  }

  /**
   * Hands every free page back to the file system (after clear()), one step per turn of the event
   * loop: a million flows' pages take about 1.7 s in all, which must not stall the proxy at once.
   * Checkpoints the WAL at the end. Errors are left for the next clear or retention run.
   */
  reclaimFreePages(): Disposable {
    let pending: NodeJS.Immediate | null = null;
    let free = this.read.freelistCount.get()!;
    const step = (): void => {
      pending = null;
      try {
        if (free > 0) {
          this.write.incrementalVacuum();
          const left = this.read.freelistCount.get()!;
          // A store made without auto_vacuum cannot shrink this way: stop rather than spin.
          free = left < free ? left : 0;
        }
        if (free > 0) pending = setImmediate(step).unref();
        else this.write.checkpoint.all();
      } catch {
        // A full or read-only disk: the pages stay free inside the file until the next attempt.
      }
    };
    step();
    return {
      dispose: () => {
        if (pending) clearImmediate(pending);
        pending = null;
      },
    };
  }

  /** Does one chunk of work: returns the flows it deleted, or null when every cap already holds. */
  private step(caps: RetentionCaps): number | null {
    if (caps.maxAgeMs !== undefined) {
      const cutoff = Date.now() - caps.maxAgeMs;
      const events = this.write.deleteEventsBefore.run(cutoff, RETENTION_CHUNK).changes;
      const flows = this.write.deleteFlowsStartedBefore.run(cutoff, RETENTION_CHUNK).changes;
      if (flows > 0 || events > 0) return flows;
    }
    if (caps.maxFlows !== undefined) {
      const excess = this.read.countFlows.get()! - caps.maxFlows;
      if (excess > 0) return this.write.deleteOldestFlows.run(Math.min(excess, RETENTION_CHUNK)).changes;
    }
    if (caps.maxDbBytes !== undefined) return this.stepTowardsSize(caps.maxDbBytes);
    return null;
  }

  private stepTowardsSize(maxDbBytes: number): number | null {
    const pageSize = this.read.pageSize.get()!;
    const pages = this.read.pageCount.get()!;
    const free = this.read.freelistCount.get()!;
    const used = (pages - free) * pageSize;
    const count = this.read.countFlows.get()!;
    if (used > maxDbBytes && count > 0) {
      // Delete about as many of the oldest flows as the excess is worth, judged by the average.
      const perFlow = used / count;
      const wanted = Math.ceil((used - maxDbBytes) / perFlow);
      return this.write.deleteOldestFlows.run(Math.max(1, Math.min(wanted, RETENTION_CHUNK))).changes;
    }
    if (free > 0 && pages * pageSize > maxDbBytes) {
      // Freed pages only make the file smaller once vacuumed (auto_vacuum is INCREMENTAL).
      this.write.incrementalVacuum();
      // A store made without auto_vacuum cannot shrink this way; stop rather than spin.
      return this.read.freelistCount.get()! < free ? 0 : null;
    }
    return null;
  }
}
