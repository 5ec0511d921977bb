/**
 * The list's queries against the store: the first page (on connect, filter change, resume), older
 * pages as the user scrolls, a re-query when new flows may match the filter, and the count.
 *
 * Each kind of query has at most one request in flight (single-flight.ts): on a million flows a
 * filtered count or page takes seconds, and live traffic asks for them far more often than that.
 * A generation number discards page answers that a newer query or a Clear has replaced.
 */
import type { ApiClient } from '../../src-shared/api/contract.js';
import type { FlowPageResult } from '../../src-shared/api/types.js';
import { ApiError } from '../../src-shared/api/errors.js';
import type { AppStore } from './app-store.js';
import { PAGE_SIZE } from './flows-window.js';
import { singleFlight } from './single-flight.js';

export const REQUERY_DELAY_MS = 300;
export const COUNT_DELAY_MS = 500;
/** Deleted ids remembered to keep them out of late pages; far more than pages in flight can hold. */
const FORGET_LIMIT = 10_000;

export interface FlowQueries {
  loadFirst(): Promise<void>;
  loadOlder(): Promise<void>;
  /** New flows arrived while a filter is active: reload the first page soon, once. */
  requeryFirstSoon(): void;
  refreshCountSoon(): void;
  applyFilter(text: string): Promise<void>;
  resumeFollow(): Promise<void>;
  /** The store was cleared: answers to queries already sent describe flows that no longer exist. */
  invalidate(): void;
  /** These flows were deleted: pages already on their way may still hold them, and must not bring them back. */
  forget(ids: readonly number[]): void;
  dispose(): void;
}

function filterArg(text: string): { filter?: string } {
  return text.trim() === '' ? {} : { filter: text };
}

export function createFlowQueries(api: ApiClient, store: AppStore): FlowQueries {
  /** Page answers: any newer first-page query or a Clear makes them stale. */
  let generation = 0;
  /** Count answers: only a Clear does (a newer first page does not change the count). */
  let clears = 0;
  let disposed = false;
  let requeryTimer: ReturnType<typeof setTimeout> | undefined;
  const deleted = new Set<number>();
  const withoutDeleted = (page: FlowPageResult): FlowPageResult =>
    deleted.size === 0 ? page : { ...page, items: page.items.filter((f) => !deleted.has(f.id)) };
  let countTimer: ReturnType<typeof setTimeout> | undefined;

  function failed(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof ApiError && error.code === 'BAD_FILTER') {
      const { filter } = store.getState();
      store.getState().filterEdited(filter.text, { message, start: 0, end: filter.text.length });
    }
    store.getState().flowsLoadFailed(message);
  }

  const count = singleFlight(async () => {
    if (disposed) return;
    const { filter } = store.getState();
    const cleared = clears;
    try {
      const answer = await api['flows.count'](filterArg(filter.applied));
      if (cleared === clears && store.getState().filter.applied === filter.applied) store.getState().countLoaded(answer.count);
    } catch {
      // The page query reports the same failure to the user.
    }
  });

  async function loadFirst(): Promise<void> {
    if (disposed) return;
    const gen = ++generation;
    const state = store.getState();
    state.firstPageRequested();
    // The server answers in order: ask for the rows first, so they never wait behind a count of
    // the whole store (ui-bench measured 5-25 ms of that on a million flows).
    const pageAnswer = api['flows.page']({ ...filterArg(state.filter.applied), limit: PAGE_SIZE });
    void count.request();
    try {
      const page = await pageAnswer;
      if (gen === generation) store.getState().firstPageLoaded(withoutDeleted(page));
    } catch (error) {
      if (gen === generation) failed(error);
    }
  }

  const requery = singleFlight(async () => {
    const { flows } = store.getState();
    if (flows.follow && !flows.newerNotLoaded) await loadFirst();
  });

  async function loadOlder(): Promise<void> {
    const state = store.getState();
    const cursor = state.flows.nextCursor;
    if (disposed || state.flows.loading || cursor === null) return;
    const gen = generation;
    state.flowsLoading();
    try {
      const page = await api['flows.page']({ ...filterArg(state.filter.applied), beforeId: cursor, limit: PAGE_SIZE });
      if (gen === generation) store.getState().olderPageLoaded(withoutDeleted(page));
    } catch (error) {
      if (gen === generation) failed(error);
    }
  }

  return {
    loadFirst,
    loadOlder,
    requeryFirstSoon() {
      if (requeryTimer) return;
      requeryTimer = setTimeout(() => {
        requeryTimer = undefined;
        void requery.request();
      }, REQUERY_DELAY_MS);
    },
    refreshCountSoon() {
      if (countTimer) return;
      countTimer = setTimeout(() => {
        countTimer = undefined;
        void count.request();
      }, COUNT_DELAY_MS);
    },
    async applyFilter(text) {
      if (store.getState().filter.applied === text) return;
      store.getState().filterApplied(text);
      await loadFirst();
    },
    async resumeFollow() {
      store.getState().resumeFollow();
      await loadFirst();
    },
    invalidate() {
      generation++;
      clears++;
    },
    forget(ids) {
      for (const id of ids) deleted.add(id);
      for (const oldest of deleted) {
        if (deleted.size <= FORGET_LIMIT) break;
        deleted.delete(oldest);
      }
    },
    dispose() {
      disposed = true;
      clearTimeout(requeryTimer);
      clearTimeout(countTimer);
      generation++;
      clears++;
    },
  };
}
