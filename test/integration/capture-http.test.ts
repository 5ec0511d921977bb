import { gunzipSync } from 'node:zlib';
import { ProxyAgent, request as undiciRequest } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHUNKED_ROUTE_PARTS, COMPRESSED_ROUTE_JSON, HEADERS_ROUTE_RAW, patternBytes, sha256,
  startHttp2Origin, startHttpOrigin, startHttpsOrigin, type HttpOrigin,
} from '../fixtures/index.js';
import { http2ViaProxy, requestViaProxy } from '../fixtures/proxy-clients.js';
import { startTestProxy, type TestProxy } from './harness.js';

const MAX_BODY = 1024 * 1024;
let proxy: TestProxy;
let httpOrigin: HttpOrigin;
let httpsOrigin: HttpOrigin;
let h2Origin: HttpOrigin;

beforeAll(async () => {
  [proxy, httpOrigin, httpsOrigin, h2Origin] = await Promise.all([
    startTestProxy({ maxBodySize: MAX_BODY }),
    startHttpOrigin(),
    startHttpsOrigin(),
    startHttp2Origin(),
  ]);
});

afterAll(async () => {
  await Promise.all([proxy?.close(), httpOrigin?.close(), httpsOrigin?.close(), h2Origin?.close()]);
});

function pairs(raw: readonly string[]): Array<[string, string]> {
  return raw.reduce<Array<[string, string]>>((acc, v, i) => (i % 2 ? acc : [...acc, [v, raw[i + 1] ?? '']]), []);
}

async function onlyNewFlow(before: number) {
  const flows = await proxy.flows(before + 1);
  return flows[0]!;
}

describe('capture of plain HTTP', () => {
  it('passes a GET through and stores the flow field by field', async () => {
    const before = proxy.runtime.store.countFlows();
    const res = await requestViaProxy(proxy.proxyUrl, `${httpOrigin.url}/hello`);
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('hello');

    const flow = await onlyNewFlow(before);
    expect(flow).toMatchObject({
      kind: 'http', method: 'GET', url: `${httpOrigin.url}/hello`, scheme: 'http', host: '127.0.0.1',
      port: httpOrigin.port, path: '/hello', httpVersion: '1.1', statusCode: 200, statusMessage: 'OK',
      clientIp: expect.stringMatching(/127\.0\.0\.1/), serverIp: '127.0.0.1', serverPort: httpOrigin.port, error: null, tls: null,
    });
    expect(flow.responseBody).toMatchObject({ wireSize: 5, decodedSize: 5, capturedSize: 5, truncated: false });
    expect(flow.responseBody!.contentType).toMatch(/^text\/plain/);
    expect(flow.durationMs).toBeGreaterThanOrEqual(0);
    expect(flow.timings.responseHeaders).toBeGreaterThanOrEqual(flow.timings.start);
    expect(proxy.runtime.store.getBody(flow.id, 'response')!.bytes.toString()).toBe('hello');
  });

  it('forwards and records request headers in order with repeats, and the request body', async () => {
    const before = proxy.runtime.store.countFlows();
    // A raw header array gets no defaults from Node, so Host is given here too.
    const headers = ['Host', `127.0.0.1:${httpOrigin.port}`, 'X-First', 'one', 'x-repeated', 'a', 'X-Repeated', 'b', 'Content-Type', 'application/json'];
    const body = JSON.stringify({ hello: 'world' });
    const res = await requestViaProxy(proxy.proxyUrl, `${httpOrigin.url}/echo?q=1`, { method: 'POST', headers, body });
    expect(res.status).toBe(200);

    const received = httpOrigin.requests.at(-1)!;
    expect(received.method).toBe('POST');
    expect(received.bodySha256).toBe(sha256(Buffer.from(body)));
    const receivedPairs = pairs(received.rawHeaders).filter(([name]) => /^x-/i.test(name));
    expect(receivedPairs).toEqual([['X-First', 'one'], ['x-repeated', 'a'], ['X-Repeated', 'b']]);

    const flow = await onlyNewFlow(before);
    expect(flow.path).toBe('/echo?q=1');
    expect(flow.requestHeaders.filter(([name]) => /^x-/i.test(name))).toEqual(receivedPairs);
    expect(flow.requestBody).toMatchObject({ wireSize: body.length, capturedSize: body.length, truncated: false, contentType: 'application/json' });
    expect(proxy.runtime.store.getBody(flow.id, 'request')!.bytes.toString()).toBe(body);
  });

  it('keeps response headers in order with repeated Set-Cookie', async () => {
    const before = proxy.runtime.store.countFlows();
    const res = await requestViaProxy(proxy.proxyUrl, `${httpOrigin.url}/headers`);
    const flow = await onlyNewFlow(before);
    const expected = pairs(HEADERS_ROUTE_RAW);
    expect(pairs(res.rawHeaders).filter(([n]) => expected.some(([e]) => e === n))).toEqual(expected);
    expect(flow.responseHeaders!.filter(([n]) => expected.some(([e]) => e === n))).toEqual(expected);
  });

  it.each(['gzip', 'br', 'deflate'])('stores %s bodies as sent and decodes them on read', async (encoding) => {
    const before = proxy.runtime.store.countFlows();
    const res = await requestViaProxy(proxy.proxyUrl, `${httpOrigin.url}/${encoding}`);
    expect(res.headers['content-encoding']).toBe(encoding);
    const flow = await onlyNewFlow(before);
    const json = JSON.stringify(COMPRESSED_ROUTE_JSON);
    expect(flow.responseBody).toMatchObject({ wireSize: res.body.length, decodedSize: Buffer.byteLength(json), contentEncoding: encoding });
    const decoded = proxy.runtime.store.getBody(flow.id, 'response')!;
    expect(decoded.decoded).toBe(true);
    expect(JSON.parse(decoded.bytes.toString())).toEqual(COMPRESSED_ROUTE_JSON);
    const raw = proxy.runtime.store.getBody(flow.id, 'response', { decoded: false })!;
    expect(raw.bytes.equals(res.body)).toBe(true);
    if (encoding === 'gzip') expect(gunzipSync(raw.bytes).toString()).toBe(json);
  });

  it('reassembles chunked bodies', async () => {
    const before = proxy.runtime.store.countFlows();
    const res = await requestViaProxy(proxy.proxyUrl, `${httpOrigin.url}/chunked`);
    const flow = await onlyNewFlow(before);
    expect(res.body.toString()).toBe(CHUNKED_ROUTE_PARTS.join(''));
    expect(proxy.runtime.store.getBody(flow.id, 'response')!.bytes.toString()).toBe(CHUNKED_ROUTE_PARTS.join(''));
  });

  it('streams a 5 MB response whole to the client and stores only the first maxBodySize bytes', async () => {
    const size = 5 * 1024 * 1024;
    const before = proxy.runtime.store.countFlows();
    const res = await requestViaProxy(proxy.proxyUrl, `${httpOrigin.url}/bytes/${size}`);
    expect(res.body.length).toBe(size);
    expect(sha256(res.body)).toBe(sha256(patternBytes(size)));
    const flow = await onlyNewFlow(before);
    expect(flow.responseBody).toMatchObject({ wireSize: size, capturedSize: MAX_BODY, truncated: true });
    const stored = proxy.runtime.store.getBody(flow.id, 'response')!;
    expect(stored.truncated).toBe(true);
    expect(stored.bytes.equals(patternBytes(size).subarray(0, MAX_BODY))).toBe(true);
  });

  it('streams a 5 MB upload to the origin and stores it truncated', async () => {
    const upload = patternBytes(5 * 1024 * 1024);
    const before = proxy.runtime.store.countFlows();
    const res = await requestViaProxy(proxy.proxyUrl, `${httpOrigin.url}/upload`, { method: 'POST', body: upload });
    expect(JSON.parse(res.body.toString())).toMatchObject({ size: upload.length, sha256: sha256(upload) });
    const flow = await onlyNewFlow(before);
    expect(flow.requestBody).toMatchObject({ wireSize: upload.length, capturedSize: MAX_BODY, truncated: true });
  });
});

describe('capture of HTTPS', () => {
  it('intercepts CONNECT with a certificate from the Flowscope CA and records TLS details', async () => {
    const before = proxy.runtime.store.countFlows();
    const res = await requestViaProxy(proxy.proxyUrl, `${httpsOrigin.url}/hello`, { ca: proxy.ca });
    expect(res.body.toString()).toBe('hello');
    const flow = await onlyNewFlow(before);
    expect(flow).toMatchObject({ scheme: 'https', statusCode: 200, url: `${httpsOrigin.url}/hello`, error: null });
    expect(flow.tls).toEqual({ sni: 'localhost', protocol: expect.stringMatching(/^TLSv1\.[23]$/) });
  });

  it('works for undici with a ProxyAgent trusting only the Flowscope CA', async () => {
    const before = proxy.runtime.store.countFlows();
    const dispatcher = new ProxyAgent({ uri: proxy.proxyUrl, requestTls: { ca: proxy.ca, servername: 'localhost' } });
    try {
      const res = await undiciRequest(`${httpsOrigin.url}/gzip`, { dispatcher });
      const body = Buffer.from(await res.body.arrayBuffer());
      expect(res.statusCode).toBe(200);
      const flow = await onlyNewFlow(before);
      expect(flow.responseBody!.wireSize).toBe(body.length);
      expect(JSON.parse(proxy.runtime.store.getBody(flow.id, 'response')!.bytes.toString())).toEqual(COMPRESSED_ROUTE_JSON);
    } finally {
      await dispatcher.close();
    }
  });

  it('speaks HTTP/2 to clients and origins that offer it', async () => {
    const before = proxy.runtime.store.countFlows();
    const res = await http2ViaProxy(proxy.proxyUrl, `${h2Origin.url}/hello`, proxy.ca);
    expect(res.alpn).toBe('h2');
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('hello');
    expect(h2Origin.requests.at(-1)!.httpVersion).toBe('2.0');
    const flow = await onlyNewFlow(before);
    expect(flow.httpVersion).toBe('2.0');
    expect(flow.statusCode).toBe(200);
  });
});
