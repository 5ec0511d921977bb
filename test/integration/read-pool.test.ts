import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../src-shared/api/errors.js';
import type { Flow, WsMessage } from '../../src-shared/model/flow.js';
import { prepareBody, ReadPool, type FlowStore } from '../../src-main/store/index.js';
import { useTempStore } from './temp-store.js';

const temp = useTempStore('flowscope-read-pool-');

/**
 * Backtracks exponentially on the seeded 'aaa…a!' body and header: a query with it never ends
 * within a test, so it is known to be pending for as long as a test needs.
 */
const NEVER_ENDS = '~b "(a+)+$"';
const NEVER_ENDS_HEADERS = '~h "(a+)+$"';
const CATASTROPHIC_TEXT = `${'a'.repeat(64)}!`;

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
    source: 'capture',
    replayOf: null,
    trafficClass: 'other',
    blockedBy: null,
    upstreamProxy: null,
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

/** Flow 4: the body and a header that NEVER_ENDS and NEVER_ENDS_HEADERS cannot finish with. */
async function seedCatastrophicFlow(store: FlowStore): Promise<void> {
  const flow = makeFlow(store.allocateFlowId(), { responseHeaders: [['X-Text', CATASTROPHIC_TEXT]] });
  store.enqueueFlow(flow, { response: await prepareBody(Buffer.from(CATASTROPHIC_TEXT), { contentEncoding: null, truncated: false }) });
  await store.committed();
}

/** How many of the calls have settled so far, either way. */
function settledCount(calls: Array<Promise<unknown>>): () => number {
  let settled = 0;
  for (const call of calls) call.then(() => settled++, () => settled++);
  return () => settled;
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

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

  it('sees only committed rows, and what is committed later', async () => {
    const id = store.allocateFlowId();
    store.enqueueFlow(makeFlow(id));
    store.enqueueWsMessage(message(3, 3, Buffer.from('late')));
    expect(await pool.getFlow(id)).toBeNull();
    await store.committed();
    expect((await pool.getFlow(id))?.id).toBe(id);
    expect((await pool.getWsMessages(3, { afterSeq: 2, limit: 5 })).map((m) => m.payload.toString())).toEqual(['late']);
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

  it('answers pages, flows and bodies while slow scans run, and keeps this thread free meanwhile', async () => {
    await seedCatastrophicFlow(store);
    // Both threads started, so both are idle and either could take the next call.
    await Promise.all([pool.getFlow(1), pool.getFlow(2)]);
    expect(pool.workers).toHaveLength(2);

    // Pages whose filter calls JavaScript for every flow are scans too: they queue with the
    // counts and stats on one thread rather than taking the other.
    const scans = [
      pool.pageSummaries({ filter: NEVER_ENDS, limit: 50 }),
      pool.pageSummaries({ filter: NEVER_ENDS_HEADERS, limit: 50 }),
      pool.countFlows(NEVER_ENDS),
      pool.trafficStats(NEVER_ENDS),
    ];
    const scansSettled = settledCount(scans);
    await nextTurn();
    expect(scansSettled()).toBe(0);

    expect(await pool.pageSummaries({ limit: 50 })).toEqual(store.pageSummaries({ limit: 50 }));
    expect(await pool.pageSummaries({ filter: '~d api1.example.com', limit: 50 })).toEqual(store.pageSummaries({ filter: '~d api1.example.com', limit: 50 }));
    expect(await pool.getFlow(4)).toEqual(store.getFlow(4));
    expect((await pool.getBody(4, 'response'))?.bytes.toString()).toBe(CATASTROPHIC_TEXT);
    expect(scansSettled()).toBe(0);

    await pool.dispose();
    for (const scan of scans) await expect(scan).rejects.toThrow(/closed before the query was answered/);
  });

  it('stops a query that runs past its deadline, blames the filter, and answers the next call on a new thread', async () => {
    await seedCatastrophicFlow(store);
    await pool.dispose();
    pool = new ReadPool(temp.file, store, { deadlineMs: 200 });
    const stuck = pool.countFlows(NEVER_ENDS);
    const queuedBehind = pool.trafficStats();
    const [worker] = pool.workers;
    const exited = new Promise((resolve) => worker!.once('exit', resolve));

    const timedOut = await stuck.catch((err: unknown) => err);
    expect(timedOut).toBeInstanceOf(ApiError);
    expect(timedOut).toMatchObject({
      code: 'BAD_FILTER',
      message: 'This filter took longer than 0.2 s to run over the store; narrow it, e.g. add ~d HOST or a shorter regular expression.',
    });
    await expect(queuedBehind).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: "The flow store's read thread was stopped because another query on it ran longer than 0.2 s. Ask again: a new thread takes over.",
    });
    await exited;
    expect(pool.workers).not.toContain(worker);

    expect(await pool.trafficStats()).toEqual(store.trafficStats());
    expect(await pool.countFlows('~d api1.example.com')).toBe(store.countFlows('~d api1.example.com'));
    expect(pool.workers).toHaveLength(1);
    expect(pool.workers[0]).not.toBe(worker);
  });

  it('rejects the calls of a thread that dies, and answers the next call on a new one', async () => {
    await seedCatastrophicFlow(store);
    await pool.countFlows();
    const stuck = pool.countFlows(NEVER_ENDS);
    const [worker] = pool.workers;
    // The call cannot have been answered, whether the thread is inside the search yet or not.
    await worker!.terminate();
    await expect(stuck).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(/read thread stopped before answering.*Ask again/) });
    expect(await pool.countFlows()).toBe(4);
    expect(pool.workers).toHaveLength(1);
    expect(pool.workers[0]).not.toBe(worker);
  });

  it('rejects the calls not answered yet on dispose, and every call after it', async () => {
    await seedCatastrophicFlow(store);
    const closed = "The flow store's reader was closed before the query was answered.";
    const slow = expect(pool.trafficStats(NEVER_ENDS)).rejects.toThrow(closed);
    const quick = expect(pool.getFlow(1)).rejects.toThrow(closed);
    await pool.dispose();
    await slow;
    await quick;
    await expect(pool.getFlow(1)).rejects.toThrow(/is closed/);
    expect(pool.workers).toHaveLength(0);
  });
});
