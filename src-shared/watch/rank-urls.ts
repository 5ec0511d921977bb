/**
 * Ranks the URLs a watch collected, best first, for people who want the one URL that plays a
 * stream or opens a resource again: (1) a URL carrying authentication parameters (it still works
 * where the bare one is refused), (2) a master playlist over a media playlist (a chunk list) over
 * anything else (the master lists every rendition; a segment is a few seconds of one), (3) the
 * longest URL (it tends to carry the most of what the server asked for). Ties keep their order.
 */
import { parseUrl } from '../util/web-globals.js';

export type PlaylistKind = 'master' | 'media';

export interface UrlCandidate {
  url: string;
  /** What the response body said (see playlist.ts); null or absent: not known, decided by the name. */
  playlist?: PlaylistKind | null;
}

export interface RankedUrl {
  url: string;
  /** Why it sits where it does, said for a person, in the order the rules apply. */
  reasons: string[];
}

/** Query keys that sign or authorize a URL (CloudFront, Akamai, Wowza, generic tokens). Compared in lower case. */
export const AUTH_PARAMS: readonly string[] = ['k', 'exp', 'expires', 'auth', 'token', 'signature', 'sig', 'hdnts', 'policy', 'key-pair-id'];

interface Parts {
  path: string;
  query: string;
}

/** Path and query; a URL that does not parse is split by hand so it still ranks. */
function parts(url: string): Parts {
  try {
    const parsed = parseUrl(url);
    return { path: parsed.pathname, query: parsed.search.replace(/^\?/, '') };
  } catch {
    const [before = '', query = ''] = url.split('#')[0]!.split('?', 2);
    return { path: before, query };
  }
}

function decodeKey(key: string): string {
  try {
    return decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    return key;
  }
}

/** The authentication parameters a URL carries with a value, as they are spelt in it. */
export function authParams(url: string): string[] {
  const found: string[] = [];
  for (const pair of parts(url).query.split('&')) {
    const eq = pair.indexOf('=');
    if (eq <= 0 || eq === pair.length - 1) continue;
    const key = decodeKey(pair.slice(0, eq));
    if (AUTH_PARAMS.includes(key.toLowerCase()) && !found.includes(key)) found.push(key);
  }
  return found;
}

export function isPlaylistUrl(url: string): boolean {
  return /\.m3u8$/i.test(parts(url).path);
}

/**
 * What an .m3u8 URL's file name suggests when the body is not known: "master" or "playlist"
 * (Wowza's playlist.m3u8) name a master; chunklist, chunk, segment and index_N name a media playlist.
 */
export function playlistFromName(url: string): PlaylistKind | null {
  const { path } = parts(url);
  if (!/\.m3u8$/i.test(path)) return null;
  const name = (path.split('/').pop() ?? '').toLowerCase();
  if (name.includes('master')) return 'master';
  if (/chunk|segment|index_\d+/.test(name)) return 'media';
  if (name.includes('playlist')) return 'master';
  return null;
}

interface Scored {
  url: string;
  index: number;
  auth: string[];
  playlist: PlaylistKind | null;
  byName: boolean;
}

const PLAYLIST_TIER: Record<PlaylistKind | 'none', number> = { master: 0, media: 1, none: 2 };

function reasonsFor(s: Scored): string[] {
  const reasons: string[] = [];
  if (s.auth.length > 0) reasons.push(`carries authentication (${s.auth.join(', ')})`);
  if (s.playlist === 'master') reasons.push(`master playlist${s.byName ? ' (by its name)' : ''}`);
  if (s.playlist === 'media') reasons.push(`media playlist (a chunk list)${s.byName ? ', by its name' : ''}`);
  reasons.push(`${s.url.length} characters long`);
  return reasons;
}

export function rankUrls(candidates: ReadonlyArray<UrlCandidate>): RankedUrl[] {
  const scored: Scored[] = candidates.map((c, index) => {
    const byName = !c.playlist;
    return { url: c.url, index, auth: authParams(c.url), playlist: c.playlist || playlistFromName(c.url), byName };
  });
  scored.sort((a, b) =>
    Number(b.auth.length > 0) - Number(a.auth.length > 0)
    || PLAYLIST_TIER[a.playlist ?? 'none'] - PLAYLIST_TIER[b.playlist ?? 'none']
    || b.url.length - a.url.length
    || a.index - b.index);
  return scored.map((s) => ({ url: s.url, reasons: reasonsFor(s) }));
}
