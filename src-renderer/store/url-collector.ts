/**
 * The unique URLs of a watch's matching flows, gathered page by page: the newest flows first, back
 * to a bound, then each newer flow as it arrives. What a playlist's body said is remembered per URL,
 * so each one is fetched once. Pure bookkeeping: watch-queries.ts does the fetching.
 */
import type { FlowSummary } from '../../src-shared/model/flow.js';
import { looksLikePlaylist, type PlaylistKind, type UrlCandidate } from '../../src-shared/watch/index.js';

/** Matching flows a watch looks back over when it starts. */
export const URL_FLOW_LIMIT = 5_000;
/** Unique URLs kept; past it those seen longest ago are dropped. */
export const URL_LIMIT = 5_000;
/** Playlist bodies fetched per watch at most (each is one flows.body). */
export const PLAYLIST_PROBE_LIMIT = 200;

export function flowUrl(flow: Pick<FlowSummary, 'scheme' | 'host' | 'port' | 'path'>): string {
  const defaultPort = { http: 80, ws: 80, https: 443, wss: 443 }[flow.scheme];
  const host = flow.host.includes(':') && !flow.host.startsWith('[') ? `[${flow.host}]` : flow.host;
  return `${flow.scheme}://${host}${flow.port === defaultPort ? '' : `:${flow.port}`}${flow.path}`;
}

interface Seen {
  /** The newest flow with this URL: its body says what the playlist is. */
  flowId: number;
  /** undefined: body not read (yet); null: read, and it is neither kind. */
  playlist: PlaylistKind | null | undefined;
  probe: boolean;
  /** Reads that found no response body yet (the flow may still be waiting for it). */
  misses: number;
}

/** Flow ids remembered to skip repeats: the oldest are forgotten (pages only repeat recent flows). */
const FLOW_ID_LIMIT = 2 * URL_FLOW_LIMIT;

/** A body still missing after this many reads (a second apart at least) is taken as none. */
const PROBE_MISSES = 3;

export class UrlCollector {
  private readonly urls = new Map<string, Seen>();
  /** Flows already looked at (the newest ones): a page may repeat them. */
  private readonly flowIds = new Set<number>();
  /** Highest flow id looked at: newer pages stop below it. */
  newestId = -1;
  flowsScanned = 0;
  capped = false;
  private probes = 0;

  /**
   * Flows of one page, in any order; those already looked at are skipped. A flow older than the
   * newest seen can still be new here: a filter on the response matches it only once it finished.
   */
  add(flows: readonly FlowSummary[]): void {
    for (const flow of flows) {
      if (this.flowIds.has(flow.id)) continue;
      this.flowIds.add(flow.id);
      this.flowsScanned++;
      const url = flowUrl(flow);
      const seen = this.urls.get(url);
      const probe = looksLikePlaylist(flow.path, flow.responseContentType) || (seen?.probe ?? false);
      if (!seen || flow.id > seen.flowId) this.urls.set(url, { flowId: flow.id, playlist: seen?.playlist, probe, misses: 0 });
      else seen.probe = probe;
      this.newestId = Math.max(this.newestId, flow.id);
    }
    for (const id of this.flowIds) {
      if (this.flowIds.size <= FLOW_ID_LIMIT) break;
      this.flowIds.delete(id);
    }
    if (this.urls.size > URL_LIMIT) {
      for (const [url] of this.newestFirst().slice(URL_LIMIT)) this.urls.delete(url);
    }
  }

  private newestFirst(): Array<[string, Seen]> {
    return [...this.urls].sort((a, b) => b[1].flowId - a[1].flowId);
  }

  /** Playlists whose body has not been read yet, newest first, within the probe budget. */
  toProbe(): Array<{ url: string; flowId: number }> {
    const wanted: Array<{ url: string; flowId: number }> = [];
    for (const [url, seen] of this.newestFirst()) {
      if (wanted.length + this.probes >= PLAYLIST_PROBE_LIMIT) break;
      if (seen.probe && seen.playlist === undefined) wanted.push({ url, flowId: seen.flowId });
    }
    return wanted;
  }

  /** `body` null: the flow has no response body (yet). */
  probed(url: string, body: { playlist: PlaylistKind | null } | null): void {
    this.probes++;
    const seen = this.urls.get(url);
    if (!seen) return;
    if (body) seen.playlist = body.playlist;
    else if (++seen.misses >= PROBE_MISSES) seen.playlist = null;
  }

  /** Newest sighting first, so equal URLs rank the fresher one higher. */
  candidates(): UrlCandidate[] {
    return this.newestFirst().map(([url, seen]) => ({ url, playlist: seen.playlist ?? null }));
  }
}
