import { classifyTraffic } from '../../src-shared/model/classify.js';
import zlib from 'node:zlib';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../src-shared/api/errors.js';
import type { Flow, RawHeaders } from '../../src-shared/model/flow.js';
import { prepareBody, type FlowStore, type PreparedBody } from '../../src-main/store/index.js';
import { useTempStore } from './temp-store.js';

const temp = useTempStore('flowscope-filter-');

interface FlowSpec {
  method?: string;
  url: string;
  status?: number | null;
  durationMs?: number | null;
  kind?: Flow['kind'];
  requestHeaders?: RawHeaders;
  responseHeaders?: RawHeaders | null;
  requestType?: string | null;
  responseType?: string | null;
  responseSize?: number;
  requestEncoding?: string | null;
  responseEncoding?: string | null;
  error?: Flow['error'];
  tags?: string[];
  source?: Flow['source'];
}

function makeFlow(id: number, spec: FlowSpec): Flow {
  const url = new URL(spec.url);
  const start = 1_700_000_000_000 + id * 1000;
  const status = spec.status === undefined ? 200 : spec.status;
  const body = (contentType: string | null, encoding: string | null, size: number) => ({
    wireSize: size, decodedSize: size, capturedSize: size, truncated: false, dropped: false, contentType, contentEncoding: encoding,
  });
  return {
    id,
    kind: spec.kind ?? 'http',
    startedAt: start,
    endedAt: spec.durationMs == null ? null : start + spec.durationMs,
    durationMs: spec.durationMs === undefined ? 10 : spec.durationMs,
    method: spec.method ?? 'GET',
    url: spec.url,
    scheme: url.protocol.slice(0, -1) as Flow['scheme'],
    host: url.hostname,
    port: Number(url.port || (url.protocol === 'http:' || url.protocol === 'ws:' ? 80 : 443)),
    path: url.pathname + url.search,
    httpVersion: '1.1',
    statusCode: status,
    statusMessage: null,
    requestHeaders: spec.requestHeaders ?? [['Host', url.host]],
    responseHeaders: status === null ? null : (spec.responseHeaders ?? []),
    requestBody: body(spec.requestType ?? null, spec.requestEncoding ?? null, 0),
    responseBody: status === null ? null : body(spec.responseType ?? null, spec.responseEncoding ?? null, spec.responseSize ?? 100),
    clientIp: '127.0.0.1', clientPort: 50000 + id, serverIp: null, serverPort: null, tls: null,
    error: spec.error ?? null,
    timings: { start, dns: null, connect: null, requestBodyReceived: null, responseHeaders: null, end: null, aborted: null, wsAccepted: null, wsClosed: null },
    tags: spec.tags ?? [],
    source: spec.source ?? 'capture',
    replayOf: null,
    trafficClass: classifyTraffic({ host: url.hostname, path: url.pathname + url.search }),
    blockedBy: null,
    upstreamProxy: null,
  };
}

const bigJson = JSON.stringify({ user: 'ann', secret: 'password-field', padding: 'x'.repeat(8_000) });

/** A small known capture: ids 1..8 in this order. */
async function seed(store: FlowStore): Promise<void> {
  const add = async (spec: FlowSpec, bodies: { request?: Promise<PreparedBody>; response?: Promise<PreparedBody> } = {}) => {
    store.enqueueFlow(makeFlow(store.allocateFlowId(), spec), { request: await bodies.request, response: await bodies.response });
  };
  await add(
    { url: 'https://api.example.com/v1/users', durationMs: 100, responseType: 'application/json', responseSize: 500, responseEncoding: 'gzip',
      requestHeaders: [['Host', 'api.example.com'], ['Authorization', 'Bearer abc']], responseHeaders: [['Content-Type', 'application/json'], ['Content-Encoding', 'gzip']] },
    { response: prepareBody(zlib.gzipSync('{"found":"needle-in-gzip"}'), { contentEncoding: 'gzip', truncated: false }) },
  );
  await add(
    { method: 'POST', url: 'https://api.example.com/v1/login', status: 401, durationMs: 300, requestType: 'application/json', responseSize: 0 },
    { request: prepareBody(Buffer.from(bigJson), { contentEncoding: null, truncated: false }) },
  );
  await add(
    { url: 'http://cdn.example.net/app.js?v=1', durationMs: 50, responseType: 'application/javascript', responseSize: 2 * 1024 * 1024, responseEncoding: 'br' },
    { response: prepareBody(zlib.brotliCompressSync('console.log("brotli-needle")'), { contentEncoding: 'br', truncated: false }) },
  );
  await add({ url: 'https://shop.test/cart', status: 500, durationMs: 1500, responseType: 'text/html; charset=utf-8', tags: ['engine:1'], source: 'replay' });
  await add({ url: 'wss://chat.example.com/ws', kind: 'websocket', status: 101, durationMs: 60_000, responseSize: 0 });
  await add({ url: 'https://down.example.org/', status: null, durationMs: null, error: { type: 'CONNECTION_REFUSED', message: 'refused' } });
  await add({ method: 'DELETE', url: 'https://api.example.com/v1/users/7', status: 204, durationMs: 120, responseSize: 0 });
  await add({ url: 'https://img.example.com/logo.png', durationMs: 30, responseType: 'image/png', responseSize: 2048, source: 'import' });
  store.flush();
}

describe('filtered store queries', () => {
  let store: FlowStore;
  const ids = (filter: string) => store.pageSummaries({ filter, limit: 100 }).items.map((s) => s.id);

  beforeEach(async () => {
    store = temp.open({ writerThread: false });
    await seed(store);
  });

  it.each([
    ['', [8, 7, 6, 5, 4, 3, 2, 1]],
    ['~u /v1/', [7, 2, 1]],
    ['~u "users(/\\d+)?$"', [7, 1]],
    ['~u ^http:', [3]],
    ['~d ^api\\.', [7, 2, 1]],
    ['~d example.com', [8, 7, 5, 2, 1]],
    ['~m post', [2]],
    ['method:DELETE', [7]],
    ['host:API.example.com', [7, 2, 1]],
    ['~c 401', [2]],
    ['~c 2xx', [8, 7, 3, 1]],
    ['status:>=400', [4, 2]],
    ['status:<200', [5]],
    ['duration:>1000', [5, 4]],
    ['duration:<=0.1s', [8, 3, 1]],
    ['size:>1mb', [3]],
    ['size:>=2kb', [8, 3]],
    ['~t json', [2, 1]],
    ['~t "^text/html"', [4]],
    ['~h "^authorization: bearer"', [1]],
    ['~hq content-type', []],
    ['~hs content-type', [1]],
    ['~h gzip', [1]],
    ['~b needle', [3, 1]],
    ['~bs needle-in-gzip', [1]],
    ['~bs "brotli-n[e]+dle"', [3]],
    ['~bq password-field', [2]],
    ['~b "\\"secret\\":\\"password"', [2]],
    ['~bq needle', []],
    ['~e', [6]],
    ['~websocket', [5]],
    ['~replay', [4]],
    ['~imported', [8]],
    ['~class web & ~d cdn', [3]],
    ['~class llm', []],
    ['~blocked', []],
    ['~a', [8, 3]],
    ['USERS', [7, 1]],
    ['"example.com/v1"', [7, 2, 1]],
    ['!~d example', [4]],
    ['!status:>=400', [8, 7, 6, 5, 3, 1]],
    ['!~t json', [8, 7, 6, 5, 4, 3]],
    ['~d api users | ~e', [7, 6, 1]],
    ['~d api & !(~m get | ~c 401)', [7]],
  ])('matches %s', (filter, expected) => {
    expect(ids(filter)).toEqual(expected);
    expect(store.countFlows(filter)).toBe(expected.length);
  });

  it('treats % and _ in plain words and simple patterns as themselves', () => {
    expect(ids('%')).toEqual([]);
    expect(ids('~u _')).toEqual([]);
    expect(ids('~u v._')).toEqual([]);
    expect(ids('~u js.v=')).toEqual([3]);
  });

  it('searches what a cut-off body decodes to, and only the first few MiB of a huge one', async () => {
    const text = Buffer.from(`start-marker ${'lorem ipsum '.repeat(100_000)} end-marker`);
    const gzip = zlib.gzipSync(text);
    const huge = zlib.gzipSync(Buffer.concat([Buffer.from('head-marker'), Buffer.alloc(5 * 1024 * 1024, 32), Buffer.from('tail-marker')]));
    const cut = store.allocateFlowId();
    store.enqueueFlow(makeFlow(cut, { url: 'https://big.test/cut', responseEncoding: 'gzip' }), {
      response: await prepareBody(gzip.subarray(0, gzip.length >> 1), { contentEncoding: 'gzip', truncated: true }),
    });
    const bomb = store.allocateFlowId();
    store.enqueueFlow(makeFlow(bomb, { url: 'https://big.test/huge', responseEncoding: 'gzip' }), {
      response: await prepareBody(huge, { contentEncoding: 'gzip', truncated: false }),
    });
    store.flush();
    expect(ids('~bs start-marker')).toEqual([cut]);
    expect(ids('~bs end-marker')).toEqual([]);
    expect(ids('~bs head-marker')).toEqual([bomb]);
    expect(ids('~bs tail-marker')).toEqual([]);
  });

  it('pages a filter across pages, each match once, newest first', () => {
    const seen: number[] = [];
    let cursor: number | undefined;
    let pages = 0;
    for (;;) {
      const page = store.pageSummaries({ filter: '~d example', beforeId: cursor, limit: 2 });
      seen.push(...page.items.map((s) => s.id));
      pages++;
      if (page.nextCursor === null) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual([8, 7, 6, 5, 3, 2, 1]);
    expect(pages).toBe(4);
    expect(store.pageSummaries({ filter: 'status:>=400', beforeId: 4, limit: 5 })).toMatchObject({ items: [{ id: 2, statusCode: 401 }], nextCursor: null });
  });

  it('counts exactly the stats of the matching flows', () => {
    expect(store.trafficStats()).toEqual({
      total: 8,
      errors: 1,
      failed: 2,
      averageDurationMs: (100 + 300 + 50 + 1500 + 60_000 + 120 + 30) / 7,
      byMethod: [{ key: 'GET', count: 6 }, { key: 'DELETE', count: 1 }, { key: 'POST', count: 1 }],
      byStatusClass: [{ key: '1xx', count: 1 }, { key: '2xx', count: 4 }, { key: '4xx', count: 1 }, { key: '5xx', count: 1 }, { key: 'none', count: 1 }],
      byHost: [
        { key: 'api.example.com', count: 3 }, { key: 'cdn.example.net', count: 1 }, { key: 'chat.example.com', count: 1 },
        { key: 'down.example.org', count: 1 }, { key: 'img.example.com', count: 1 }, { key: 'shop.test', count: 1 },
      ],
      byTrafficClass: [{ key: 'web', count: 8 }],
      errorRateByHost: [{ host: 'down.example.org', total: 1, failed: 1, rate: 1 }, { host: 'shop.test', total: 1, failed: 1, rate: 1 }],
      slowest: [
        { id: 5, method: 'GET', host: 'chat.example.com', path: '/ws', durationMs: 60_000, statusCode: 101 },
        { id: 4, method: 'GET', host: 'shop.test', path: '/cart', durationMs: 1500, statusCode: 500 },
        { id: 2, method: 'POST', host: 'api.example.com', path: '/v1/login', durationMs: 300, statusCode: 401 },
        { id: 7, method: 'DELETE', host: 'api.example.com', path: '/v1/users/7', durationMs: 120, statusCode: 204 },
        { id: 1, method: 'GET', host: 'api.example.com', path: '/v1/users', durationMs: 100, statusCode: 200 },
        { id: 3, method: 'GET', host: 'cdn.example.net', path: '/app.js?v=1', durationMs: 50, statusCode: 200 },
        { id: 8, method: 'GET', host: 'img.example.com', path: '/logo.png', durationMs: 30, statusCode: 200 },
      ],
    });
  });

  it('computes stats over a filter only', () => {
    const stats = store.trafficStats('host:api.example.com');
    expect(stats).toMatchObject({
      total: 3,
      errors: 0,
      failed: 0,
      averageDurationMs: (100 + 300 + 120) / 3,
      byMethod: [{ key: 'DELETE', count: 1 }, { key: 'GET', count: 1 }, { key: 'POST', count: 1 }],
      byStatusClass: [{ key: '2xx', count: 2 }, { key: '4xx', count: 1 }],
      byHost: [{ key: 'api.example.com', count: 3 }],
      byTrafficClass: [{ key: 'web', count: 3 }],
      errorRateByHost: [],
    });
    expect(stats.slowest.map((s) => s.id)).toEqual([2, 7, 1]);
    expect(store.trafficStats('~c 999')).toEqual({
      total: 0, errors: 0, failed: 0, averageDurationMs: null, byMethod: [], byStatusClass: [], byHost: [], byTrafficClass: [], errorRateByHost: [], slowest: [],
    });
  });

  it('rejects a filter that does not parse with BAD_FILTER, saying where', () => {
    for (const call of [
      () => store.pageSummaries({ filter: '~c 200 ~x', limit: 10 }),
      () => store.countFlows('(~c 200'),
      () => store.trafficStats('~u "("'),
    ]) {
      expect(call).toThrow(ApiError);
      try {
        call();
      } catch (err) {
        expect((err as ApiError).code).toBe('BAD_FILTER');
        expect((err as ApiError).message).toMatch(/\(at characters \d+-\d+ of the filter\)$/);
      }
    }
  });

  it('keeps injection attempts inert: every value is data, never SQL', () => {
    const attempts = [
      "\"'; DROP TABLE flows; --\"",
      '"\') OR 1=1 --"',
      "~u \"' OR '1'='1\"",
      "~d \"x' OR 1=1 --\"",
      "host:x'OR'1'='1",
      "~h \"'\\); DELETE FROM flows; --\"",
      "~b \"'\\) OR 1=1 --\"",
      'host:x;DROP--',
    ];
    for (const filter of attempts) {
      expect(ids(filter)).toEqual([]);
      expect(store.countFlows(filter)).toBe(0);
    }
    expect(() => store.countFlows("'; DROP TABLE flows; --")).toThrow(/never closed/);
    store.close();
    const db = new Database(temp.file, { readonly: true });
    expect(db.prepare('SELECT count(*) FROM flows').pluck().get()).toBe(8);
    db.close();
  });

  it('works on a read-only connection (the CLI reading while a proxy writes)', () => {
    const reader = temp.open({ readonly: true });
    expect(reader.countFlows('~bs "brotli-needle" | ~h bearer')).toBe(2);
  });
});

describe('slowest flows with more groups than it lists', () => {
  it('finds the same ten as sorting every matching flow would, ties included', () => {
    const store = temp.open({ batchIntervalMs: 60_000 });
    const flows: Flow[] = [];
    for (let i = 0; i < 60; i++) {
      const id = store.allocateFlowId();
      // 20 hosts x 3 methods: many groups, whose maxima tie with flows in other groups.
      const flow = makeFlow(id, {
        url: `https://h${i % 20}.example.com/p${id}`,
        method: ['GET', 'POST', 'PUT'][i % 3]!,
        durationMs: i % 11 === 0 ? null : (i * 37) % 50,
      });
      flows.push(flow);
      store.enqueueFlow(flow);
    }
    store.flush();
    const slowest = (matching: Flow[]) =>
      matching
        .filter((flow) => flow.durationMs !== null)
        .sort((a, b) => b.durationMs! - a.durationMs! || b.id - a.id)
        .slice(0, 10)
        .map((flow) => flow.id);
    expect(store.trafficStats().slowest.map((s) => s.id)).toEqual(slowest(flows));
    const hosts = /^h1\d?\./;
    expect(store.trafficStats('~d "^h1\\d?\\."').slowest.map((s) => s.id)).toEqual(slowest(flows.filter((flow) => hosts.test(flow.host))));
  });
});
