/** Watches: the pure parts shared by the renderer and its tests. */
export { AUTH_PARAMS, authParams, isPlaylistUrl, playlistFromName, rankUrls, type PlaylistKind, type RankedUrl, type UrlCandidate } from './rank-urls.js';
export { looksLikePlaylist, playlistKind } from './playlist.js';
