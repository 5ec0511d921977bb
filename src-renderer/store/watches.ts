/**
 * The watches slice: what each pinned watch shows (its count, newest matching flows and, when it
 * collects URLs, the ranked URLs). The watches themselves are settings (Settings.watches); this
 * holds only their live results, keyed by watch id. Pure functions of the state, like flows-window.ts.
 */
import type { FlowSummary } from '../../src-shared/model/flow.js';
import type { Watch } from '../../src-shared/model/settings.js';
import type { RankedUrl } from '../../src-shared/watch/index.js';

/** Newest matching flows a watch lists. */
export const WATCH_RECENT = 5;

export interface WatchUrls {
  /** Unique URLs of the matching flows, best first. */
  ranked: RankedUrl[];
  /** Matching flows looked at so far. */
  flowsScanned: number;
  /** Older flows were left out: the watch looked at its bound of newest flows only. */
  capped: boolean;
}

export interface WatchLive {
  /** The filter these results are for: an answer for another filter is dropped. */
  filter: string;
  count: number | null;
  recent: FlowSummary[];
  error: string | null;
  /** null: the watch does not collect URLs, or has not collected any yet. */
  urls: WatchUrls | null;
}

export interface WatchesState {
  panelOpen: boolean;
  live: Record<string, WatchLive>;
}

export const emptyWatches: WatchesState = { panelOpen: false, live: {} };

const NO_WATCHES: Watch[] = [];

/** The saved watches (identity-stable: a selector may return it as it is). */
export function watchList(settings: { settings: { watches: Watch[] } } | null): Watch[] {
  return settings?.settings.watches ?? NO_WATCHES;
}

/** The panel is on screen: open, in the traffic view. */
export function watchesShown(state: { watches: WatchesState; ui: { view: string } }): boolean {
  return state.watches.panelOpen && state.ui.view === 'traffic';
}

function patchLive(state: WatchesState, id: string, filter: string, change: (live: WatchLive) => WatchLive): WatchesState {
  const live = state.live[id];
  if (!live || live.filter !== filter) return state;
  const next = change(live);
  return next === live ? state : { ...state, live: { ...state.live, [id]: next } };
}

/** A watch is shown (again) or its filter changed: results for the same filter stay until new ones come. */
export function watchStarted(state: WatchesState, watch: Watch): WatchesState {
  const live = state.live[watch.id];
  if (live && live.filter === watch.filter) {
    const urls = watch.collectUrls ? live.urls : null;
    return urls === live.urls ? state : { ...state, live: { ...state.live, [watch.id]: { ...live, urls } } };
  }
  return { ...state, live: { ...state.live, [watch.id]: { filter: watch.filter, count: null, recent: [], error: null, urls: null } } };
}

const sameRows = (a: FlowSummary[], b: FlowSummary[]) =>
  a.length === b.length && a.every((f, i) => {
    const g = b[i]!;
    return f.id === g.id && f.statusCode === g.statusCode && f.errorType === g.errorType && f.durationMs === g.durationMs;
  });

export function watchLoaded(state: WatchesState, id: string, filter: string, count: number, recent: FlowSummary[]): WatchesState {
  return patchLive(state, id, filter, (live) =>
    live.count === count && live.error === null && sameRows(live.recent, recent) ? live : { ...live, count, recent, error: null });
}

export function watchUrlsLoaded(state: WatchesState, id: string, filter: string, urls: WatchUrls): WatchesState {
  return patchLive(state, id, filter, (live) => ({ ...live, urls }));
}

export function watchFailed(state: WatchesState, id: string, filter: string, message: string): WatchesState {
  return patchLive(state, id, filter, (live) => (live.error === message ? live : { ...live, error: message }));
}

/** Drops the results of watches that were removed. */
export function watchesPruned(state: WatchesState, keep: readonly Watch[]): WatchesState {
  const ids = new Set(keep.map((w) => w.id));
  const gone = Object.keys(state.live).filter((id) => !ids.has(id));
  if (gone.length === 0) return state;
  const live = { ...state.live };
  for (const id of gone) delete live[id];
  return { ...state, live };
}

/** The store was cleared: every watch matches nothing now. */
export function watchesCleared(state: WatchesState): WatchesState {
  const live: Record<string, WatchLive> = {};
  for (const [id, w] of Object.entries(state.live)) {
    live[id] = { ...w, count: 0, recent: [], error: null, urls: w.urls ? { ranked: [], flowsScanned: 0, capped: false } : null };
  }
  return { ...state, live };
}
