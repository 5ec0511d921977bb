/**
 * stats.get for the Stats view. On a million flows it is a scan of seconds, so it runs when the
 * view opens, when the filter changes, on the Refresh button, and while flows arrive at most once
 * per STATS_INTERVAL_MS after the previous one ended; never two at a time.
 */
import type { ApiClient } from '../../src-shared/api/contract.js';
import type { AppStore } from './app-store.js';
import { singleFlight } from './single-flight.js';

export const STATS_INTERVAL_MS = 5_000;

export interface StatsQueries {
  /** The view is shown: compute now. */
  open(): void;
  close(): void;
  refresh(): Promise<void>;
  /** New or cleared flows: compute again, no sooner than STATS_INTERVAL_MS after the last one. */
  flowsChanged(): void;
  dispose(): void;
}

export function createStatsQueries(api: ApiClient, store: AppStore, now: () => number = Date.now): StatsQueries {
  let shown = false;
  let disposed = false;
  let lastEndedAt = -Infinity;
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** Flows changed while a run was going: schedule the next one when it ends. */
  let changedDuringRun = false;

  const compute = singleFlight(async () => {
    if (disposed) return;
    const filter = store.getState().filter.applied;
    store.getState().statsLoading();
    try {
      const stats = await api['stats.get'](filter.trim() === '' ? {} : { filter });
      store.getState().statsLoaded(filter, stats);
    } catch (error) {
      store.getState().statsFailed(error instanceof Error ? error.message : String(error));
    } finally {
      lastEndedAt = now();
      if (changedDuringRun) {
        changedDuringRun = false;
        schedule();
      }
    }
  });

  function schedule(): void {
    if (!shown || disposed || timer) return;
    const wait = Math.max(0, lastEndedAt + STATS_INTERVAL_MS - now());
    timer = setTimeout(() => {
      timer = undefined;
      if (compute.running) changedDuringRun = true;
      else void compute.request();
    }, wait);
  }

  const cancelTimer = () => {
    clearTimeout(timer);
    timer = undefined;
  };

  return {
    open() {
      shown = true;
      void compute.request();
    },
    close() {
      shown = false;
      changedDuringRun = false;
      cancelTimer();
    },
    refresh() {
      cancelTimer();
      return compute.request();
    },
    flowsChanged() {
      if (compute.running) changedDuringRun = true;
      else schedule();
    },
    dispose() {
      disposed = true;
      cancelTimer();
    },
  };
}
