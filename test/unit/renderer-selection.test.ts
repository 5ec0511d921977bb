import { describe, expect, it } from 'vitest';
import type { FlowSummary } from '../../src-shared/model/flow.js';
import { createAppStore } from '../../src-renderer/store/app-store.js';
import {
  actionTargets, emptySelection, selectedOnly, selectionFiltered, selectionOfAll, selectionRange, selectionToggled,
} from '../../src-renderer/store/selection.js';

function summary(id: number): FlowSummary {
  return {
    id, kind: 'http', startedAt: id, durationMs: 1, method: 'GET', scheme: 'http', host: 'example.com', port: 80, path: `/${id}`, statusCode: 200,
    responseContentType: null, responseSize: 0, errorType: null, messageCount: 0, source: 'capture', replayOf: null, trafficClass: 'other', blocked: false,
  };
}

/** The list as shown newest first. */
const shown = [9, 8, 7, 6, 5, 4, 3, 2, 1];

describe('flow list selection', () => {
  it('a click selects one row and anchors the next range there', () => {
    expect(selectedOnly(5)).toEqual({ ids: [5], anchorId: 5 });
  });

  it('Ctrl/Cmd+click toggles one row and moves the anchor', () => {
    let s = selectedOnly(5);
    s = selectionToggled(s, 7);
    expect(s).toEqual({ ids: [5, 7], anchorId: 7 });
    s = selectionToggled(s, 5);
    expect(s).toEqual({ ids: [7], anchorId: 5 });
  });

  it('Shift+click selects the rows between the anchor and the click, in the order shown, either way', () => {
    const down = selectionRange(selectedOnly(8), shown, 5);
    expect(down).toEqual({ ids: [8, 7, 6, 5], anchorId: 8 });
    // A second Shift+click keeps the anchor and replaces the range.
    expect(selectionRange(down, shown, 9)).toEqual({ ids: [9, 8], anchorId: 8 });
    // Oldest first: the same anchor and click select the same rows in the other order.
    expect(selectionRange(selectedOnly(8), [...shown].reverse(), 5).ids).toEqual([5, 6, 7, 8]);
  });

  it('Ctrl/Cmd+Shift+click adds the range to the selection', () => {
    const s = selectionToggled(selectedOnly(1), 8);
    expect(selectionRange(s, shown, 6, true)).toEqual({ ids: [1, 8, 7, 6], anchorId: 8 });
  });

  it('without an anchor in the list, a range is the clicked row alone; a row not listed changes nothing', () => {
    expect(selectionRange(emptySelection, shown, 4)).toEqual({ ids: [4], anchorId: 4 });
    expect(selectionRange({ ids: [42], anchorId: 42 }, shown, 4)).toEqual({ ids: [4], anchorId: 4 });
    const s = selectedOnly(3);
    expect(selectionRange(s, shown, 100)).toBe(s);
  });

  it('select all takes every row shown', () => {
    expect(selectionOfAll([3, 2, 1])).toEqual({ ids: [3, 2, 1], anchorId: 3 });
  });

  it('filtering keeps identity when nothing goes, and drops the anchor with its row', () => {
    const s = { ids: [3, 2], anchorId: 3 };
    expect(selectionFiltered(s, () => true)).toBe(s);
    expect(selectionFiltered(s, (id) => id !== 3)).toEqual({ ids: [2], anchorId: null });
  });

  it('a right click acts on the selection when the row is in it, oldest first; else on the row alone', () => {
    const s = { ids: [7, 3, 5], anchorId: 7 };
    expect(actionTargets(s, 3)).toEqual([3, 5, 7]);
    expect(actionTargets(s, 4)).toEqual([4]);
  });
});

describe('selection and deletion in the store', () => {
  function loaded() {
    const store = createAppStore();
    store.getState().firstPageLoaded({ items: [5, 4, 3, 2, 1].map(summary), nextCursor: null });
    store.getState().countLoaded(5);
    return store;
  }

  it('select, toggle and range keep the focused row for the detail pane', () => {
    const store = loaded();
    store.getState().select(4);
    store.getState().toggleSelected(2);
    expect(store.getState().selection.ids).toEqual([4, 2]);
    expect(store.getState().selectedId).toBe(2);
    store.getState().selectRange(5, [5, 4, 3, 2, 1]);
    expect(store.getState().selection.ids).toEqual([5, 4, 3, 2]);
    expect(store.getState().selectedId).toBe(5);
    store.getState().select(null);
    expect(store.getState().selection).toEqual(emptySelection);
  });

  it('flows.deleted removes the rows, lowers the count, and clears the selection and the detail of deleted flows', () => {
    const store = loaded();
    store.getState().select(3);
    store.getState().toggleSelected(4);
    store.getState().wsOpened(3);
    store.getState().flowsDeleted([3, 99]);
    const state = store.getState();
    expect(state.flows.ids).toEqual([5, 4, 2, 1]);
    expect(state.flows.byId[3]).toBeUndefined();
    expect(state.flows.count).toBe(4);
    expect(state.selection.ids).toEqual([4]);
    expect(state.selectedId).toBe(4);
    expect(state.ws.flowId).toBeNull();
  });

  it('deleting the focused flow empties the detail pane', () => {
    const store = loaded();
    store.getState().select(2);
    store.getState().flowsDeleted([2]);
    expect(store.getState().selectedId).toBeNull();
    expect(store.getState().selection.ids).toEqual([]);
  });

  it('deleting flows outside the window changes nothing', () => {
    const store = loaded();
    const before = store.getState().flows;
    store.getState().flowsDeleted([77]);
    expect(store.getState().flows).toBe(before);
  });

  it('rows that leave the window (a new filter) leave the selection, so Delete never acts on rows out of sight', () => {
    const store = loaded();
    store.getState().selectAll([5, 4, 3, 2, 1]);
    store.getState().firstPageLoaded({ items: [summary(4), summary(2)], nextCursor: null });
    expect(store.getState().selection.ids).toEqual([4, 2]);
    store.getState().flowsCleared();
    expect(store.getState().selection.ids).toEqual([]);
  });
});
