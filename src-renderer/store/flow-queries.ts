/**
 * Loading the flow window from the service: the first page for the applied filter, older pages as
 * the user scrolls, a debounced re-query when new flows may match the filter, and the count.
 * A generation number discards answers to queries that a newer one has replaced.
 */
import type { ApiClient } from '../../src-shared/api/contract.js';
import { ApiError } from '../../src-shared/api/errors.js';
import type { AppStore } from './app-store.js';
import { PAGE_SIZE } from './flows-window.js';

export const REQUERY_DELAY_MS = 300;
export const COUNT_DELAY_MS = 500;

export interface FlowQueries {
  loadFirst(): Promise<void>;
  loadOlder(): Promise<void>;
  /** New flows arrived while a filter is active: reload the first page soon, once. */
  requeryFirstSoon(): void;
  refreshCountSoon(): void;
  applyFilter(text: string): Promise<void>;
  resumeFollow(): Promise<void>;
  dispose(): void;
}

function filterArg(text: string): { filter?: string } {
  return text.trim() === '' ? {} : { filter: text };
}

export function createFlowQueries(api: ApiClient, store: AppStore): FlowQueries {
  let generation = 0;
  let requeryTimer: ReturnType<typeof setTimeout> | undefined;
  let countTimer: ReturnType<typeof setTimeout> | undefined;

  function failed(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof ApiError && error.code === 'BAD_FILTER') {
      const { filter } = store.getState();
      store.getState().filterEdited(filter.text, { message, start: 0, end: filter.text.length });
    }
    store.getState().flowsLoadFailed(message);
  }

  async function refreshCount(): Promise<void> {
    const { filter } = store.getState();
    try {
      const { count } = await api['flows.count'](filterArg(filter.applied));
      if (store.getState().filter.applied === filter.applied) store.getState().countLoaded(count);
    } catch {
      // The page query reports the same failure to the user.
    }
  }

  async function loadFirst(): Promise<void> {
    const gen = ++generation;
    const state = store.getState();
    state.flowsLoading();
    // The server answers in order: ask for the rows first, so they never wait behind a count of
    // the whole store (ui-bench measured 5-25 ms of that on a million flows).
    const pageAnswer = api['flows.page']({ ...filterArg(state.filter.applied), limit: PAGE_SIZE });
    void refreshCount();
    try {
      const page = await pageAnswer;
      if (gen === generation) store.getState().firstPageLoaded(page);
    } catch (error) {
      if (gen === generation) failed(error);
    }
  }

  async function loadOlder(): Promise<void> {
    const state = store.getState();
    const cursor = state.flows.nextCursor;
    if (state.flows.loading || cursor === null) return;
    const gen = generation;
    state.flowsLoading();
    try {
      const page = await api['flows.page']({ ...filterArg(state.filter.applied), beforeId: cursor, limit: PAGE_SIZE });
      if (gen === generation) store.getState().olderPageLoaded(page);
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
        const { flows } = store.getState();
        if (flows.follow && !flows.newerNotLoaded) void loadFirst();
      }, REQUERY_DELAY_MS);
    },
    refreshCountSoon() {
      if (countTimer) return;
      countTimer = setTimeout(() => {
        countTimer = undefined;
        void refreshCount();
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
    dispose() {
      clearTimeout(requeryTimer);
      clearTimeout(countTimer);
      generation++;
    },
  };
}
