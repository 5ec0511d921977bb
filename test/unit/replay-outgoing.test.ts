import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Flow } from '../../src-shared/model/flow.js';
import { encodeContent, outgoingHeaders, replayOfFlow, retarget } from '../../src-main/replay/outgoing.js';

const original = new URL('https://api.example.com/v1/items?page=2&q=a%20b');

describe('where a replay goes', () => {
  it.each([
    ['http://localhost:3000', 'http://localhost:3000/v1/items?page=2&q=a%20b'],
    ['http://localhost:3000/', 'http://localhost:3000/v1/items?page=2&q=a%20b'],
    [' https://staging.example.com:8443 ', 'https://staging.example.com:8443/v1/items?page=2&q=a%20b'],
    ['http://localhost:3000/other?x=1', 'http://localhost:3000/other?x=1'],
    ['http://localhost:3000/?x=1', 'http://localhost:3000/?x=1'],
  ])('%s → %s', (target, expected) => {
    expect(retarget(original, target).href).toBe(expected);
  });
});

describe('what headers a replay sends', () => {
  const headers: Array<[string, string]> = [
    [':method', 'POST'], [':authority', 'api.example.com'], ['content-type', 'application/json'], ['Connection', 'keep-alive'],
    ['Proxy-Authorization', 'Basic eA=='], ['Transfer-Encoding', 'chunked'], ['X-A', '1'], ['x-a', '2'], ['Content-Length', '9'],
  ];

  it('drops pseudo and hop-by-hop headers, keeps repeats in order, and frames the body itself', () => {
    expect(outgoingHeaders(headers, new URL('http://localhost:3000/x'), { keepHost: false, bodyLength: 4 })).toEqual([
      ['Host', 'localhost:3000'], ['content-type', 'application/json'], ['X-A', '1'], ['x-a', '2'], ['Content-Length', '4'],
    ]);
  });

  it('keeps the original Host (or HTTP/2 :authority) when asked, in its place', () => {
    expect(outgoingHeaders(headers, new URL('http://localhost:3000/x'), { keepHost: true, bodyLength: null })[0]).toEqual(['Host', 'api.example.com']);
    expect(outgoingHeaders([['a', '1'], ['Host', 'h.example']], new URL('http://x.test/'), { keepHost: true, bodyLength: null }))
      .toEqual([['a', '1'], ['Host', 'h.example']]);
  });
});

describe('bodies', () => {
  it('applies codings in the order the header lists them', () => {
    const encoded = encodeContent(Buffer.from('hello'), 'gzip, br');
    expect(gunzipSync(brotliDecompressSync(encoded)).toString()).toBe('hello');
    expect(() => encodeContent(Buffer.from('x'), 'zstd')).toThrow(/"zstd" is not one Flowscope can apply/);
  });

  it('encodes an imported (decoded) body again as its headers say, and refuses a cut one', () => {
    const flow = {
      id: 7, kind: 'http', method: 'POST', url: 'http://a.test/up', source: 'import',
      requestHeaders: [['Host', 'a.test'], ['Content-Encoding', 'gzip']],
      requestBody: { wireSize: 5, decodedSize: 5, capturedSize: 5, truncated: false, dropped: false, contentType: null, contentEncoding: null },
    } as unknown as Flow;
    const out = replayOfFlow(flow, { bytes: Buffer.from('plain'), truncated: false });
    expect(gunzipSync(out.body!).toString()).toBe('plain');
    expect(out.headers.at(-1)).toEqual(['Content-Length', String(out.body!.length)]);
    const cut = { ...flow, requestBody: { ...flow.requestBody, wireSize: 50, truncated: true } };
    expect(() => replayOfFlow(cut, { bytes: Buffer.from('plain'), truncated: true })).toThrow(/captured only in part \(5 of 50 bytes\)/);
    expect(() => replayOfFlow({ ...flow, kind: 'websocket' }, null)).toThrow(/WebSocket connection/);
  });
});
