/**
 * Keeps each shown watch live: its count and newest flows (flows.count and flows.page with its
 * filter) and, when it collects URLs, the unique URLs of its flows ranked best first. A watch is
 * refreshed when flows arrive, change or go, at most once per WATCH_INTERVAL_MS and never two runs
 * at a time (single-flight.ts): on a big store a filtered count takes a while. Nothing runs while
 * the panel is hidden (closed, or another view is shown).
 */
import type { ApiClient } from '../../src-shared/api/contract.js';
import type { Watch } from '../../src-shared/model/settings.js';
import { base64ToBytes, utf8DecodeLenient } from '../../src-shared/util/bytes.js';
import { playlistKind, rankUrls } from '../../src-shared/watch/index.js';
import type { AppStore } from './app-store.js';
import { singleFlight, type SingleFlight } from './single-flight.js';
import { UrlCollector, URL_FLOW_LIMIT } from './url-collector.js';
import { WATCH_RECENT, watchesShown, watchList } from './watches.js';

export const WATCH_INTERVAL_MS = 1_000;
export const URL_PAGE_SIZE = 1_000;
/** The first page of a later run: usually a handful of new flows arrived since the last one. */
const NEWER_PAGE_SIZE = 100;
/** Only the start of a playlist is read: the tags that tell master from media come first. */
const PLAYLIST_PREFIX_BYTES = 64 * 1024;

export interface WatchQueries {
  /** Connected: load the saved watches, and refresh the shown ones (the store may have changed meanwhile). */
  reload(): Promise<void>;
  /** The watches or the panel changed in the store: start, restart or stop runs to match. */
  sync(): void;
  /** Flows arrived or changed. */
  flowsChanged(): void;
  /** Flows were deleted or cleared: answers on their way are stale, and URL lists are gathered again. */
  flowsRemoved(): void;
  dispose(): void;
}

interface Runner {
  watch: Watch;
  run: SingleFlight;
  timer: ReturnType<typeof setTimeout> | undefined;
  lastStartedAt: number;
  collector: UrlCollector;
  /** Bumped when flows are removed: a run that started before must not report what it saw. */
  epoch: number;
  stopped: boolean;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function createWatchQueries(api: ApiClient, store: AppStore, now: () => number = Date.now): WatchQueries {
  const runners = new Map<string, Runner>();
  let disposed = false;

  async function collectUrls(runner: Runner, epoch: number): Promise<void> {
    const { watch, collector } = runner;
    const stale = () => runner.stopped || epoch !== runner.epoch;
    const seenUpTo = collector.newestId;
    const first = seenUpTo < 0;
    const scannedBefore = collector.flowsScanned;
    let beforeId: number | undefined;
    // Newest first, down to what was seen last time (or, the first time, to the bound).
    for (;;) {
      const limit = first || beforeId !== undefined ? URL_PAGE_SIZE : NEWER_PAGE_SIZE;
      const page = await api['flows.page']({ filter: watch.filter, limit, ...(beforeId !== undefined && { beforeId }) });
      if (stale()) return;
      collector.add(page.items);
      const reachedSeen = (page.items.at(-1)?.id ?? -1) <= seenUpTo;
      if (reachedSeen || page.nextCursor === null) break;
      if (collector.flowsScanned - scannedBefore >= URL_FLOW_LIMIT) {
        if (first) collector.capped = true;
        break;
      }
      beforeId = page.nextCursor;
    }
    for (const { url, flowId } of collector.toProbe()) {
      const body = await api['flows.body']({ id: flowId, side: 'response', decoded: true }).catch(() => null);
      if (stale()) return;
      const bytes = body && !body.dropped ? base64ToBytes(body.base64).subarray(0, PLAYLIST_PREFIX_BYTES) : null;
      collector.probed(url, bytes && bytes.byteLength > 0 ? { playlist: playlistKind(utf8DecodeLenient(bytes)) } : null);
    }
    store.getState().watchUrlsLoaded(watch.id, watch.filter, {
      ranked: rankUrls(collector.candidates()), flowsScanned: collector.flowsScanned, capped: collector.capped,
    });
  }

  async function refresh(runner: Runner): Promise<void> {
    if (runner.stopped || disposed) return;
    runner.lastStartedAt = now();
    const { watch } = runner;
    const epoch = runner.epoch;
    try {
      const [count, page] = await Promise.all([
        api['flows.count']({ filter: watch.filter }),
        api['flows.page']({ filter: watch.filter, limit: WATCH_RECENT }),
      ]);
      if (runner.stopped || epoch !== runner.epoch) return;
      store.getState().watchLoaded(watch.id, watch.filter, count.count, page.items);
      if (watch.collectUrls) await collectUrls(runner, epoch);
    } catch (error) {
      if (!runner.stopped) store.getState().watchFailed(watch.id, watch.filter, errorText(error));
    }
  }

  function schedule(runner: Runner): void {
    if (runner.stopped || runner.timer) return;
    const wait = Math.max(0, runner.lastStartedAt + WATCH_INTERVAL_MS - now());
    runner.timer = setTimeout(() => {
      runner.timer = undefined;
      void runner.run.request();
    }, wait);
  }

  function stop(runner: Runner): void {
    runner.stopped = true;
    clearTimeout(runner.timer);
    runners.delete(runner.watch.id);
  }

  function start(watch: Watch): void {
    const runner: Runner = {
      watch, timer: undefined, lastStartedAt: -Infinity, collector: new UrlCollector(), epoch: 0, stopped: false,
      run: singleFlight(() => refresh(runner)),
    };
    runners.set(watch.id, runner);
    store.getState().watchStarted(watch);
    void runner.run.request();
  }

  function sync(): void {
    if (disposed) return;
    const state = store.getState();
    const all = watchList(state.settings);
    const shown = watchesShown(state) ? all : [];
    for (const runner of [...runners.values()]) {
      const watch = shown.find((w) => w.id === runner.watch.id);
      if (!watch || watch.filter !== runner.watch.filter || watch.collectUrls !== runner.watch.collectUrls) stop(runner);
      else runner.watch = watch;
    }
    for (const watch of shown) if (!runners.has(watch.id)) start(watch);
    state.watchesPruned(all);
  }

  function restart(these: Iterable<Runner>): void {
    for (const runner of these) {
      runner.epoch++;
      runner.collector = new UrlCollector();
      schedule(runner);
    }
  }

  return {
    async reload() {
      // Watches shown before the connection dropped may have missed anything: gather them again.
      // Those the loaded settings start now need nothing more.
      const shownBefore = [...runners.values()];
      try {
        store.getState().settingsLoaded(await api['settings.get']({}));
      } catch {
        // The Settings view and the next connection try again; the panel keeps what it had.
      }
      restart(shownBefore.filter((runner) => !runner.stopped));
    },
    sync,
    flowsChanged() {
      for (const runner of runners.values()) schedule(runner);
    },
    flowsRemoved: () => restart(runners.values()),
    dispose() {
      disposed = true;
      for (const runner of [...runners.values()]) stop(runner);
    },
  };
}
