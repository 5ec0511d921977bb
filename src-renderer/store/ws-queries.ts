/**
 * Loading the open WebSocket flow's messages with flows.messages: a page at a time as the user
 * scrolls, and on its own until caught up when live messages arrive after a gap (the server pushes
 * at most the newest 500 per batch) or after a reconnect. One page request is in flight at a time.
 */
import type { ApiClient } from '../../src-shared/api/contract.js';
import type { AppStore } from './app-store.js';
import { singleFlight } from './single-flight.js';
import { MESSAGE_PAGE_SIZE, lastSeq } from './ws-window.js';

/** Pushed messages can reach the UI before the store has committed them: wait this long for it. */
export const GAP_RETRY_MS = 300;
/** Pages in a row that bring nothing before the hole is taken as messages the store dropped. */
export const GAP_RETRIES = 3;

export interface WsQueries {
  /** Shows this flow's messages (null: none), loading the first page. */
  open(flowId: number | null): void;
  /** The next page, as the user scrolls towards the end. */
  loadMore(): Promise<void>;
  /** Pages forward until every stored message up to now is loaded. */
  catchUp(): Promise<void>;
  /** After a reconnect: messages may have been missed while disconnected. */
  resync(): Promise<void>;
  dispose(): void;
}

export function createWsQueries(api: ApiClient, store: AppStore): WsQueries {
  let disposed = false;
  /** How the last page went: catching up stops on a failure and keeps going after a full page. */
  let lastPage: 'full' | 'short' | 'failed' = 'full';

  const page = singleFlight(async () => {
    const { ws } = store.getState();
    if (disposed || ws.flowId === null || ws.caughtUp) return;
    const flowId = ws.flowId;
    const afterSeq = lastSeq(ws);
    try {
      const messages = await api['flows.messages']({ id: flowId, limit: MESSAGE_PAGE_SIZE, ...(afterSeq < 0 ? {} : { afterSeq }) });
      lastPage = messages.length >= MESSAGE_PAGE_SIZE ? 'full' : 'short';
      store.getState().wsPageLoaded(flowId, afterSeq, messages);
    } catch {
      // Lost connection or a flow deleted meanwhile: the reconnect (or the next open) loads again.
      lastPage = 'failed';
    }
  });

  const catchUp = singleFlight(async () => {
    let stalls = 0;
    for (;;) {
      const before = store.getState().ws;
      if (disposed || before.flowId === null || before.caughtUp) return;
      await page.request();
      const after = store.getState().ws;
      if (lastPage === 'failed' || after.flowId !== before.flowId || after.caughtUp) return;
      if (lastSeq(after) !== lastSeq(before)) {
        stalls = 0;
        continue;
      }
      if (++stalls > GAP_RETRIES) {
        store.getState().wsGapSkipped();
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, GAP_RETRY_MS));
    }
  });

  async function loadMore(): Promise<void> {
    await page.request();
    // A short page that still leaves live messages waiting means a hole the store may fill soon;
    // the user is at the end, so there is no further scroll to ask for it.
    const { ws } = store.getState();
    if (lastPage === 'short' && !ws.caughtUp) await catchUp.request();
  }

  return {
    open(flowId) {
      store.getState().wsOpened(flowId);
      if (flowId !== null) void loadMore();
    },
    loadMore,
    catchUp: () => catchUp.request(),
    async resync() {
      const { ws } = store.getState();
      if (ws.flowId === null) return;
      if (!ws.caughtUp) {
        // Still paging through history: the next page (the first, if it failed) continues from here.
        await loadMore();
        return;
      }
      store.getState().wsResync();
      await catchUp.request();
    },
    dispose() {
      disposed = true;
    },
  };
}
