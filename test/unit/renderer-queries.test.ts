/**
 * The renderer's queries against a service double whose answers the test releases by hand, so
 * "one in flight" and "answers that land late" can be seen: at most one count, first-page requery
 * and stats scan at a time; a Clear beats a page already asked for; WebSocket gaps are paged.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ApiClient, ApiEvents, EventName } from '../../src-shared/api/contract.js';
import type { FlowPageQuery, Stats, WsMessageView } from '../../src-shared/api/types.js';
import type { FlowSummary } from '../../src-shared/model/flow.js';
import { startIngress } from '../../src-renderer/bridge/ingress.js';
import { createAppStore } from '../../src-renderer/store/app-store.js';
import { COUNT_DELAY_MS, REQUERY_DELAY_MS } from '../../src-renderer/store/flow-queries.js';
import { createQueries } from '../../src-renderer/store/queries.js';
import { singleFlight } from '../../src-renderer/store/single-flight.js';
import { STATS_INTERVAL_MS } from '../../src-renderer/store/stats-queries.js';
import { GAP_RETRIES, GAP_RETRY_MS } from '../../src-renderer/store/ws-queries.js';

function summary(id: number, host = 'a.test'): FlowSummary {
  return {
    id, kind: 'http', startedAt: id, durationMs: 1, method: 'GET', scheme: 'http', host, port: 80, path: `/${id}`, statusCode: 200,
    responseContentType: null, responseSize: 0, errorType: null, messageCount: 0, source: 'capture', replayOf: null, trafficClass: 'other', blocked: false,
  };
}

function message(seq: number, flowId = 7): WsMessageView {
  return { flowId, seq, direction: 'server-to-client', type: 'text', time: seq, size: 1, base64: 'YQ==', truncated: false, closeCode: null, closeReason: null };
}

const STATS: Stats = { total: 1, errors: 0, failed: 0, averageDurationMs: null, byMethod: [], byStatusClass: [], byHost: [], byTrafficClass: [], errorRateByHost: [], slowest: [] };

interface Held {
  name: string;
  args: unknown;
  release(): void;
}

/**
 * Every call is held until released (release() answers from the current data). `flows` are newest
 * last; the filter "host:NAME" keeps one host; `messages` are the stored WebSocket messages.
 */
function heldApi() {
  const flows: FlowSummary[] = [];
  const messages: WsMessageView[] = [];
  const held: Held[] = [];
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const matching = (filter?: string) => flows.filter((f) => !filter || f.host === filter.replace('host:', ''));
  const answer: Record<string, (args: never) => unknown> = {
    'flows.page': (q: FlowPageQuery) => ({
      items: matching(q.filter).filter((f) => q.beforeId === undefined || f.id < q.beforeId).sort((a, b) => b.id - a.id).slice(0, q.limit),
      nextCursor: null,
    }),
    'flows.count': (q: { filter?: string }) => ({ count: matching(q.filter).length }),
    'flows.messages': (q: { id: number; afterSeq?: number; limit: number }) =>
      messages.filter((m) => m.flowId === q.id && m.seq > (q.afterSeq ?? -1)).slice(0, q.limit),
    'stats.get': () => STATS,
  };
  const api: Record<string, unknown> = {
    on(event: EventName, listener: (payload: unknown) => void) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener);
      return () => set.delete(listener);
    },
    'proxy.status': () => new Promise(() => {}),
    'ca.info': () => new Promise(() => {}),
  };
  for (const name of Object.keys(answer)) {
    api[name] = (args: unknown) => new Promise((resolve) => {
      const entry: Held = { name, args, release: () => resolve(answer[name]!(args as never)) };
      held.push(entry);
    });
  }
  const push = <E extends EventName>(event: E, payload: ApiEvents[E]) => listeners.get(event)?.forEach((l) => l(payload));
  const inFlight = (name: string) => held.filter((h) => h.name === name);
  /** Answers every held call of that name (in order) and lets the answers land. */
  const release = async (name: string) => {
    const now = inFlight(name);
    for (const h of now) held.splice(held.indexOf(h), 1);
    for (const h of now) h.release();
    await vi.advanceTimersByTimeAsync(0);
  };
  return { api: api as unknown as ApiClient, flows, messages, push, inFlight, release, calls: held };
}

function setUp(connect = true) {
  vi.useFakeTimers();
  const fake = heldApi();
  const store = createAppStore();
  const queries = createQueries(fake.api, store);
  if (connect) store.getState().setConnection('open');
  const stop = startIngress(fake.api, store, queries);
  return { ...fake, store, queries, stop };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('single flight', () => {
  it('runs one at a time, and requests made meanwhile become exactly one more run', async () => {
    vi.useFakeTimers();
    let runs = 0;
    let active = 0;
    let most = 0;
    const query = singleFlight(async () => {
      runs++;
      most = Math.max(most, ++active);
      await new Promise((resolve) => setTimeout(resolve, 100));
      active--;
    });
    const first = query.request();
    const later = [query.request(), query.request(), query.request()];
    await vi.advanceTimersByTimeAsync(100);
    await first;
    expect(runs).toBe(2);
    await vi.advanceTimersByTimeAsync(100);
    await Promise.all(later);
    expect(runs).toBe(2);
    expect(most).toBe(1);
    expect(query.running).toBe(false);
  });
});

describe('flow list queries', () => {
  it('keeps one count in flight while flows arrive, then counts once more', async () => {
    const { push, flows, inFlight, release, store, stop } = setUp();
    await release('flows.page');
    await release('flows.count');
    for (let i = 1; i <= 20; i++) {
      flows.push(summary(i));
      push('flows.added', [summary(i)]);
      await vi.advanceTimersByTimeAsync(COUNT_DELAY_MS);
      expect(inFlight('flows.count').length).toBeLessThanOrEqual(1);
    }
    await release('flows.count');
    // The follow-up run that covers everything asked meanwhile.
    expect(inFlight('flows.count')).toHaveLength(1);
    await release('flows.count');
    expect(inFlight('flows.count')).toHaveLength(0);
    expect(store.getState().flows.count).toBe(20);
    stop();
  });

  it('with a filter, keeps one first-page requery in flight however fast flows arrive', async () => {
    const { push, flows, inFlight, release, store, queries, stop } = setUp();
    await release('flows.page');
    await release('flows.count');
    store.getState().filterEdited('host:a.test', null);
    void queries.flows.applyFilter('host:a.test');
    await release('flows.page');
    for (let i = 1; i <= 10; i++) {
      flows.push(summary(i));
      push('flows.added', [summary(i)]);
      await vi.advanceTimersByTimeAsync(REQUERY_DELAY_MS);
      expect(inFlight('flows.page').length).toBeLessThanOrEqual(1);
    }
    await release('flows.page');
    await release('flows.page');
    expect(inFlight('flows.page')).toHaveLength(0);
    expect(store.getState().flows.ids).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    stop();
  });

  it('a page asked for before Clear does not bring the deleted flows back', async () => {
    const { push, flows, release, store, stop } = setUp();
    flows.push(summary(1), summary(2));
    // The first page is in flight when the store is cleared.
    push('flows.cleared', {});
    await release('flows.page');
    await release('flows.count');
    expect(store.getState().flows.ids).toEqual([]);
    expect(store.getState().flows.loading).toBe(false);
    expect(store.getState().flows.count).toBe(0);
    stop();
  });

  it('inserts a slow request below newer flows, and counts no "new" flows while filtered and paused', async () => {
    const { push, release, store, queries, flows, stop } = setUp();
    flows.push(summary(1));
    await release('flows.page');
    push('flows.added', [summary(3)]);
    push('flows.added', [summary(2)]);
    expect(store.getState().flows.ids).toEqual([3, 2, 1]);

    store.getState().filterEdited('host:b.test', null);
    void queries.flows.applyFilter('host:b.test');
    await release('flows.page');
    store.getState().pauseFollow();
    push('flows.added', [summary(4, 'a.test'), summary(5, 'b.test')]);
    expect(store.getState().flows.missed).toBe(0);
    stop();
  });
});

describe('WebSocket messages', () => {
  it('keeps messages pushed while the first page loads, merged by seq', async () => {
    const { push, messages, release, store, queries, stop } = setUp();
    messages.push(message(0), message(1));
    queries.messages.open(7);
    push('ws.messages', [message(1), message(2)]);
    await release('flows.messages');
    expect(store.getState().ws.messages.map((m) => m.seq)).toEqual([0, 1, 2]);
    expect(store.getState().ws.caughtUp).toBe(true);
    stop();
  });

  it('pages the gap when a push starts after the last seq (the server sends the newest 500 at most)', async () => {
    const { push, messages, release, inFlight, store, queries, stop } = setUp();
    messages.push(message(0));
    queries.messages.open(7);
    await release('flows.messages');
    expect(store.getState().ws.caughtUp).toBe(true);

    for (let seq = 1; seq <= 1200; seq++) messages.push(message(seq));
    push('ws.messages', messages.slice(-500));
    expect(store.getState().ws.caughtUp).toBe(false);
    expect(inFlight('flows.messages')[0]!.args).toMatchObject({ id: 7, afterSeq: 0 });
    await release('flows.messages');
    expect(inFlight('flows.messages')[0]!.args).toMatchObject({ afterSeq: 500 });
    await release('flows.messages');
    // That page was full, so the store may have more: one more page, from the newest pushed seq.
    expect(inFlight('flows.messages')[0]!.args).toMatchObject({ afterSeq: 1200 });
    await release('flows.messages');
    const seqs = store.getState().ws.messages.map((m) => m.seq);
    expect(seqs).toEqual(Array.from({ length: 1201 }, (_, i) => i));
    expect(store.getState().ws.caughtUp).toBe(true);
    expect(inFlight('flows.messages')).toHaveLength(0);
    stop();
  });

  it('waits for the store to commit the gap, and shows what came after it if the store never has it', async () => {
    const { push, messages, release, inFlight, store, queries, stop } = setUp();
    messages.push(message(0));
    queries.messages.open(7);
    await release('flows.messages');
    push('ws.messages', [message(5), message(6)]);
    for (let attempt = 0; attempt <= GAP_RETRIES; attempt++) {
      await release('flows.messages');
      await vi.advanceTimersByTimeAsync(GAP_RETRY_MS);
    }
    expect(inFlight('flows.messages')).toHaveLength(0);
    expect(store.getState().ws.messages.map((m) => m.seq)).toEqual([0, 5, 6]);
    expect(store.getState().ws.caughtUp).toBe(true);
    stop();
  });

  it('loads what was missed while disconnected when the connection comes back', async () => {
    const { messages, release, inFlight, store, queries, stop } = setUp();
    messages.push(message(0));
    queries.messages.open(7);
    await release('flows.messages');
    await release('flows.page');
    store.getState().setConnection('closed');
    messages.push(message(1), message(2));
    store.getState().setConnection('open');
    expect(inFlight('flows.messages')[0]!.args).toMatchObject({ afterSeq: 0 });
    await release('flows.messages');
    expect(store.getState().ws.messages.map((m) => m.seq)).toEqual([0, 1, 2]);
    stop();
  });
});

describe('stats', () => {
  it('computes when opened, then at most every few seconds while flows arrive, one at a time', async () => {
    const { push, inFlight, release, store, queries, stop } = setUp();
    queries.stats.open();
    expect(inFlight('stats.get')).toHaveLength(1);
    expect(store.getState().stats.computing).toBe(true);
    await release('stats.get');
    expect(store.getState().stats.value).toEqual(STATS);

    for (let i = 1; i <= 40; i++) {
      push('flows.added', [summary(i)]);
      await vi.advanceTimersByTimeAsync(100);
    }
    // 4 s of arrivals after the first answer: nothing yet.
    expect(inFlight('stats.get')).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(STATS_INTERVAL_MS);
    expect(inFlight('stats.get')).toHaveLength(1);
    push('flows.added', [summary(41)]);
    await vi.advanceTimersByTimeAsync(STATS_INTERVAL_MS);
    expect(inFlight('stats.get')).toHaveLength(1);
    await release('stats.get');

    queries.stats.close();
    push('flows.added', [summary(42)]);
    await vi.advanceTimersByTimeAsync(3 * STATS_INTERVAL_MS);
    expect(inFlight('stats.get')).toHaveLength(0);
    stop();
  });
});
