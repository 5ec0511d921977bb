import crypto from 'node:crypto';
import type Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import type { Flow, WsMessage } from '../../src-shared/model/flow.js';
import { FlowStore, type PreparedBody } from '../../src-main/store/index.js';
import { useTempStore } from './temp-store.js';

const temp = useTempStore('flowscope-writer-');
const openStore = (options?: Parameters<typeof temp.open>[0]) => temp.open(options);

const body = (size: number): PreparedBody => ({ storage: 'raw', data: crypto.randomBytes(size), decodedSize: size });

function makeFlow(id: number, bodySize = 0): Flow {
  const info = { wireSize: bodySize, decodedSize: bodySize, capturedSize: bodySize, truncated: false, dropped: false, contentType: null, contentEncoding: null };
  return {
    id, kind: 'http', startedAt: 1_700_000_000_000 + id, endedAt: null, durationMs: null, method: 'GET',
    url: `http://example.test/${id}`, scheme: 'http', host: 'example.test', port: 80, path: `/${id}`, httpVersion: '1.1',
    statusCode: 200, statusMessage: 'OK', requestHeaders: [['Host', 'example.test']], responseHeaders: [],
    requestBody: info, responseBody: info, clientIp: null, clientPort: null, serverIp: null, serverPort: null,
    tls: null, error: null,
    timings: { start: 0, dns: null, connect: null, requestBodyReceived: null, responseHeaders: null, end: null, aborted: null, wsAccepted: null, wsClosed: null },
    tags: [],
    source: 'capture',
    replayOf: null,
    trafficClass: 'other',
    blockedBy: null,
    upstreamProxy: null,
  };
}

function message(flowId: number, seq: number, payloadSize: number): WsMessage {
  return {
    flowId, seq, direction: 'client-to-server', type: 'binary', time: 1, size: payloadSize,
    payload: crypto.randomBytes(payloadSize), truncated: false, closeCode: null, closeReason: null,
  };
}

/** Fault injection: max_page_count is per connection, so it has to be set on the store's own. */
function connectionOf(store: FlowStore): Database.Database {
  return (store as unknown as { db: Database.Database }).db;
}

describe('batched writer', () => {
  it('never writes inside enqueue, and commits everything on flush', () => {
    const store = openStore({ batchSize: 500 });
    const reader = openStore({ readonly: true });
    for (let i = 0; i < 1_200; i++) store.enqueueFlow(makeFlow(store.allocateFlowId()));
    expect(reader.countFlows()).toBe(0);
    expect(store.stats().queued).toBe(1_200);
    store.flush();
    expect(reader.countFlows()).toBe(1_200);
    expect(store.stats().queued).toBe(0);
  });

  it('commits on its own within the batch interval, without flush', async () => {
    const store = openStore({ batchIntervalMs: 50 });
    const reader = openStore({ readonly: true });
    for (let i = 0; i < 10; i++) store.enqueueFlow(makeFlow(store.allocateFlowId()));
    // The timer, not a flush, commits them (the generous timeout is for busy CI machines).
    await vi.waitFor(() => expect(reader.countFlows()).toBe(10), { timeout: 3_000, interval: 5 });
  });

  it('commits a full batch on the next turn of the event loop', async () => {
    const store = openStore({ batchSize: 100, batchIntervalMs: 10_000 });
    const reader = openStore({ readonly: true });
    for (let i = 0; i < 250; i++) store.enqueueFlow(makeFlow(store.allocateFlowId()));
    // Two full batches go to the writer at once; the last 50 wait for the (long) interval.
    await vi.waitFor(() => expect(reader.countFlows()).toBe(200), { timeout: 3_000, interval: 5 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(reader.countFlows()).toBe(200);
  });

  it('drops bodies and payloads first when over the byte bound, and counts them', () => {
    const store = openStore({ maxQueueBytes: 10_000 });
    for (let i = 0; i < 5; i++) {
      const id = store.allocateFlowId();
      store.enqueueFlow(makeFlow(id, 4_000), { request: body(4_000) });
    }
    store.enqueueWsMessage(message(1, 0, 4_000));
    expect(store.stats()).toMatchObject({ queued: 6, queuedBytes: 8_000, dropped: { flows: 0, bodies: 4, messages: 0, events: 0 } });
    store.flush();
    expect(store.getFlow(2)?.requestBody).toMatchObject({ dropped: false, capturedSize: 4_000 });
    expect(store.getFlow(3)?.requestBody).toMatchObject({ dropped: true, capturedSize: 0, wireSize: 4_000 });
    expect(store.getBody(2, 'request')?.bytes.length).toBe(4_000);
    expect(store.getBody(3, 'request')).toMatchObject({ bytes: Buffer.alloc(0), decodeError: expect.stringContaining('queue was full') });
    expect(store.getWsMessages(1, { limit: 5 })).toMatchObject([{ size: 4_000, truncated: true, payload: Buffer.alloc(0) }]);
    expect(store.stats()).toMatchObject({ queued: 0, queuedBytes: 0, flowCount: 5 });
  });

  it('drops whole records only when over the item bound, counted by kind', () => {
    const store = openStore({ maxQueueItems: 5 });
    for (let i = 0; i < 8; i++) store.enqueueFlow(makeFlow(store.allocateFlowId()));
    store.enqueueWsMessage(message(1, 0, 10));
    store.enqueueEvent({ time: 1, type: 'CLIENT_ERROR', clientIp: null, clientPort: null, host: null, message: 'x' });
    expect(store.stats().dropped).toEqual({ flows: 3, bodies: 0, messages: 1, events: 1 });
    store.flush();
    expect(store.countFlows()).toBe(5);
  });

  it('writes a flow as it was when enqueued, even if capture changes the object later', () => {
    const store = openStore();
    const flow = makeFlow(store.allocateFlowId());
    store.enqueueFlow(flow);
    flow.statusCode = 500;
    flow.requestHeaders.push(['X-Late', '1']);
    store.flush();
    expect(store.getFlow(flow.id)).toMatchObject({ statusCode: 200, requestHeaders: [['Host', 'example.test']] });
  });

  it('skips and counts a record the database rejects, without blocking the rest', () => {
    const store = openStore();
    store.enqueueWsMessage(message(77, 0, 10)); // its flow was never written
    store.enqueueFlow(makeFlow(store.allocateFlowId()));
    store.flush();
    expect(store.stats()).toMatchObject({ queued: 0, flowCount: 1, lastWriteError: null, dropped: { messages: 1 } });
  });

  it('keeps what it cannot write when the disk is full, says so, and commits it once there is room', async () => {
    // In this thread, so the fault can be injected on the writing connection itself.
    const store = openStore({ maxQueueItems: 300, batchSize: 100, batchIntervalMs: 10, writerThread: false });
    for (let i = 0; i < 10; i++) store.enqueueFlow(makeFlow(store.allocateFlowId()));
    store.flush();
    const db = connectionOf(store);
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);

    for (let i = 0; i < 500; i++) store.enqueueFlow(makeFlow(store.allocateFlowId(), 2_000), { response: body(2_000) });
    store.flush();
    const failing = store.stats();
    expect(failing).toMatchObject({ queued: 300, flowCount: 10, dropped: { flows: 200, bodies: 0 } });
    expect(failing.lastWriteError).toMatchObject({ code: 'SQLITE_FULL', at: expect.any(Number) });
    expect(failing.lastWriteError?.message).toBe(
      `The disk holding ${temp.file} is full; captured flows are being kept in memory and dropped beyond 300 records ` +
        'or 64 MiB of bodies. Free space or set a retention cap.',
    );
    // Committed flows stay readable while writes fail.
    expect(store.getFlow(10)?.path).toBe('/10');
    expect(store.pageSummaries({ limit: 3 }).items.map((s) => s.id)).toEqual([10, 9, 8]);

    db.pragma('max_page_count = 1073741823');
    await vi.waitFor(() => expect(store.stats().queued).toBe(0), { timeout: 3_000, interval: 20 });
    expect(store.stats()).toMatchObject({ lastWriteError: null, flowCount: 310 });
    expect(store.getBody(310, 'response')?.bytes.length).toBe(2_000);
  });

  // Its speed is measured by `npm run bench`, not asserted here.
  it('commits every one of 20,000 flows with bodies', () => {
    const store = openStore();
    const bodies = Array.from({ length: 64 }, () => body(1_024));
    const count = 20_000;
    for (let i = 0; i < count; i++) {
      store.enqueueFlow(makeFlow(store.allocateFlowId(), 1_024), { request: bodies[i % 64], response: bodies[(i + 1) % 64] });
    }
    store.flush();
    expect(store.countFlows()).toBe(count);
    expect(store.getBody(count, 'response')?.bytes.length).toBe(1_024);
  });

  it('commits on a writer thread, and falls back to this thread if that thread dies', async () => {
    const store = openStore({ batchIntervalMs: 60_000 });
    const reader = openStore({ readonly: true });
    const committer = (store as unknown as { writable: { writer: { committer: { worker?: { terminate(): Promise<number> } } } } })
      .writable.writer.committer;
    expect(committer.worker).toBeDefined();
    for (let i = 0; i < 20; i++) store.enqueueFlow(makeFlow(store.allocateFlowId()));
    store.flush();
    expect(reader.countFlows()).toBe(20);

    for (let i = 0; i < 20; i++) store.enqueueFlow(makeFlow(store.allocateFlowId()));
    const committed = store.committed();
    // Whether the thread took the batch before it died or not, the batch is committed once.
    const terminated = committer.worker!.terminate();
    await committed;
    expect(reader.countFlows()).toBe(40);
    await terminated;
    for (let i = 0; i < 20; i++) store.enqueueFlow(makeFlow(store.allocateFlowId()));
    await store.committed();
    expect(reader.countFlows()).toBe(60);
    expect(store.stats()).toMatchObject({ queued: 0, lastWriteError: null });
  });

  it('stores a long WebSocket conversation in chunks and pages it back exactly', () => {
    const store = openStore();
    const flowId = store.allocateFlowId();
    store.enqueueFlow({ ...makeFlow(flowId), kind: 'websocket', scheme: 'ws' });
    const sent: WsMessage[] = [];
    for (let seq = 0; seq < 2_000; seq++) {
      const m = seq === 1_999
        ? { ...message(flowId, seq, 3), type: 'close' as const, direction: 'server-to-client' as const, closeCode: 4000, closeReason: 'bye ✓' }
        : message(flowId, seq, 1_024);
      sent.push(m);
      store.enqueueWsMessage(m);
      if (seq === 700) store.flush(); // a chunk handed to the writer mid-conversation is closed
    }
    store.flush();
    const chunks = connectionOf(store).prepare('SELECT count(*) FROM ws_message_chunks WHERE flow_id = ?').pluck().get(flowId) as number;
    expect(chunks).toBeGreaterThan(2); // 2 MB of payloads do not fit one chunk

    const read: WsMessage[] = [];
    for (let page = store.getWsMessages(flowId, { limit: 300 }); page.length > 0; page = store.getWsMessages(flowId, { afterSeq: read.at(-1)!.seq, limit: 300 })) {
      expect(page.length).toBeLessThanOrEqual(300);
      read.push(...page);
    }
    expect(read.map((m) => m.seq)).toEqual(sent.map((m) => m.seq));
    expect(read.map((m) => Buffer.from(m.payload).toString('hex'))).toEqual(sent.map((m) => Buffer.from(m.payload).toString('hex')));
    expect(read.at(-1)).toMatchObject({ type: 'close', direction: 'server-to-client', closeCode: 4000, closeReason: 'bye ✓' });
    expect(read[0]).toMatchObject({ type: 'binary', closeCode: null, closeReason: null, truncated: false });
    expect(store.pageSummaries({ limit: 1 }).items[0]!.messageCount).toBe(2_000);
  });

  it('compresses WebSocket chunks that shrink, keeps the others raw, and reads both back exactly', () => {
    const store = openStore();
    const json = store.allocateFlowId();
    const noise = store.allocateFlowId();
    store.enqueueFlow({ ...makeFlow(json), kind: 'websocket', scheme: 'ws' });
    store.enqueueFlow({ ...makeFlow(noise), kind: 'websocket', scheme: 'ws' });
    const sent = new Map<number, WsMessage[]>([[json, []], [noise, []]]);
    for (let seq = 0; seq < 200; seq++) {
      const text = JSON.stringify({ seq, type: 'tick', symbol: 'BTC-USD', price: (30_000 + Math.sin(seq) * 100).toFixed(2) });
      const messages = [
        { ...message(json, seq, 0), type: 'text' as const, payload: Buffer.from(text), size: text.length },
        message(noise, seq, 200),
      ];
      for (const m of messages) {
        sent.get(m.flowId)!.push(m);
        store.enqueueWsMessage(m);
      }
    }
    store.flush();
    const storage = connectionOf(store).prepare('SELECT storage FROM ws_message_chunks WHERE flow_id = ?').pluck();
    expect(storage.all(json)).toEqual(['br']);
    expect(storage.all(noise)).toEqual(['raw']);
    for (const [flowId, messages] of sent) {
      const read = store.getWsMessages(flowId, { limit: 1_000 });
      expect(read.map((m) => Buffer.from(m.payload).toString('hex'))).toEqual(messages.map((m) => Buffer.from(m.payload).toString('hex')));
      expect(read.map((m) => m.type)).toEqual(messages.map((m) => m.type));
    }
  });
});

describe('committed()', () => {
  const enqueueSome = (store: FlowStore, flows: number): void => {
    for (let i = 0; i < flows; i++) store.enqueueFlow(makeFlow(store.allocateFlowId(), 100), { response: body(100) });
  };

  it.each([
    ['on the writer thread', true],
    ['in this thread', false],
  ])('resolves once what was enqueued before it is committed, without waiting for the batch interval (%s)', async (_, writerThread) => {
    // Only committed() can make these rows visible soon: the interval is a minute and no batch fills.
    const store = openStore({ batchIntervalMs: 60_000, batchSize: 500, writerThread });
    const reader = openStore({ readonly: true });
    enqueueSome(store, 1_200);
    const flowId = store.allocateFlowId();
    store.enqueueFlow({ ...makeFlow(flowId), kind: 'websocket', scheme: 'ws' });
    store.enqueueWsMessage(message(flowId, 0, 10));
    store.enqueueEvent({ time: 1, type: 'CLIENT_ERROR', clientIp: null, clientPort: null, host: null, message: 'reset' });
    const committed = store.committed();
    // It returned without committing anything on this thread.
    expect(reader.countFlows()).toBe(0);
    store.enqueueWsMessage(message(flowId, 1, 10)); // joins the open chunk: committed with it

    await committed;
    expect(reader.countFlows()).toBe(1_201);
    expect(reader.getWsMessages(flowId, { limit: 5 }).map((m) => m.seq)).toEqual([0, 1]);
    expect(reader.listEvents({ limit: 5 })).toMatchObject([{ type: 'CLIENT_ERROR', message: 'reset' }]);
    expect(store.stats()).toMatchObject({ queued: 0, lastWriteError: null });
  });

  it('resolves at once when nothing is queued, also on a read-only store', async () => {
    const store = openStore();
    await store.committed();
    enqueueSome(store, 3);
    store.flush();
    await store.committed();
    await openStore({ readonly: true }).committed();
    expect(store.stats()).toMatchObject({ queued: 0, flowCount: 3 });
  });

  it('rejects with the reason while the disk is full, and resolves once there is room', async () => {
    const store = openStore({ maxQueueItems: 300, batchSize: 100, batchIntervalMs: 60_000, writerThread: false });
    const reader = openStore({ readonly: true });
    enqueueSome(store, 10);
    await store.committed();
    const db = connectionOf(store);
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);

    for (let i = 0; i < 200; i++) store.enqueueFlow(makeFlow(store.allocateFlowId(), 2_000), { response: body(2_000) });
    const full = await store.committed().catch((err: unknown) => err);
    expect(full).toMatchObject({
      code: 'UNAVAILABLE',
      message: `The disk holding ${temp.file} is full; captured flows are being kept in memory and dropped beyond 300 records ` +
        'or 64 MiB of bodies. Free space or set a retention cap.',
    });
    expect(store.stats()).toMatchObject({ queued: 200, flowCount: 10, lastWriteError: { code: 'SQLITE_FULL' } });
    // Still full: each call tries again and says so.
    await expect(store.committed()).rejects.toMatchObject({ code: 'UNAVAILABLE' });

    db.pragma('max_page_count = 1073741823');
    await store.committed();
    expect(reader.countFlows()).toBe(210);
    expect(store.stats()).toMatchObject({ queued: 0, lastWriteError: null });
  });

  it('resolves when clear() discards what it waited for, and when the store closes', async () => {
    const store = openStore({ batchIntervalMs: 60_000 });
    const reader = openStore({ readonly: true });
    enqueueSome(store, 50);
    const cleared = store.committed();
    store.clear();
    await cleared;
    expect(reader.countFlows()).toBe(0);
    expect(store.stats()).toMatchObject({ queued: 0, dropped: { flows: 0 } });

    enqueueSome(store, 5);
    const closing = store.committed();
    store.close();
    await closing;
    expect(reader.countFlows()).toBe(5);
  });
});
