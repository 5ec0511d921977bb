/**
 * rankUrls on URLs as a watch on `~u \.m3u8` collects them from real players: masters with and
 * without tokens, chunk lists, segments, signed CDN URLs. The best URL is the one a person would
 * paste into a player.
 */
import { describe, expect, it } from 'vitest';
import { authParams, playlistFromName, playlistKind, rankUrls, type UrlCandidate } from '../../src-shared/watch/index.js';

/** A Wowza-style live stream: master (playlist.m3u8), chunk lists, segments; with and without a token. */
const WOWZA: UrlCandidate[] = [
  { url: 'https://live.example.net/app/stream/media_w1843_b800000_12.ts' },
  { url: 'https://live.example.net/app/stream/chunklist_w1843_b800000.m3u8?token=8f3a1c&exp=1767225600' },
  { url: 'https://live.example.net/app/stream/playlist.m3u8' },
  { url: 'https://live.example.net/app/stream/playlist.m3u8?token=8f3a1c&exp=1767225600' },
  { url: 'https://live.example.net/app/stream/chunklist_w1843_b800000.m3u8' },
  { url: 'https://live.example.net/app/stream/media_w1843_b800000_13.ts?token=8f3a1c&exp=1767225600' },
];

/** A CloudFront signed VOD: master.m3u8, index_N renditions and segments, all signed the same way. */
const CLOUDFRONT_SIGNATURE = 'Policy=eyJTdGF0ZW1lbnQiOlt7IlJlc291cmNlIjoiaHR0cHM6Ly9kMTExMTExYWJjZGVmOC5jbG91ZGZyb250Lm5ldC8qIn1dfQ__&Signature=Nql641NHEUkUaXQHZINK1FZ~SYeUSoBJMxjdgqrzIdzV2gyEXPDNv0pYdWJkflDKJ3xIu7lbwRpSkG98NBlgPi4ZJpRRnVX4kXAJK6tdNx6FucDB7OVqzcxkxHsGFd8VCG1BkC-Afh9~lOCMIYHIaiOB6~5jt9w2EOwi6sIIqrg_&Key-Pair-Id=APKA9ONS7QCOWEXAMPLE';
const CLOUDFRONT: UrlCandidate[] = [
  { url: `https://d111111abcdef8.cloudfront.net/vod/ep1/index_0.m3u8?${CLOUDFRONT_SIGNATURE}` },
  { url: `https://d111111abcdef8.cloudfront.net/vod/ep1/master.m3u8?${CLOUDFRONT_SIGNATURE}` },
  { url: `https://d111111abcdef8.cloudfront.net/vod/ep1/index_1_00042.ts?${CLOUDFRONT_SIGNATURE}` },
  { url: `https://d111111abcdef8.cloudfront.net/vod/ep1/index_1.m3u8?${CLOUDFRONT_SIGNATURE}` },
];

describe('rankUrls', () => {
  it('puts the tokenized master playlist first, then the tokenized chunk list, then the tokenized segment', () => {
    const ranked = rankUrls(WOWZA).map((r) => r.url);
    expect(ranked).toEqual([
      'https://live.example.net/app/stream/playlist.m3u8?token=8f3a1c&exp=1767225600',
      'https://live.example.net/app/stream/chunklist_w1843_b800000.m3u8?token=8f3a1c&exp=1767225600',
      'https://live.example.net/app/stream/media_w1843_b800000_13.ts?token=8f3a1c&exp=1767225600',
      'https://live.example.net/app/stream/playlist.m3u8',
      'https://live.example.net/app/stream/chunklist_w1843_b800000.m3u8',
      'https://live.example.net/app/stream/media_w1843_b800000_12.ts',
    ]);
  });

  it('says why the best URL is best', () => {
    const [best] = rankUrls(WOWZA);
    expect(best?.reasons).toEqual(['carries authentication (token, exp)', 'master playlist (by its name)', '77 characters long']);
  });

  it('finds the master among signed CloudFront URLs (case-insensitive keys)', () => {
    const ranked = rankUrls(CLOUDFRONT);
    expect(ranked[0]?.url).toBe(CLOUDFRONT[1]!.url);
    expect(ranked[0]?.reasons[0]).toBe('carries authentication (Policy, Signature, Key-Pair-Id)');
    // Both renditions are media playlists: the longer URL first, then the segment.
    expect(ranked.slice(1).map((r) => r.url)).toEqual([CLOUDFRONT[0]!.url, CLOUDFRONT[3]!.url, CLOUDFRONT[2]!.url]);
  });

  it('believes the body over the name: an index.m3u8 that lists renditions is a master', () => {
    const ranked = rankUrls([
      { url: 'https://cdn.test/hls/chunklist.m3u8?hdnts=exp=1~acl=/*~hmac=ab', playlist: null },
      { url: 'https://cdn.test/hls/index.m3u8?hdnts=exp=1~acl=/*~hmac=ab', playlist: 'master' },
      { url: 'https://cdn.test/hls/stream-hd-long-name.m3u8?hdnts=exp=1~acl=/*~hmac=ab', playlist: 'media' },
    ]);
    expect(ranked.map((r) => r.url)).toEqual([
      'https://cdn.test/hls/index.m3u8?hdnts=exp=1~acl=/*~hmac=ab',
      'https://cdn.test/hls/stream-hd-long-name.m3u8?hdnts=exp=1~acl=/*~hmac=ab',
      'https://cdn.test/hls/chunklist.m3u8?hdnts=exp=1~acl=/*~hmac=ab',
    ]);
    expect(ranked[0]?.reasons).toContain('master playlist');
  });

  it('prefers a tokenized media playlist over a bare master: a bare URL is refused where a signed one plays', () => {
    const ranked = rankUrls([{ url: 'https://a.test/master.m3u8' }, { url: 'https://a.test/chunklist.m3u8?sig=x' }]);
    expect(ranked[0]?.url).toBe('https://a.test/chunklist.m3u8?sig=x');
  });

  it('keeps the given order for ties, and ranks URLs that do not parse', () => {
    const ranked = rankUrls([{ url: 'https://a.test/aa' }, { url: 'https://b.test/bb' }, { url: 'not a url?token=1' }]);
    expect(ranked.map((r) => r.url)).toEqual(['not a url?token=1', 'https://a.test/aa', 'https://b.test/bb']);
    expect(rankUrls([])).toEqual([]);
  });
});

describe('authParams', () => {
  it('finds keys with a value, whatever their case, and ignores look-alikes', () => {
    expect(authParams('https://a.test/x?K=1&EXPIRES=2&foo=3')).toEqual(['K', 'EXPIRES']);
    expect(authParams('https://a.test/x?token=&tokens=1&mytoken=2')).toEqual([]);
    expect(authParams('https://a.test/x?key-pair-id=APK&auth=z')).toEqual(['key-pair-id', 'auth']);
  });
});

describe('playlist kinds', () => {
  it('reads a master and a media playlist from their text', () => {
    expect(playlistKind('#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360\nlow/index.m3u8\n')).toBe('master');
    expect(playlistKind('#EXTM3U\r\n#EXT-X-TARGETDURATION:6\r\n#EXTINF:6.0,\r\nseg1.ts\r\n#EXT-X-ENDLIST\r\n')).toBe('media');
    expect(playlistKind('<html>not found</html>')).toBeNull();
    expect(playlistKind('#EXTM3U\n')).toBeNull();
  });

  it('guesses from the file name when the body is not known', () => {
    expect(playlistFromName('https://a.test/live/playlist.m3u8?x=1')).toBe('master');
    expect(playlistFromName('https://a.test/master_720.m3u8')).toBe('master');
    expect(playlistFromName('https://a.test/chunklist_w1.m3u8')).toBe('media');
    expect(playlistFromName('https://a.test/index_3.m3u8')).toBe('media');
    expect(playlistFromName('https://a.test/segment-list.m3u8')).toBe('media');
    expect(playlistFromName('https://a.test/stream.m3u8')).toBeNull();
    expect(playlistFromName('https://a.test/master.mp4')).toBeNull();
  });
});
