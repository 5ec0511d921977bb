/**
 * The flow list's window onto the store: a few pages of summaries, never the whole history.
 * Pure functions of the state, so the paging and live-tail rules are tested without a DOM.
 * `ids` are newest first; rows are looked up in `byId` so one update re-renders one row.
 */
import type { FlowPageResult } from '../../src-shared/api/types.js';
import type { FlowSummary } from '../../src-shared/model/flow.js';

export const PAGE_SIZE = 200;
/** Rows kept in memory; older pages loaded past this drop the newest rows (and the reverse). */
export const MAX_ROWS = 1_000;

export interface FlowsWindow {
  ids: number[];
  byId: Record<number, FlowSummary>;
  /** beforeId for the next older page; null once the oldest flow is loaded. */
  nextCursor: number | null;
  /** Flows newer than ids[0] exist that are not in the window (trimmed, or arrived while paused). */
  newerNotLoaded: boolean;
  /** Live tail: new flows are shown as they arrive. Paused when the user scrolls away. */
  follow: boolean;
  /** Flows that arrived while paused, shown on the resume button. */
  missed: number;
  /** Flows matching the filter in the whole store (flows.count), null until known. */
  count: number | null;
  loading: boolean;
  /** Why the last page could not be loaded, said for a person. */
  loadError: string | null;
  /**
   * Live flows added while a first page was on its way: that page was read before some of them
   * were stored (a flow is announced as it is queued), so it keeps them rather than dropping them.
   */
  addedWhileFirstPage: number[] | null;
}

export const emptyFlowsWindow: FlowsWindow = {
  ids: [],
  byId: {},
  nextCursor: null,
  newerNotLoaded: false,
  follow: true,
  missed: 0,
  count: null,
  loading: false,
  loadError: null,
  addedWhileFirstPage: null,
};

function indexById(items: FlowSummary[], into: Record<number, FlowSummary> = {}): Record<number, FlowSummary> {
  for (const item of items) into[item.id] = item;
  return into;
}

function pick(byId: Record<number, FlowSummary>, ids: number[]): Record<number, FlowSummary> {
  const kept: Record<number, FlowSummary> = {};
  for (const id of ids) kept[id] = byId[id]!;
  return kept;
}

/** A first page was asked for: live flows added until it arrives are kept for it. */
export function firstPageRequested(state: FlowsWindow): FlowsWindow {
  return { ...state, loading: true, addedWhileFirstPage: state.addedWhileFirstPage ?? [] };
}

/**
 * The newest page for the current filter replaces the window (first load, filter change, resume),
 * with the live flows added since it was asked for that it does not hold yet.
 */
export function firstPageLoaded(state: FlowsWindow, page: FlowPageResult): FlowsWindow {
  const ids = page.items.map((f) => f.id);
  const byId = indexById(page.items);
  const oldest = ids.at(-1);
  const inPage = new Set(ids);
  const later = (state.addedWhileFirstPage ?? [])
    .filter((id) => !inPage.has(id) && id in state.byId && (page.nextCursor === null || oldest === undefined || id > oldest))
    .sort((a, b) => b - a);
  for (const id of later) byId[id] = state.byId[id]!;
  return {
    ...state,
    ids: later.length > 0 ? mergeNewestFirst(ids, [...new Set(later)]) : ids,
    byId,
    nextCursor: page.nextCursor,
    newerNotLoaded: false,
    missed: 0,
    loading: false,
    loadError: null,
    addedWhileFirstPage: null,
  };
}

/** The filter changed: flows added live before are no business of the page asked for next. */
export function filterChanged(state: FlowsWindow): FlowsWindow {
  return state.addedWhileFirstPage === null ? state : { ...state, addedWhileFirstPage: [] };
}

/** An older page is appended; past MAX_ROWS the newest rows are dropped and the tail pauses. */
export function olderPageLoaded(state: FlowsWindow, page: FlowPageResult): FlowsWindow {
  const fresh = page.items.filter((f) => !(f.id in state.byId));
  let ids = [...state.ids, ...fresh.map((f) => f.id)];
  let byId = indexById(fresh, { ...state.byId });
  let { newerNotLoaded, follow } = state;
  if (ids.length > MAX_ROWS) {
    ids = ids.slice(ids.length - MAX_ROWS);
    byId = pick(byId, ids);
    newerNotLoaded = true;
    follow = false;
  }
  return { ...state, ids, byId, nextCursor: page.nextCursor, newerNotLoaded, follow, loading: false };
}

/** Merges two lists of ids sorted newest first (no id in both) into one, in one pass. */
function mergeNewestFirst(a: number[], b: number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push(a[i]! > b[j]! ? a[i++]! : b[j++]!);
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}

/**
 * Live flows. Known ids are refreshed in place. New ones are inserted by id while following:
 * ids are given when a request starts but an HTTP flow is announced when it ends, so a slow request
 * arrives after newer ones and belongs below them. An id older than the window's oldest row while
 * older pages are still unloaded is left to those pages. While paused, new flows are only counted,
 * and not even that when `filtered`: whether they match is not known here, so a number would lie.
 * The oldest rows beyond MAX_ROWS are dropped and become loadable again through nextCursor.
 */
export function liveFlowsAdded(state: FlowsWindow, added: FlowSummary[], filtered = false): FlowsWindow {
  const known = added.filter((f) => f.id in state.byId);
  const unknown = added.filter((f) => !(f.id in state.byId));
  let byId = known.length > 0 ? indexById(known, { ...state.byId }) : state.byId;
  const refreshed = byId === state.byId ? state : { ...state, byId };
  if (unknown.length === 0) return refreshed;
  if (filtered) return refreshed;
  if (!state.follow || state.newerNotLoaded) {
    return { ...refreshed, missed: state.missed + new Set(unknown.map((f) => f.id)).size };
  }
  const oldest = state.ids.at(-1);
  const belongsHere = (id: number) => state.nextCursor === null || oldest === undefined || id > oldest;
  const fresh = unknown.filter((f) => belongsHere(f.id));
  if (fresh.length === 0) return refreshed;
  const newIds = [...new Set(fresh.map((f) => f.id))].sort((a, b) => b - a);
  byId = indexById(fresh, byId === state.byId ? { ...state.byId } : byId);
  let ids = mergeNewestFirst(state.ids, newIds);
  let nextCursor = state.nextCursor;
  if (ids.length > MAX_ROWS) {
    ids = ids.slice(0, MAX_ROWS);
    byId = pick(byId, ids);
    nextCursor = ids[ids.length - 1]!;
  }
  const addedWhileFirstPage = state.addedWhileFirstPage && [...state.addedWhileFirstPage, ...newIds];
  return { ...state, ids, byId, nextCursor, addedWhileFirstPage };
}

/** Changed flows: only rows in the window change, each to a new object, the rest keep identity. */
export function liveFlowsUpdated(state: FlowsWindow, updated: FlowSummary[]): FlowsWindow {
  const inWindow = updated.filter((f) => f.id in state.byId);
  if (inWindow.length === 0) return state;
  return { ...state, byId: indexById(inWindow, { ...state.byId }) };
}

export function followPaused(state: FlowsWindow): FlowsWindow {
  return state.follow ? { ...state, follow: false } : state;
}

/** Resuming follows from the newest page again; the caller reloads it. */
export function followResumed(state: FlowsWindow): FlowsWindow {
  return { ...state, follow: true, missed: 0 };
}

export function flowsCleared(state: FlowsWindow): FlowsWindow {
  return { ...emptyFlowsWindow, follow: state.follow, count: 0 };
}

/**
 * The service re-announces a WebSocket flow only when it changes state, so live message counts
 * come from the messages themselves: a flow has at least (highest seq + 1) messages.
 */
export function liveMessagesCounted(state: FlowsWindow, messages: Array<{ flowId: number; seq: number }>): FlowsWindow {
  let byId = state.byId;
  for (const { flowId, seq } of messages) {
    const flow = byId[flowId];
    if (!flow || flow.messageCount > seq) continue;
    if (byId === state.byId) byId = { ...state.byId };
    byId[flowId] = { ...flow, messageCount: seq + 1 };
  }
  return byId === state.byId ? state : { ...state, byId };
}

/**
 * Flows deleted from the store leave the window. The count drops by the rows that were in it;
 * deleted flows outside the window may have matched too, so the caller asks for the count again.
 */
export function flowsDeleted(state: FlowsWindow, deleted: readonly number[]): FlowsWindow {
  const gone = new Set(deleted.filter((id) => id in state.byId));
  if (gone.size === 0) return state;
  const ids = state.ids.filter((id) => !gone.has(id));
  return { ...state, ids, byId: pick(state.byId, ids), count: state.count === null ? null : Math.max(0, state.count - gone.size) };
}
