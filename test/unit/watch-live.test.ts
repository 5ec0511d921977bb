/**
 * Watches kept live through the one ingress, against a service double: counts and newest flows
 * per watch, at most one refresh per second per watch however fast flows arrive, nothing while the
 * panel is hidden, answers from before a Clear dropped, and URL collection with playlist bodies
 * read to tell a master from a chunk list.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ApiClient, ApiEvents, EventName } from '../../src-shared/api/contract.js';
import type { BodyView, FlowPageQuery, SettingsView } from '../../src-shared/api/types.js';
import type { FlowSummary } from '../../src-shared/model/flow.js';
import { DEFAULT_SETTINGS, type Watch } from '../../src-shared/model/settings.js';
import { bytesToBase64 } from '../../src-shared/util/bytes.js';
import { utf8Encode } from '../../src-shared/util/web-globals.js';
import { startIngress } from '../../src-renderer/bridge/ingress.js';
import { createAppStore } from '../../src-renderer/store/app-store.js';
import { saveErrorText, withoutWatch, withWatch } from '../../src-renderer/features/watches/watch-edits.js';
import { createQueries } from '../../src-renderer/store/queries.js';
import { flowUrl, UrlCollector } from '../../src-renderer/store/url-collector.js';
import { WATCH_INTERVAL_MS } from '../../src-renderer/store/watch-queries.js';
import { emptyWatches, watchesCleared, watchLoaded, watchStarted } from '../../src-renderer/store/watches.js';

function flow(id: number, path: string, host = 'cdn.test'): FlowSummary {
  return {
    id, kind: 'http', startedAt: id, durationMs: 1, method: 'GET', scheme: 'https', host, port: 443, path, statusCode: 200,
    responseContentType: path.includes('.m3u8') ? 'application/vnd.apple.mpegurl' : 'video/mp2t', responseSize: 10, errorType: null,
    messageCount: 0, source: 'capture', replayOf: null, trafficClass: 'web', blocked: false,
  };
}

const MASTER = '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000\nlow/chunks.m3u8\n';
const MEDIA = '#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:6.0,\nseg1.ts\n';

/** The filter "~u REGEX" matches flows whose URL matches; the store's flows are newest last. */
function fakeApi(watches: Watch[]) {
  const flows: FlowSummary[] = [];
  const bodies = new Map<number, string>();
  const calls: Array<{ name: string; args: unknown }> = [];
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const matching = (filter?: string) => flows.filter((f) => !filter || new RegExp(filter.replace(/^~u /, ''), 'i').test(flowUrl(f)));
  const settings: SettingsView = { settings: { ...DEFAULT_SETTINGS, watches }, fromFlags: [], file: '/tmp/settings.json' };
  const body = (text: string): BodyView => ({
    base64: bytesToBase64(utf8Encode(text)), size: text.length, truncated: false, wireSize: text.length, contentType: null,
    contentEncoding: null, decoded: true, decodeError: null, dropped: false,
  });
  const answers: Record<string, (args: never) => unknown> = {
    'flows.page': (q: FlowPageQuery) => ({
      items: matching(q.filter).filter((f) => q.beforeId === undefined || f.id < q.beforeId).sort((a, b) => b.id - a.id).slice(0, q.limit),
      nextCursor: null,
    }),
    'flows.count': (q: { filter?: string }) => ({ count: matching(q.filter).length }),
    'flows.body': (q: { id: number }) => (bodies.has(q.id) ? body(bodies.get(q.id)!) : null),
    'settings.get': () => settings,
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
    'stats.get': () => new Promise(() => {}),
  };
  for (const [name, answer] of Object.entries(answers)) {
    api[name] = async (args: unknown) => {
      calls.push({ name, args });
      return answer(args as never);
    };
  }
  const push = <E extends EventName>(event: E, payload: ApiEvents[E]) => listeners.get(event)?.forEach((l) => l(payload));
  const countCalls = (filter: string) => calls.filter((c) => c.name === 'flows.count' && (c.args as { filter?: string }).filter === filter).length;
  return { api: api as unknown as ApiClient, flows, bodies, calls, push, countCalls };
}

const PLAYLISTS: Watch = { id: 'w1', name: 'Playlists', filter: '~u \\.m3u8', collectUrls: true };
const OTHER: Watch = { id: 'w2', name: 'Other host', filter: '~u other\\.test', collectUrls: false };

async function setUp(watches: Watch[], { open = true } = {}) {
  vi.useFakeTimers();
  const fake = fakeApi(watches);
  const store = createAppStore();
  const queries = createQueries(fake.api, store);
  const stop = startIngress(fake.api, store, queries);
  store.getState().setConnection('open');
  await vi.advanceTimersByTimeAsync(0);
  if (open) store.getState().watchesPanelToggled(true);
  await vi.advanceTimersByTimeAsync(0);
  const live = (id: string) => store.getState().watches.live[id];
  return { ...fake, store, stop, live };
}

describe('watches, live', () => {
  let stop: (() => void) | undefined;
  afterEach(() => {
    stop?.();
    vi.useRealTimers();
  });

  it('loads the saved watches on connect and counts nothing while the panel is hidden or another view shown', async () => {
    const t = await setUp([PLAYLISTS], { open: false });
    stop = t.stop;
    expect(t.store.getState().settings?.settings.watches).toEqual([PLAYLISTS]);
    t.flows.push(flow(1, '/live/playlist.m3u8'));
    t.push('flows.added', [t.flows[0]!]);
    await vi.advanceTimersByTimeAsync(5 * WATCH_INTERVAL_MS);
    expect(t.countCalls(PLAYLISTS.filter)).toBe(0);

    t.store.getState().watchesPanelToggled();
    await vi.advanceTimersByTimeAsync(0);
    expect(t.live('w1')?.count).toBe(1);
    expect(t.live('w1')?.recent.map((f) => f.id)).toEqual([1]);

    // Another view hides the panel too.
    t.store.getState().setView('settings');
    const counted = t.countCalls(PLAYLISTS.filter);
    t.flows.push(flow(2, '/live/chunklist.m3u8'));
    t.push('flows.added', [t.flows[1]!]);
    await vi.advanceTimersByTimeAsync(5 * WATCH_INTERVAL_MS);
    expect(t.countCalls(PLAYLISTS.filter)).toBe(counted);
    t.store.getState().setView('traffic');
    await vi.advanceTimersByTimeAsync(0);
    expect(t.live('w1')?.count).toBe(2);
  });

  it('refreshes each watch at most once a second however fast flows arrive', async () => {
    const t = await setUp([PLAYLISTS, OTHER]);
    stop = t.stop;
    expect(t.countCalls(PLAYLISTS.filter)).toBe(1);
    for (let id = 1; id <= 30; id++) {
      t.flows.push(flow(id, id % 2 ? `/v/seg${id}.m3u8` : `/v/seg${id}.ts`));
      t.push('flows.added', [t.flows.at(-1)!]);
      await vi.advanceTimersByTimeAsync(100);
    }
    // 3 seconds of traffic: the first run, then about one a second.
    expect(t.countCalls(PLAYLISTS.filter)).toBeLessThanOrEqual(4);
    expect(t.countCalls(OTHER.filter)).toBeLessThanOrEqual(4);
    await vi.advanceTimersByTimeAsync(WATCH_INTERVAL_MS);
    expect(t.live('w1')?.count).toBe(15);
    expect(t.live('w1')?.recent.map((f) => f.id)).toEqual([29, 27, 25, 23, 21]);
    expect(t.live('w2')?.count).toBe(0);
  });

  it('gathers unique URLs, reads playlist bodies, and ranks the tokenized master first', async () => {
    const t = await setUp([PLAYLISTS]);
    stop = t.stop;
    const paths = ['/hls/stream.m3u8', '/hls/stream.m3u8?token=abc', '/hls/low.m3u8?token=abc', '/hls/stream.m3u8', '/hls/low/seg1.ts'];
    paths.forEach((path, i) => t.flows.push(flow(i + 1, path)));
    t.bodies.set(2, MASTER);
    t.bodies.set(3, MEDIA);
    t.bodies.set(4, MASTER);
    t.push('flows.added', t.flows.slice());
    await vi.advanceTimersByTimeAsync(WATCH_INTERVAL_MS);
    const urls = t.live('w1')?.urls;
    expect(urls?.flowsScanned).toBe(4);
    expect(urls?.ranked.map((r) => r.url)).toEqual([
      'https://cdn.test/hls/stream.m3u8?token=abc', 'https://cdn.test/hls/low.m3u8?token=abc', 'https://cdn.test/hls/stream.m3u8',
    ]);
    expect(urls?.ranked[0]?.reasons).toEqual(['carries authentication (token)', 'master playlist', '42 characters long']);
    // Each URL's body is read once, from its newest flow.
    expect(t.calls.filter((c) => c.name === 'flows.body').map((c) => (c.args as { id: number }).id).sort()).toEqual([2, 3, 4]);

    // A new URL arrives later: only it is added.
    t.flows.push(flow(6, '/hls/master.m3u8?token=abc&exp=99'));
    t.push('flows.added', [t.flows.at(-1)!]);
    await vi.advanceTimersByTimeAsync(WATCH_INTERVAL_MS);
    expect(t.live('w1')?.urls?.ranked[0]?.url).toBe('https://cdn.test/hls/master.m3u8?token=abc&exp=99');
    expect(t.live('w1')?.urls?.flowsScanned).toBe(5);
  });

  it('starts over after a Clear, and drops answers that were on their way', async () => {
    const t = await setUp([PLAYLISTS]);
    stop = t.stop;
    t.flows.push(flow(1, '/a.m3u8'), flow(2, '/b.m3u8'));
    t.push('flows.added', t.flows.slice());
    await vi.advanceTimersByTimeAsync(WATCH_INTERVAL_MS);
    expect(t.live('w1')?.count).toBe(2);

    t.flows.splice(0);
    t.push('flows.cleared', {});
    expect(t.live('w1')?.count).toBe(0);
    expect(t.live('w1')?.urls?.ranked).toEqual([]);
    await vi.advanceTimersByTimeAsync(WATCH_INTERVAL_MS);
    expect(t.live('w1')?.count).toBe(0);
    t.flows.push(flow(3, '/c.m3u8'));
    t.push('flows.added', [t.flows[0]!]);
    await vi.advanceTimersByTimeAsync(WATCH_INTERVAL_MS);
    expect(t.live('w1')?.urls?.ranked.map((r) => r.url)).toEqual(['https://cdn.test/c.m3u8']);
  });

  it('follows the saved watches: a changed filter starts over, a removed watch is dropped', async () => {
    const t = await setUp([PLAYLISTS, OTHER]);
    stop = t.stop;
    t.flows.push(flow(1, '/a.m3u8'), flow(2, '/x', 'other.test'));
    t.push('flows.added', t.flows.slice());
    await vi.advanceTimersByTimeAsync(WATCH_INTERVAL_MS);
    expect(t.live('w2')?.count).toBe(1);

    const view = t.store.getState().settings!;
    const edited: Watch = { ...PLAYLISTS, name: 'Renamed', filter: '~u a\\.m3u8', collectUrls: false };
    t.store.getState().settingsLoaded({ ...view, settings: { ...view.settings, watches: [edited] } });
    expect(t.live('w2')).toBeUndefined();
    expect(t.live('w1')?.filter).toBe('~u a\\.m3u8');
    await vi.advanceTimersByTimeAsync(0);
    expect(t.live('w1')?.count).toBe(1);
    expect(t.live('w1')?.urls).toBeNull();
  });
});

describe('watch reducers and the URL collector', () => {
  it('keep the state when an answer changes nothing, and drop answers for another filter', () => {
    const started = watchStarted(emptyWatches, PLAYLISTS);
    const loaded = watchLoaded(started, 'w1', PLAYLISTS.filter, 1, [flow(1, '/a.m3u8')]);
    expect(watchLoaded(loaded, 'w1', PLAYLISTS.filter, 1, [flow(1, '/a.m3u8')])).toBe(loaded);
    expect(watchLoaded(loaded, 'w1', '~u other', 5, [])).toBe(loaded);
    expect(watchesCleared(loaded).live.w1?.count).toBe(0);
  });

  it('counts each flow once, keeps the newest flow per URL, and gives up on a body that never comes', () => {
    const collector = new UrlCollector();
    collector.add([flow(3, '/a.m3u8'), flow(2, '/b.ts'), flow(1, '/a.m3u8')]);
    collector.add([flow(3, '/a.m3u8')]);
    expect(collector.flowsScanned).toBe(3);
    expect(collector.newestId).toBe(3);
    expect(collector.toProbe()).toEqual([{ url: 'https://cdn.test/a.m3u8', flowId: 3 }]);
    for (let i = 0; i < 3; i++) collector.probed('https://cdn.test/a.m3u8', null);
    expect(collector.toProbe()).toEqual([]);
    expect(collector.candidates()).toEqual([{ url: 'https://cdn.test/a.m3u8', playlist: null }, { url: 'https://cdn.test/b.ts', playlist: null }]);
  });

  it('writes URLs as a browser would: default ports left out, IPv6 hosts in brackets', () => {
    expect(flowUrl({ scheme: 'http', host: 'a.test', port: 80, path: '/x?y=1' })).toBe('http://a.test/x?y=1');
    expect(flowUrl({ scheme: 'https', host: '::1', port: 8443, path: '/' })).toBe('https://[::1]:8443/');
  });
});

describe('watch edits', () => {
  it('replace a watch in place, add a new one at the end, and remove by id', () => {
    const renamed = { ...PLAYLISTS, name: 'HLS' };
    expect(withWatch([PLAYLISTS, OTHER], renamed)).toEqual([renamed, OTHER]);
    const added = { ...OTHER, id: 'w3' };
    expect(withWatch([PLAYLISTS], added)).toEqual([PLAYLISTS, added]);
    expect(withoutWatch([PLAYLISTS, OTHER], 'w1')).toEqual([OTHER]);
  });

  it('say a refused watch in the form\'s words', () => {
    expect(saveErrorText('settings.set: watches[1].filter: ~zz is not an operator.')).toBe('Filter: ~zz is not an operator.');
  });
});
