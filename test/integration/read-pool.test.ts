import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../src-shared/api/errors.js';
import type { Flow, WsMessage } from '../../src-shared/model/flow.js';
import { prepareBody, ReadPool, type FlowStore } from '../../src-main/store/index.js';
import { useTempStore } from './temp-store.js';

const temp = useTempStore('flowscope-read-pool-');

/** Matches none of the seeded bodies, so a search reads every one of them. */
const SLOW_FILTER = '~b "no-such-(text|words)-anywhere"';
const SEARCHED_BODIES = 3_000;

function makeFlow(id: number, overrides: Partial<Flow> = {}): Flow {
  const start = 1_700_000_000_000 + id * 1000;
  const body = (size: number, contentEncoding: string | null) => ({
    wireSize: size, decodedSize: size, capturedSize: size, truncated: false, dropped: false, contentType: 'text/plain', contentEncoding,
  });
  return {
    id, kind: 'http', startedAt: start, endedAt: start + 20, durationMs: 20 + (id % 7), method: id % 3 ? 'GET' : 'POST',
    url: `https://api${id % 4}.example.com/items/${id}`, scheme: 'https', host: `api${id % 4}.example.com`, port: 443,
    path: `/items/${id}`, httpVersion: '1.1', statusCode: id % 5 ? 200 : 500, statusMessage: null,
    requestHeaders: [['Host', `api${id % 4}.example.com`]], responseHeaders: [['Content-Type', 'text/plain']],
    requestBody: body(0, null), responseBody: body(0, null),
    clientIp: '127.0.0.1', clientPort: 50_000 + id, serverIp: null, serverPort: null, tls: null, error: null,
    timings: { start, dns: null, connect: null, requestBodyReceived: null, responseHeaders: null, end: null, aborted: null, wsAccepted: null, wsClosed: null },
    tags: [],
    ...overrides,
  };
}

function message(flowId: number, seq: number, payload: Buffer): WsMessage {
  return {
    flowId, seq, direction: seq % 2 ? 'server-to-client' : 'client-to-server', type: 'binary', time: 1_700_000_000_000 + seq,
    size: payload.length, payload, truncated: false, closeCode: null, closeReason: null,
  };
}

/** A gzip body, a large plain one (past the Buffer pool, so it is transferred), a WebSocket and events. */
async function seedKnownFlows(store: FlowStore): Promise<void> {
  const gzipped = zlib.gzipSync('{"hello":"gzip"}');
  store.enqueueFlow(makeFlow(store.allocateFlowId(), { responseBody: { ...makeFlow(0).responseBody!, contentEncoding: 'gzip', wireSize: gzipped.length } }), {
    response: await prepareBody(gzipped, { contentEncoding: 'gzip', truncated: false }),
  });
  store.enqueueFlow(makeFlow(store.allocateFlowId()), { request: await prepareBody(crypto.randomBytes(100_000), { contentEncoding: null, truncated: false }) });
  const wsId = store.allocateFlowId();
  store.enqueueFlow(makeFlow(wsId, { kind: 'websocket', scheme: 'wss', statusCode: 101, endedAt: null, durationMs: null }));
  store.enqueueWsMessage(message(wsId, 0, Buffer.from('small one')));
  store.enqueueWsMessage(message(wsId, 1, crypto.randomBytes(20_000)));
  store.enqueueWsMessage(message(wsId, 2, Buffer.from('small two')));
  store.enqueueEvent({ time: Date.now(), type: 'CLIENT_TLS_ERROR', clientIp: '127.0.0.1', clientPort: 1, host: 'a.test', message: 'rejected' });
  store.enqueueEvent({ time: Date.now(), type: 'CLIENT_ERROR', clientIp: null, clientPort: null, host: null, message: 'reset' });
  store.flush();
}

/** Flows with ~20 KB text bodies that compress poorly, so searching them all takes a while. */
async function seedSearchedBodies(store: FlowStore): Promise<void> {
  for (let i = 0; i < SEARCHED_BODIES; i++) {
    const text = crypto.randomBytes(15_000).toString('base64');
    store.enqueueFlow(makeFlow(store.allocateFlowId()), { response: await prepareBody(Buffer.from(text), { contentEncoding: null, truncated: false }) });
    if (i % 500 === 499) store.flush();
  }
  store.flush();
}

async function completionOrder(calls: Record<string, Promise<unknown>>): Promise<string[]> {
  const order: string[] = [];
  await Promise.all(Object.entries(calls).map(([name, call]) => call.then(() => order.push(name))));
  return order;
}

describe('ReadPool', () => {
  let store: FlowStore;
  let pool: ReadPool;

  beforeEach(async () => {
    // Nothing is committed before a flush, so a test knows what the threads can see.
    store = temp.open({ batchIntervalMs: 60_000 });
    await seedKnownFlows(store);
    pool = new ReadPool(temp.file, store);
  });

  afterEach(async () => {
    await pool.dispose();
  });

  it('answers every read as the store itself does, with bodies and payloads as Buffers', async () => {
    expect(await pool.pageSummaries({ limit: 2 })).toEqual(store.pageSummaries({ limit: 2 }));
    expect(await pool.pageSummaries({ filter: 'status:200', beforeId: 3, limit: 10 })).toEqual(store.pageSummaries({ filter: 'status:200', beforeId: 3, limit: 10 }));
    expect(await pool.countFlows()).toBe(3);
    expect(await pool.countFlows('~websocket')).toBe(store.countFlows('~websocket'));
    expect(await pool.trafficStats()).toEqual(store.trafficStats());
    expect(await pool.trafficStats('host:api1.example.com')).toEqual(store.trafficStats('host:api1.example.com'));
    expect(await pool.getFlow(3)).toEqual(store.getFlow(3));
    expect(await pool.getFlow(99)).toBeNull();
    expect(await pool.listEvents({ limit: 10 })).toEqual(store.listEvents({ limit: 10 }));

    const decoded = await pool.getBody(1, 'response');
    expect(Buffer.isBuffer(decoded!.bytes)).toBe(true);
    expect(decoded!.bytes.toString()).toBe('{"hello":"gzip"}');
    expect(decoded).toEqual(store.getBody(1, 'response'));
    expect(await pool.getBody(1, 'response', { decoded: false })).toEqual(store.getBody(1, 'response', { decoded: false }));
    const large = await pool.getBody(2, 'request');
    expect(Buffer.isBuffer(large!.bytes)).toBe(true);
    expect(large).toEqual(store.getBody(2, 'request'));
    expect(await pool.getBody(3, 'request')).toEqual(store.getBody(3, 'request'));
    expect(await pool.getBody(99, 'request')).toBeNull();

    const messages = await pool.getWsMessages(3, { limit: 10 });
    expect(messages.map((m) => m.payload.length)).toEqual([9, 20_000, 9]);
    expect(messages.every((m) => Buffer.isBuffer(m.payload))).toBe(true);
    expect(messages).toEqual(store.getWsMessages(3, { limit: 10 }));
    expect(await pool.getWsMessages(3, { afterSeq: 0, limit: 1 })).toEqual(store.getWsMessages(3, { afterSeq: 0, limit: 1 }));
  });

  it('sees only committed rows, and what is flushed later', async () => {
    const id = store.allocateFlowId();
    store.enqueueFlow(makeFlow(id));
    expect(await pool.getFlow(id)).toBeNull();
    store.flush();
    expect((await pool.getFlow(id))?.id).toBe(id);
  });

  it('passes ApiErrors on with their code, and other errors with their message', async () => {
    const badFilter = await pool.countFlows('status:>=').catch((err: unknown) => err);
    expect(badFilter).toBeInstanceOf(ApiError);
    expect(badFilter).toMatchObject({ code: 'BAD_FILTER', message: expect.stringContaining('at characters') });
    await expect(pool.pageSummaries({ filter: '~u (', limit: 5 })).rejects.toMatchObject({ code: 'BAD_FILTER' });
    // A RangeError becomes BAD_ARGUMENT at a transport; here it already is one.
    await expect(pool.listEvents({ limit: 0 })).rejects.toMatchObject({ code: 'BAD_ARGUMENT', message: 'limit must be a whole number of 1 or more, not 0.' });
    expect(await pool.countFlows()).toBe(3);
  });

  it('answers a page while two slow scans run, and keeps this thread free meanwhile', async () => {
    await seedSearchedBodies(store);
    // Both threads started, so no thread start-up time is part of the order.
    await Promise.all([pool.getFlow(1), pool.getFlow(2)]);
    expect(pool.workers).toHaveLength(2);

    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    let ticksDuringCount = -1;
    const order = await completionOrder({
      count: pool.countFlows(SLOW_FILTER).then((count) => {
        ticksDuringCount = ticks;
        expect(count).toBe(0);
      }),
      stats: pool.trafficStats(SLOW_FILTER).then((stats) => expect(stats.total).toBe(0)),
      page: pool.pageSummaries({ limit: 50 }).then((page) => expect(page.items).toHaveLength(50)),
    });
    clearInterval(timer);
    expect(order[0]).toBe('page');
    expect(ticksDuringCount).toBeGreaterThanOrEqual(3);
  });

  it('rejects the calls of a thread that dies, and answers the next call on a new one', async () => {
    await seedSearchedBodies(store);
    await pool.countFlows();
    const slow = pool.countFlows(SLOW_FILTER);
    const [worker] = pool.workers;
    // Into the scan, so the thread dies inside SQLite's search.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await worker!.terminate();
    await expect(slow).rejects.toThrow(/read thread stopped before answering/);
    expect(await pool.countFlows()).toBe(SEARCHED_BODIES + 3);
    expect(pool.workers).toHaveLength(1);
    expect(pool.workers[0]).not.toBe(worker);
  });

  it('rejects the calls not answered yet on dispose, and every call after it', async () => {
    await seedSearchedBodies(store);
    const closed = "The flow store's reader was closed before the query was answered.";
    const slow = expect(pool.trafficStats(SLOW_FILTER)).rejects.toThrow(closed);
    const quick = expect(pool.getFlow(1)).rejects.toThrow(closed);
    await pool.dispose();
    await slow;
    await quick;
    await expect(pool.getFlow(1)).rejects.toThrow(/is closed/);
    expect(pool.workers).toHaveLength(0);
  });
});
