import { describe, expect, it } from 'vitest';
import type { FlowSummary } from '../../src-shared/model/flow.js';
import {
  MAX_ROWS, PAGE_SIZE, emptyFlowsWindow, filterChanged, firstPageLoaded, firstPageRequested, flowsCleared, followPaused, followResumed, liveFlowsAdded, liveFlowsUpdated, liveMessagesCounted,
  olderPageLoaded, type FlowsWindow,
} from '../../src-renderer/store/flows-window.js';

function summary(id: number, patch: Partial<FlowSummary> = {}): FlowSummary {
  return {
    id, kind: 'http', startedAt: 1_700_000_000_000 + id, durationMs: 5, method: 'GET', scheme: 'http', host: 'example.com', port: 80,
    path: `/${id}`, statusCode: 200, responseContentType: 'text/plain', responseSize: 10, errorType: null, messageCount: 0, source: 'capture', replayOf: null, trafficClass: 'other', blocked: false, ...patch,
  };
}

/** A newest-first page of ids from `newest` down, as flows.page returns it. */
function page(newest: number, size = PAGE_SIZE, oldestId = 1) {
  const items = Array.from({ length: Math.min(size, newest - oldestId + 1) }, (_, i) => summary(newest - i));
  const last = items.at(-1)!.id;
  return { items, nextCursor: last > oldestId ? last : null };
}

describe('flow window paging', () => {
  it('shows the first page newest first with a cursor to the older ones', () => {
    const state = firstPageLoaded(emptyFlowsWindow, page(1000));
    expect(state.ids.slice(0, 3)).toEqual([1000, 999, 998]);
    expect(state.ids).toHaveLength(PAGE_SIZE);
    expect(state.nextCursor).toBe(1000 - PAGE_SIZE + 1);
  });

  it('appends older pages and stops at the last one', () => {
    let state = firstPageLoaded(emptyFlowsWindow, page(300));
    state = olderPageLoaded(state, page(state.nextCursor! - 1));
    expect(state.ids).toHaveLength(300);
    expect(state.ids.at(-1)).toBe(1);
    expect(state.nextCursor).toBeNull();
  });

  it('never holds more than MAX_ROWS: far pages at the newest end are dropped and following stops', () => {
    let state = firstPageLoaded(emptyFlowsWindow, page(100_000));
    while (state.ids.length < MAX_ROWS) state = olderPageLoaded(state, page(state.nextCursor! - 1));
    expect(state.follow).toBe(true);
    state = olderPageLoaded(state, page(state.nextCursor! - 1));
    expect(state.ids).toHaveLength(MAX_ROWS);
    expect(Object.keys(state.byId)).toHaveLength(MAX_ROWS);
    expect(state.ids[0]).toBe(100_000 - PAGE_SIZE);
    expect(state.newerNotLoaded).toBe(true);
    expect(state.follow).toBe(false);
  });
});

describe('live tail', () => {
  const loaded = (): FlowsWindow => firstPageLoaded(emptyFlowsWindow, page(10, PAGE_SIZE));

  it('puts new flows on top while following (pushed newest last)', () => {
    const state = liveFlowsAdded(loaded(), [summary(11), summary(12)]);
    expect(state.ids.slice(0, 3)).toEqual([12, 11, 10]);
    expect(state.byId[12]!.path).toBe('/12');
  });

  it('inserts a flow by id: a slow request announced after newer ones goes below them', () => {
    let state = liveFlowsAdded(loaded(), [summary(12), summary(14)]);
    state = liveFlowsAdded(state, [summary(11), summary(13)]);
    expect(state.ids.slice(0, 5)).toEqual([14, 13, 12, 11, 10]);
  });

  it('leaves an id older than the window to the older pages that are not loaded yet', () => {
    const partial = firstPageLoaded(emptyFlowsWindow, page(1000));
    const state = liveFlowsAdded(partial, [summary(5)]);
    expect(state.ids).toBe(partial.ids);
    expect(5 in state.byId).toBe(false);
  });

  it('does not count new flows as missed while filtered and paused: whether they match is unknown', () => {
    const state = liveFlowsAdded(followPaused(loaded()), [summary(11), summary(5, { statusCode: 500 })], true);
    expect(state.missed).toBe(0);
    expect(state.ids[0]).toBe(10);
    expect(state.byId[5]!.statusCode).toBe(500);
  });

  it('counts new flows without moving the rows while paused, and resuming clears the count', () => {
    const paused = followPaused(loaded());
    const state = liveFlowsAdded(paused, [summary(11), summary(12)]);
    expect(state.ids[0]).toBe(10);
    expect(state.missed).toBe(2);
    const resumed = followResumed(state);
    expect(resumed.follow).toBe(true);
    expect(resumed.missed).toBe(0);
  });

  it('refreshes a flow announced twice in place instead of adding a second row', () => {
    const state = liveFlowsAdded(loaded(), [summary(5, { statusCode: 404 })]);
    expect(state.ids.filter((id) => id === 5)).toHaveLength(1);
    expect(state.byId[5]!.statusCode).toBe(404);
  });

  it('drops the oldest rows past MAX_ROWS and keeps them reachable through the cursor', () => {
    let state = firstPageLoaded(emptyFlowsWindow, page(MAX_ROWS, MAX_ROWS));
    state = liveFlowsAdded(state, [summary(MAX_ROWS + 1)]);
    expect(state.ids).toHaveLength(MAX_ROWS);
    expect(state.ids.at(-1)).toBe(2);
    expect(state.nextCursor).toBe(2);
  });

  it('updates change only the updated row object; others keep identity', () => {
    const before = loaded();
    const after = liveFlowsUpdated(before, [summary(7, { durationMs: 99 }), summary(5000)]);
    expect(after.byId[7]!.durationMs).toBe(99);
    expect(after.byId[6]).toBe(before.byId[6]);
    expect(after.ids).toBe(before.ids);
    expect(5000 in after.byId).toBe(false);
    expect(liveFlowsUpdated(before, [summary(5000)])).toBe(before);
  });

  it('counts live WebSocket messages on the row of their flow', () => {
    const before = firstPageLoaded(emptyFlowsWindow, { items: [summary(1, { kind: 'websocket' }), summary(2)], nextCursor: null });
    const after = liveMessagesCounted(before, [{ flowId: 1, seq: 0 }, { flowId: 1, seq: 1 }, { flowId: 99, seq: 5 }]);
    expect(after.byId[1]!.messageCount).toBe(2);
    expect(after.byId[2]).toBe(before.byId[2]);
    expect(liveMessagesCounted(after, [{ flowId: 1, seq: 0 }])).toBe(after);
  });

  it('clearing empties the window and keeps the follow choice', () => {
    const state = flowsCleared(followPaused(loaded()));
    expect(state.ids).toEqual([]);
    expect(state.count).toBe(0);
    expect(state.follow).toBe(false);
  });
});

describe('a first page read before the live flows it races with were stored', () => {
  const loaded = (): FlowsWindow => firstPageLoaded(emptyFlowsWindow, page(10, PAGE_SIZE));

  it('keeps the flows announced while it was on its way, newest first and once each', () => {
    let state = firstPageRequested(loaded());
    state = liveFlowsAdded(state, [summary(12), summary(11)]);
    state = liveFlowsAdded(state, [summary(13)]);
    // The page was read when 11 was stored and 12 and 13 were not.
    state = firstPageLoaded(state, page(11, PAGE_SIZE));
    expect(state.ids.slice(0, 4)).toEqual([13, 12, 11, 10]);
    expect(state.ids).toHaveLength(13);
    expect(state.byId[13]).toEqual(summary(13));
    expect(state.addedWhileFirstPage).toBeNull();
    // Without a page on its way, a page replaces the window as it always did.
    expect(firstPageLoaded(state, page(5, PAGE_SIZE)).ids).toEqual([5, 4, 3, 2, 1]);
  });

  it('keeps none after a filter change, and none older than a partial page reaches', () => {
    let state = liveFlowsAdded(firstPageRequested(loaded()), [summary(11)]);
    state = firstPageLoaded(filterChanged(state), page(3, PAGE_SIZE));
    expect(state.ids).toEqual([3, 2, 1]);
    // Two pages loaded (1000 down to 601); a long exchange that began early ends now as flow 700.
    const older = page(800);
    const twoPages = olderPageLoaded(firstPageLoaded(emptyFlowsWindow, page(1000)), { ...older, items: older.items.filter((f) => f.id !== 700) });
    const withLive = liveFlowsAdded(firstPageRequested(twoPages), [summary(700)]);
    expect(withLive.ids).toContain(700);
    expect(withLive.addedWhileFirstPage).toEqual([700]);
    // The new first page ends at 801: 700 is older than it reaches, so it waits for an older page.
    const reloaded = firstPageLoaded(withLive, page(1000));
    expect(reloaded.ids).toHaveLength(PAGE_SIZE);
    expect(reloaded.ids).not.toContain(700);
  });
});
