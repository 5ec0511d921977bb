/**
 * Tells an HLS master playlist (it lists renditions: #EXT-X-STREAM-INF) from a media playlist (a
 * chunk list: #EXTINF before each segment), from the playlist's text.
 */
import type { PlaylistKind } from './rank-urls.js';

/** null: not an HLS playlist, or one that says neither. */
export function playlistKind(text: string): PlaylistKind | null {
  if (!text.trimStart().startsWith('#EXTM3U')) return null;
  if (/^#EXT-X-STREAM-INF\b/m.test(text)) return 'master';
  if (/^#EXTINF\b/m.test(text)) return 'media';
  return null;
}

/** A response to probe for its kind: an .m3u8 URL, or a body the server calls an HLS playlist. */
export function looksLikePlaylist(path: string, contentType: string | null): boolean {
  return /\.m3u8(\?|#|$)/i.test(path) || /mpegurl/i.test(contentType ?? '');
}
