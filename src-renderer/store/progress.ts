/**
 * Progress of replay batches and exports, as replay.progress and export.progress report it, kept
 * by id: an event can arrive before the call that started the work has answered, so the dialog
 * that started it looks its id up here instead of listening. Pure functions.
 */
import type { ExportProgress, ReplayBatchProgress } from '../../src-shared/api/types.js';

/** Finished work is kept for its dialog's summary; past this many entries the oldest go. */
export const MAX_TRACKED = 20;

type Progress = ReplayBatchProgress | ExportProgress;

const ended = (p: Progress) => p.state !== 'running';

function tracked<P extends Progress>(list: readonly P[], idOf: (p: P) => string, next: P): P[] {
  const previous = list.find((p) => idOf(p) === idOf(next));
  // Events of one transport arrive in order, but a reconnect can replay an older state: a running
  // report never overwrites one that is further along or already over.
  if (previous && (ended(previous) || (!ended(next) && next.done < previous.done))) return list as P[];
  const others = list.filter((p) => p !== previous);
  return [...others.slice(Math.max(0, others.length - MAX_TRACKED + 1)), next];
}

/** Newest last. */
export function batchProgressed(list: readonly ReplayBatchProgress[], progress: ReplayBatchProgress): ReplayBatchProgress[] {
  return tracked(list, (p) => p.batchId, progress);
}

/** Newest last. */
export function exportProgressed(list: readonly ExportProgress[], progress: ExportProgress): ExportProgress[] {
  return tracked(list, (p) => p.exportId, progress);
}

/** 0..1 for a progress bar; an empty batch or export is complete as soon as it ends. */
export function fractionDone(progress: Pick<Progress, 'done' | 'total' | 'state'>): number {
  if (progress.total <= 0) return progress.state === 'running' ? 0 : 1;
  return Math.min(1, progress.done / progress.total);
}
