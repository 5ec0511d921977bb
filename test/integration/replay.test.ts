/**
 * Replay over real sockets: a captured request sent again reaches the origin as it was (or as
 * edited), to its own URL or another, and each replay is stored as a flow linked to its original.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvents, EventName } from '../../src-shared/api/contract.js';
import type { ReplayBatchProgress } from '../../src-shared/api/types.js';
import { DEFAULT_SETTINGS } from '../../src-shared/model/settings.js';
import { createApiService } from '../../src-main/service/api-service.js';
import type { ApiService } from '../../src-main/service/api-service-types.js';
import { refusedPort, sha256, startHttpOrigin, startHttpsOrigin, type HttpOrigin } from '../fixtures/index.js';
import { requestViaProxy } from '../fixtures/proxy-clients.js';
import { startTestProxy, waitFor, type TestProxy } from './harness.js';

let proxy: TestProxy;
let origin: HttpOrigin;
let other: HttpOrigin;
let secure: HttpOrigin;
let service: ApiService;
const events: Array<{ event: EventName; payload: unknown }> = [];

beforeAll(async () => {
  proxy = await startTestProxy();
  [origin, other, secure] = await Promise.all([startHttpOrigin(), startHttpOrigin(), startHttpsOrigin()]);
  service = createApiService(proxy.runtime, { settings: DEFAULT_SETTINGS });
  service.subscribe((event, payload) => events.push({ event, payload }));
});

afterAll(async () => {
  service?.dispose();
  await proxy?.close();
  await Promise.all([origin?.close(), other?.close(), secure?.close()]);
});

/** The request headers an origin got, without the connection-level ones each client sets its own way. */
function endToEndHeaders(raw: readonly string[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < raw.length; i += 2) {
    if (!['connection', 'keep-alive'].includes(raw[i]!.toLowerCase())) pairs.push([raw[i]!.toLowerCase(), raw[i + 1]!]);
  }
  return pairs;
}

/** Captures one request through the proxy and returns its flow id. */
async function capture(url: string, options: Parameters<typeof requestViaProxy>[2] = {}): Promise<number> {
  const { store } = proxy.runtime;
  store.flush();
  const newest = store.pageSummaries({ limit: 1 }).items[0]?.id ?? 0;
  // Node would send the proxy's address as Host; clients of a proxy send the target's, as curl does.
  const headers = options.headers ?? {};
  if (!Array.isArray(headers) && !Object.keys(headers).some((name) => name.toLowerCase() === 'host')) {
    options = { ...options, headers: { Host: new URL(url).host, ...headers } };
  }
  await requestViaProxy(proxy.proxyUrl, url, options);
  return waitFor(() => {
    store.flush();
    return store.pageSummaries({ limit: 20, filter: '!~replay' }).items.find((s) => s.id > newest)?.id;
  }, `the flow of ${url}`);
}

const JSON_BODY = JSON.stringify({ name: 'flowscope', quote: "it's \"quoted\"", n: 42 });

describe('replay', () => {
  it('sends a captured request again exactly and stores the result as a replay of it', async () => {
    const id = await capture(`${origin.url}/echo?x=1&y=two%20words`, {
      method: 'POST',
      // A flat list keeps the repeated header; Node then adds no Host of its own. With a declared
      // length the framing is the same both times (replay always sends Content-Length, never chunks).
      headers: [
        'Host', new URL(origin.url).host, 'Content-Type', 'application/json', 'X-Trace', 'a', 'X-Trace', 'b',
        'Authorization', 'Bearer t0ken', 'Content-Length', String(JSON_BODY.length),
      ],
      body: JSON_BODY,
    });
    const received = origin.requests.at(-1)!;
    const result = await service.handlers['replay.flow']({ id });
    expect(result).toMatchObject({ statusCode: 200, error: null });
    const replayed = origin.requests.at(-1)!;
    expect(replayed).not.toBe(received);
    expect({ ...replayed, rawHeaders: endToEndHeaders(replayed.rawHeaders) }).toEqual({ ...received, rawHeaders: endToEndHeaders(received.rawHeaders) });

    const flow = await service.handlers['flows.get']({ id: result.flowId });
    expect(flow).toMatchObject({ source: 'replay', replayOf: id, method: 'POST', statusCode: 200, url: `${origin.url}/echo?x=1&y=two%20words` });
    const body = await service.handlers['flows.body']({ id: result.flowId, side: 'request' });
    expect(Buffer.from(body!.base64, 'base64').toString()).toBe(JSON_BODY);
    const page = await service.handlers['flows.page']({ limit: 5, filter: '~replay' });
    expect(page.items.map((s) => s.id)).toContain(result.flowId);
  });

  it('keeps both results when the same request is sent twice', async () => {
    const id = await capture(`${origin.url}/hello`);
    const first = await service.handlers['replay.flow']({ id });
    const second = await service.handlers['replay.flow']({ id });
    expect(second.flowId).not.toBe(first.flowId);
    for (const r of [first, second]) expect(await service.handlers['flows.get']({ id: r.flowId })).toMatchObject({ replayOf: id, statusCode: 200 });
  });

  it('replays to an alternate origin with the original path and query, Host following the target unless kept', async () => {
    const id = await capture(`${origin.url}/echo/path?q=1&r=%2F`, { headers: { 'X-Client': 'yes' } });
    await service.handlers['replay.flow']({ id, target: { targetUrl: other.url, keepHost: false } });
    const moved = other.requests.at(-1)!;
    expect(moved.url).toBe('/echo/path?q=1&r=%2F');
    expect(endToEndHeaders(moved.rawHeaders)).toContainEqual(['host', new URL(other.url).host]);
    expect(endToEndHeaders(moved.rawHeaders)).toContainEqual(['x-client', 'yes']);

    await service.handlers['replay.flow']({ id, target: { targetUrl: `${other.url}/`, keepHost: true } });
    expect(endToEndHeaders(other.requests.at(-1)!.rawHeaders)).toContainEqual(['host', new URL(origin.url).host]);

    await service.handlers['replay.flow']({ id, target: { targetUrl: `${other.url}/status/201?full=1`, keepHost: false } });
    expect(other.requests.at(-1)!.url).toBe('/status/201?full=1');
    expect((await service.handlers['replay.targets']({})).targets.slice(0, 2)).toEqual([`${other.url}/status/201?full=1`, `${other.url}/`]);
  });

  it('sends an edited request as written, encoding a plain body the way its Content-Encoding says', async () => {
    const id = await capture(`${origin.url}/echo`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'original' });
    const edited = 'edited body, longer than the original';
    const result = await service.handlers['replay.send']({
      replayOf: id,
      request: {
        method: 'PUT',
        url: `${origin.url}/upload?edited=1`,
        headers: [['Host', new URL(origin.url).host], ['Content-Type', 'text/plain'], ['Content-Encoding', 'gzip'], ['X-Edited', 'yes'], ['Content-Length', '3']],
        body: { base64: Buffer.from(edited).toString('base64'), encoded: false },
      },
    });
    expect(result.statusCode).toBe(200);
    const got = origin.requests.at(-1)!;
    expect(got).toMatchObject({ method: 'PUT', url: '/upload?edited=1', bodySha256: sha256(gzipSync(edited)), bodySize: gzipSync(edited).length });
    expect(endToEndHeaders(got.rawHeaders)).toEqual([
      ['host', new URL(origin.url).host], ['content-type', 'text/plain'], ['content-encoding', 'gzip'], ['x-edited', 'yes'],
      ['content-length', String(gzipSync(edited).length)],
    ]);
    const stored = await service.handlers['flows.body']({ id: result.flowId, side: 'request' });
    expect(Buffer.from(stored!.base64, 'base64').toString()).toBe(edited);
  });

  it('lets the Host follow an edited URL unless the person typed their own', async () => {
    const id = await capture(`${origin.url}/hello`);
    const flow = await service.handlers['flows.get']({ id });
    await service.handlers['replay.send']({ replayOf: id, request: { method: 'GET', url: `${other.url}/hello`, headers: flow.requestHeaders, body: null } });
    expect(endToEndHeaders(other.requests.at(-1)!.rawHeaders)).toContainEqual(['host', new URL(other.url).host]);
    await service.handlers['replay.send']({ replayOf: id, request: { method: 'GET', url: `${other.url}/hello`, headers: [['Host', 'typed.example']], body: null } });
    expect(endToEndHeaders(other.requests.at(-1)!.rawHeaders)).toContainEqual(['host', 'typed.example']);
  });

  it('replays HTTPS through the same upstream trust as the proxy', async () => {
    const id = await capture(`${secure.url}/echo?tls=1`, { ca: proxy.ca, method: 'POST', body: 'secret' });
    const result = await service.handlers['replay.flow']({ id });
    expect(result).toMatchObject({ statusCode: 200, error: null });
    expect(secure.requests.at(-1)).toMatchObject({ url: '/echo?tls=1', bodySha256: sha256(Buffer.from('secret')) });
    expect(await service.handlers['flows.get']({ id: result.flowId })).toMatchObject({ scheme: 'https', tls: { protocol: expect.stringMatching(/^TLSv1\.[23]$/) } });
  });

  it('records a dead target as a failed replay flow, with the reason', async () => {
    const id = await capture(`${origin.url}/hello`);
    const result = await service.handlers['replay.flow']({ id, target: { targetUrl: `http://127.0.0.1:${await refusedPort()}`, keepHost: false } });
    expect(result).toMatchObject({ statusCode: null, error: { type: 'CONNECTION_REFUSED' } });
    expect(await service.handlers['flows.get']({ id: result.flowId })).toMatchObject({ replayOf: id, error: { type: 'CONNECTION_REFUSED' } });
  });

  it('refuses a request whose body was captured only in part, and says what to do', async () => {
    service.handlers['settings.set']({ settings: { maxBodySize: 16 } });
    try {
      const id = await capture(`${origin.url}/upload`, { method: 'POST', body: 'x'.repeat(100) });
      await expect(service.handlers['replay.flow']({ id })).rejects.toThrow(/captured only in part \(16 of 100 bytes\).*maxBodySize/);
    } finally {
      service.handlers['settings.set']({ settings: { maxBodySize: DEFAULT_SETTINGS.maxBodySize } });
    }
  });
});

function progressOf(batchId: string): ReplayBatchProgress[] {
  return events.filter((e) => e.event === 'replay.progress').map((e) => e.payload as ApiEvents['replay.progress']).filter((p) => p.batchId === batchId);
}

describe('batch replay', () => {
  it('replays a range in order with the delay between requests, reporting progress and a summary', async () => {
    const ids = [await capture(`${origin.url}/status/200?n=1`), await capture(`${origin.url}/status/404?n=2`), await capture(`${origin.url}/status/200?n=3`)];
    const { batchId, total } = await service.handlers['replay.batch']({ range: { from: ids[0]!, to: ids[2]! }, delayMs: 250 });
    expect(total).toBe(3);
    const last = await waitFor(() => progressOf(batchId).find((p) => p.state === 'finished'), 'the batch to finish');
    expect(last).toMatchObject({ total: 3, done: 3, skipped: [] });
    expect(last.outcomes.sort((a, b) => a.key.localeCompare(b.key))).toEqual([{ key: '200', count: 2 }, { key: '404', count: 1 }]);
    expect(progressOf(batchId).map((p) => p.done)).toEqual([0, 1, 2, 3, 3]);

    expect(origin.requests.slice(-3).map((r) => r.url)).toEqual(['/status/200?n=1', '/status/404?n=2', '/status/200?n=3']);
    await proxy.runtime.store.committed();
    const replays = (await service.handlers['flows.page']({ limit: 3, filter: '~replay' })).items.reverse();
    expect(replays.map((f) => f.replayOf)).toEqual(ids);
    const gaps = replays.slice(1).map((f, i) => f.startedAt - replays[i]!.startedAt);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(250);
  });

  it('stops when cancelled, and skips flows that cannot be sent with the reason', async () => {
    const ids = [await capture(`${origin.url}/hello?c=1`), await capture(`${origin.url}/hello?c=2`)];
    const { batchId } = await service.handlers['replay.batch']({ ids: [ids[0]!, 999_999, ids[1]!], delayMs: 60_000 });
    await waitFor(() => progressOf(batchId).some((p) => p.done === 1), 'the first replay');
    expect(service.handlers['replay.cancel']({ batchId })).toEqual({ cancelled: true });
    const last = await waitFor(() => progressOf(batchId).find((p) => p.state === 'cancelled'), 'the cancel');
    expect(last.done).toBe(1);
    expect(service.handlers['replay.cancel']({ batchId })).toEqual({ cancelled: false });

    const skipping = await service.handlers['replay.batch']({ ids: [999_999, ids[1]!], delayMs: 0 });
    const done = await waitFor(() => progressOf(skipping.batchId).find((p) => p.state === 'finished'), 'the second batch');
    expect(done.skipped).toEqual([{ id: 999_999, reason: expect.stringMatching(/There is no flow 999999/) }]);
    expect(done.outcomes).toEqual([{ key: '200', count: 1 }]);
  });
});

describe('delete', () => {
  it('deletes flows with their bodies and tells listeners', async () => {
    const id = await capture(`${origin.url}/echo`, { method: 'POST', body: 'bye' });
    expect(await service.handlers['flows.delete']({ ids: [id, 123_456_789] })).toEqual({ deleted: 1 });
    await expect(service.handlers['flows.get']({ id })).rejects.toThrow(/There is no flow/);
    expect(events.some((e) => e.event === 'flows.deleted' && (e.payload as { ids: number[] }).ids.includes(id))).toBe(true);
  });
});
