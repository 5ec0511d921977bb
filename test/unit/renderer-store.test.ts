import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ApiClient, ApiEvents, EventName } from '../../src-shared/api/contract.js';
import type { FlowPageQuery, WsMessageView } from '../../src-shared/api/types.js';
import type { FlowSummary } from '../../src-shared/model/flow.js';
import { startIngress } from '../../src-renderer/bridge/ingress.js';
import { createAppStore } from '../../src-renderer/store/app-store.js';
import { REQUERY_DELAY_MS } from '../../src-renderer/store/flow-queries.js';
import { createQueries } from '../../src-renderer/store/queries.js';
import { MAX_MESSAGES, wsFlowOpened, wsGapSkipped, wsLiveMessages, wsPageLoaded } from '../../src-renderer/store/ws-window.js';

function summary(id: number, host = 'example.com'): FlowSummary {
  return {
    id, kind: 'http', startedAt: id, durationMs: 1, method: 'GET', scheme: 'http', host, port: 80, path: '/', statusCode: 200,
    responseContentType: null, responseSize: 0, errorType: null, messageCount: 0, source: 'capture', replayOf: null, trafficClass: 'other', blocked: false,
  };
}

/** A service double: a store of flows newest first, filtered by host when the filter is "host:NAME". */
function fakeApi(flows: FlowSummary[]) {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const pageCalls: FlowPageQuery[] = [];
  const matching = (filter?: string) => flows.filter((f) => !filter || f.host === filter.replace('host:', ''));
  const api = {
    'flows.page': async (query: FlowPageQuery) => {
      pageCalls.push(query);
      const items = matching(query.filter).filter((f) => query.beforeId === undefined || f.id < query.beforeId).sort((a, b) => b.id - a.id).slice(0, query.limit);
      return { items, nextCursor: null };
    },
    'flows.count': async ({ filter }: { filter?: string }) => ({ count: matching(filter).length }),
    'proxy.status': () => new Promise(() => {}),
    'ca.info': () => new Promise(() => {}),
    on(event: EventName, listener: (payload: unknown) => void) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener);
      return () => set.delete(listener);
    },
  } as unknown as ApiClient;
  const push = <E extends EventName>(event: E, payload: ApiEvents[E]) => listeners.get(event)?.forEach((l) => l(payload));
  return { api, push, pageCalls, flows };
}

function setUp(flows: FlowSummary[]) {
  const fake = fakeApi(flows);
  const store = createAppStore();
  const queries = createQueries(fake.api, store);
  store.getState().setConnection('open');
  const stop = startIngress(fake.api, store, queries);
  return { ...fake, store, queries: queries.flows, stop };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('store wiring through the one ingress', () => {
  it('loads the first page and the count when connected, then tails live flows', async () => {
    const { store, push, stop } = setUp([summary(1), summary(2)]);
    await vi.waitFor(() => expect(store.getState().flows.ids).toEqual([2, 1]));
    expect(store.getState().flows.count).toBe(2);
    push('flows.added', [summary(3)]);
    expect(store.getState().flows.ids).toEqual([3, 2, 1]);
    stop();
  });

  it('applies a filter by re-querying, and re-queries (debounced) instead of appending new flows', async () => {
    vi.useFakeTimers();
    const { store, queries, push, pageCalls, flows, stop } = setUp([summary(1, 'a.test'), summary(2, 'b.test')]);
    await vi.waitFor(() => expect(store.getState().flows.ids).toHaveLength(2));
    store.getState().filterEdited('host:a.test', null);
    await queries.applyFilter('host:a.test');
    expect(store.getState().filter.applied).toBe('host:a.test');
    expect(store.getState().flows.ids).toEqual([1]);

    const callsBefore = pageCalls.length;
    flows.push(summary(3, 'b.test'), summary(4, 'a.test'));
    push('flows.added', [summary(3, 'b.test')]);
    push('flows.added', [summary(4, 'a.test')]);
    expect(store.getState().flows.ids).toEqual([1]);
    await vi.advanceTimersByTimeAsync(REQUERY_DELAY_MS);
    expect(pageCalls.length).toBe(callsBefore + 1);
    expect(pageCalls.at(-1)!.filter).toBe('host:a.test');
    expect(store.getState().flows.ids).toEqual([4, 1]);
    stop();
  });

  it('a paused tail counts new flows; resuming reloads the newest page', async () => {
    const { store, queries, push, flows, stop } = setUp([summary(1)]);
    await vi.waitFor(() => expect(store.getState().flows.ids).toEqual([1]));
    store.getState().pauseFollow();
    flows.push(summary(2));
    push('flows.added', [summary(2)]);
    expect(store.getState().flows.ids).toEqual([1]);
    expect(store.getState().flows.missed).toBe(1);
    await queries.resumeFollow();
    expect(store.getState().flows.ids).toEqual([2, 1]);
    expect(store.getState().flows.follow).toBe(true);
    stop();
  });

  it('flows.updated re-renders one row: the other rows keep identity', async () => {
    const { store, push, stop } = setUp([summary(1), summary(2)]);
    await vi.waitFor(() => expect(store.getState().flows.ids).toHaveLength(2));
    const before = store.getState().flows.byId;
    push('flows.updated', [{ ...summary(2), statusCode: 500 }]);
    const after = store.getState().flows.byId;
    expect(after[2]!.statusCode).toBe(500);
    expect(after[1]).toBe(before[1]);
    stop();
  });

  it('filter edits keep the error span and do not change the applied filter', () => {
    const store = createAppStore();
    store.getState().filterEdited('~m', { message: 'expected a method', start: 0, end: 2 });
    expect(store.getState().filter).toEqual({ text: '~m', applied: '', error: { message: 'expected a method', start: 0, end: 2 } });
  });
});

describe('WebSocket message window', () => {
  const message = (seq: number, flowId = 7): WsMessageView => ({
    flowId, seq, direction: 'client-to-server', type: 'text', time: seq, size: 1, base64: 'YQ==', truncated: false, closeCode: null, closeReason: null,
  });

  it('holds live messages back until caught up, then shows them in order: open flow only, no duplicates', () => {
    let state = wsFlowOpened(7);
    // Pushed while the first page is on its way: kept, not shown yet (and not lost).
    state = wsLiveMessages(state, [message(2), message(1)]);
    expect(state.messages).toEqual([]);
    state = wsPageLoaded(state, 7, -1, [message(0), message(1)]);
    expect(state.caughtUp).toBe(true);
    expect(state.messages.map((m) => m.seq)).toEqual([0, 1, 2]);
    state = wsLiveMessages(state, [message(2), message(3), message(0, 8)]);
    expect(state.messages.map((m) => m.seq)).toEqual([0, 1, 2, 3]);
  });

  it('stops appending at a gap in the pushed seqs, and fills it from a page (holes the store has are kept)', () => {
    let state = wsPageLoaded(wsFlowOpened(7), 7, -1, [message(0)]);
    state = wsLiveMessages(state, [message(4), message(5)]);
    expect(state.caughtUp).toBe(false);
    expect(state.messages.map((m) => m.seq)).toEqual([0]);
    // Pushed meanwhile, and a stale page from before: neither breaks the order.
    state = wsLiveMessages(state, [message(6), message(5)]);
    expect(wsPageLoaded(state, 7, -1, [message(0)])).toBe(state);
    // The store never had seq 2 (dropped under overload): the page is taken as it is.
    state = wsPageLoaded(state, 7, 0, [message(1), message(3), message(4)]);
    expect(state.messages.map((m) => m.seq)).toEqual([0, 1, 3, 4, 5, 6]);
    expect(state.caughtUp).toBe(true);
    expect(state.buffered).toEqual([]);
  });

  it('shows messages after a hole the store never fills, when told to give up on it', () => {
    let state = wsPageLoaded(wsFlowOpened(7), 7, -1, [message(0)]);
    state = wsLiveMessages(state, [message(3)]);
    state = wsGapSkipped(state);
    expect(state.messages.map((m) => m.seq)).toEqual([0, 3]);
    expect(state.caughtUp).toBe(true);
  });

  it('keeps at most MAX_MESSAGES, counting the dropped ones', () => {
    let state = wsPageLoaded(wsFlowOpened(7), 7, -1, []);
    state = wsLiveMessages(state, Array.from({ length: MAX_MESSAGES + 5 }, (_, i) => message(i)));
    expect(state.messages).toHaveLength(MAX_MESSAGES);
    expect(state.dropped).toBe(5);
    expect(state.messages[0]!.seq).toBe(5);
  });
});
