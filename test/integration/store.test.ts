import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { Flow, WsMessage } from '../../src-shared/model/flow.js';
import { FlowStore, prepareBody } from '../../src-main/store/index.js';
import { waitFor } from './harness.js';
import { useTempStore } from './temp-store.js';

const temp = useTempStore('flowscope-store-');
const openStore = (options?: Parameters<typeof temp.open>[0]) => temp.open(options);

function makeFlow(id: number, overrides: Partial<Flow> = {}): Flow {
  const start = 1_700_000_000_000.25 + id;
  return {
    id,
    kind: 'http',
    startedAt: start,
    endedAt: start + 12.5,
    durationMs: 12.5,
    method: 'POST',
    url: `https://api.example.com:8443/v1/items?id=${id}`,
    scheme: 'https',
    host: 'api.example.com',
    port: 8443,
    path: `/v1/items?id=${id}`,
    httpVersion: '1.1',
    statusCode: 201,
    statusMessage: 'Created',
    requestHeaders: [['Host', 'api.example.com:8443'], ['Cookie', 'a=1'], ['cookie', 'b=2'], ['Content-Encoding', 'gzip']],
    responseHeaders: [['Set-Cookie', 'x=1'], ['Set-Cookie', 'y=2'], ['Content-Type', 'application/json']],
    requestBody: { wireSize: 40, decodedSize: 100, capturedSize: 40, truncated: false, dropped: false, contentType: 'application/json', contentEncoding: 'gzip' },
    responseBody: { wireSize: 5000, decodedSize: 5000, capturedSize: 5000, truncated: false, dropped: false, contentType: 'application/json', contentEncoding: null },
    clientIp: '127.0.0.1',
    clientPort: 51234,
    serverIp: '93.184.216.34',
    serverPort: 8443,
    tls: { sni: 'api.example.com', protocol: 'TLSv1.3' },
    error: null,
    timings: {
      start, dns: start + 1, connect: start + 2.5, requestBodyReceived: start + 3, responseHeaders: start + 10,
      end: start + 12.5, aborted: null, wsAccepted: null, wsClosed: null,
    },
    tags: ['engine:abc-123', 'replay'],
    source: 'capture',
    replayOf: null,
    trafficClass: 'other',
    blockedBy: null,
    upstreamProxy: null,
    ...overrides,
  };
}

function makeMessage(flowId: number, seq: number, overrides: Partial<WsMessage> = {}): WsMessage {
  return {
    flowId, seq, direction: seq % 2 ? 'server-to-client' : 'client-to-server', type: 'text',
    time: 1_700_000_000_100.5 + seq, size: 5, payload: Buffer.from(`msg-${seq}`), truncated: false,
    closeCode: null, closeReason: null, ...overrides,
  };
}

describe('FlowStore', () => {
  it('records migrations once and applies none again on reopen', () => {
    openStore().close();
    openStore().close();
    const db = new Database(temp.file, { readonly: true });
    expect(db.prepare('SELECT id, name FROM migrations').all()).toEqual([{ id: 1, name: 'initial' }, { id: 2, name: 'message_chunks' }, { id: 3, name: 'brotli_bodies' }, { id: 4, name: 'compressed_chunks' }, { id: 5, name: 'flow_source' }, { id: 6, name: 'flow_policy' }]);
    expect(db.pragma('auto_vacuum', { simple: true })).toBe(2);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('refuses a store written by a newer Flowscope', () => {
    openStore().close();
    const db = new Database(temp.file);
    db.prepare("INSERT INTO migrations (id, name, applied_at) VALUES (99, 'future', 0)").run();
    db.close();
    expect(() => FlowStore.open(temp.file)).toThrow(/newer version of Flowscope/);
  });

  it('gives back a flow field by field as enqueued, with its messages and events', () => {
    const store = openStore();
    const id = store.allocateFlowId();
    const flow = makeFlow(id);
    const failed = makeFlow(store.allocateFlowId(), {
      statusCode: null, statusMessage: null, responseHeaders: null, responseBody: null, endedAt: null, durationMs: null,
      clientIp: null, clientPort: null, serverIp: null, serverPort: null, tls: { sni: null, protocol: null },
      error: { type: 'CONNECTION_REFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1' }, tags: [],
    });
    const plain = makeFlow(store.allocateFlowId(), { tls: null, scheme: 'http' });
    for (const f of [flow, failed, plain]) store.enqueueFlow(f);
    store.enqueueWsMessage(makeMessage(plain.id, 0));
    store.enqueueWsMessage(makeMessage(plain.id, 1, { type: 'binary', payload: new Uint8Array([0, 255, 7]), size: 10, truncated: true }));
    store.enqueueWsMessage(makeMessage(plain.id, 2, { type: 'close', payload: Buffer.alloc(0), size: 0, closeCode: 1000, closeReason: 'bye' }));
    store.enqueueEvent({ time: 1.5, type: 'CLIENT_TLS_ERROR', clientIp: '10.0.0.2', clientPort: 4000, host: 'x.test', message: 'bad cert' });
    store.flush();
    store.close();

    const again = openStore({ readonly: true });
    expect(again.getFlow(flow.id)).toStrictEqual(flow);
    expect(again.getFlow(failed.id)).toStrictEqual(failed);
    expect(again.getFlow(plain.id)).toStrictEqual(plain);
    expect(again.getFlow(999)).toBeNull();
    const messages = again.getWsMessages(plain.id, { limit: 10 });
    expect(messages.map((m) => ({ ...m, payload: [...m.payload] }))).toEqual([
      { ...makeMessage(plain.id, 0), payload: [...Buffer.from('msg-0')] },
      { ...makeMessage(plain.id, 1, { type: 'binary', size: 10, truncated: true }), payload: [0, 255, 7] },
      { ...makeMessage(plain.id, 2, { type: 'close', size: 0, closeCode: 1000, closeReason: 'bye' }), payload: [] },
    ]);
    expect(again.getWsMessages(plain.id, { afterSeq: 0, limit: 1 }).map((m) => m.seq)).toEqual([1]);
    expect(again.pageSummaries({ limit: 10 }).items.find((s) => s.id === plain.id)?.messageCount).toBe(3);
    expect(again.listEvents({ limit: 10 })).toEqual([
      { id: 1, time: 1.5, type: 'CLIENT_TLS_ERROR', clientIp: '10.0.0.2', clientPort: 4000, host: 'x.test', message: 'bad cert' },
    ]);
  });

  it('upserts a WebSocket flow written on accept and again on close, keeping its messages', () => {
    const store = openStore();
    const id = store.allocateFlowId();
    const accepted = makeFlow(id, { kind: 'websocket', scheme: 'wss', method: 'GET', statusCode: 101, endedAt: null, durationMs: null });
    store.enqueueFlow(accepted);
    for (let seq = 0; seq < 4; seq++) store.enqueueWsMessage(makeMessage(id, seq));
    store.flush();
    const closed = { ...accepted, endedAt: accepted.startedAt + 900, durationMs: 900, tags: ['closed'] };
    store.enqueueFlow(closed);
    store.enqueueWsMessage(makeMessage(id, 4));
    store.flush();
    expect(store.getFlow(id)).toStrictEqual(closed);
    expect(store.countFlows()).toBe(1);
    expect(store.pageSummaries({ limit: 5 }).items[0]).toMatchObject({ id, kind: 'websocket', messageCount: 5, statusCode: 101 });
  });

  it('pages 2,500 flows newest first, every id exactly once', () => {
    const store = openStore();
    for (let i = 0; i < 2_500; i++) store.enqueueFlow(makeFlow(store.allocateFlowId()));
    store.flush();
    const seen: number[] = [];
    let cursor: number | undefined;
    for (;;) {
      const page = store.pageSummaries({ beforeId: cursor, limit: 300 });
      seen.push(...page.items.map((s) => s.id));
      if (page.nextCursor === null) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(Array.from({ length: 2_500 }, (_, i) => 2_500 - i));
    expect(store.pageSummaries({ limit: 1 }).items[0]).toEqual({
      id: 2_500, kind: 'http', startedAt: 1_700_000_002_500.25, durationMs: 12.5, method: 'POST', scheme: 'https',
      host: 'api.example.com', port: 8443, path: '/v1/items?id=2500', statusCode: 201,
      responseContentType: 'application/json', responseSize: 5000, errorType: null, messageCount: 0, source: 'capture', replayOf: null, trafficClass: 'other', blocked: false,
    });
    expect(() => store.pageSummaries({ limit: 0 })).toThrow(RangeError);
  });

  it('continues ids after the largest stored one when reopened', () => {
    const store = openStore();
    store.enqueueFlow(makeFlow(41));
    store.close();
    expect(openStore().allocateFlowId()).toBe(42);
  });

  it('lets a read-only connection read committed flows while the writer is open', () => {
    const writer = openStore();
    const reader = openStore({ readonly: true });
    writer.enqueueFlow(makeFlow(writer.allocateFlowId()));
    expect(reader.countFlows()).toBe(0);
    writer.flush();
    expect(reader.countFlows()).toBe(1);
    expect(reader.getFlow(1)?.host).toBe('api.example.com');
    expect(() => reader.enqueueFlow(makeFlow(2))).toThrow(/read-only/);
  });

  it('says plainly when a read-only store does not exist', () => {
    expect(() => FlowStore.open(path.join(temp.dir, 'missing.db'), { readonly: true })).toThrow(/There is no flow store at/);
  });

  it('stores bodies once and gives them back decoded or as sent', async () => {
    const store = openStore();
    const json = Buffer.from(JSON.stringify({ items: Array.from({ length: 500 }, (_, i) => ({ i })) }));
    const gz = zlib.gzipSync(json);
    const id = store.allocateFlowId();
    const flow = makeFlow(id, {
      requestBody: { wireSize: gz.length, decodedSize: json.length, capturedSize: gz.length, truncated: false, dropped: false, contentType: 'application/json', contentEncoding: 'gzip' },
      responseBody: { wireSize: json.length, decodedSize: json.length, capturedSize: json.length, truncated: false, dropped: false, contentType: 'application/json', contentEncoding: null },
    });
    store.enqueueFlow(flow, {
      request: await prepareBody(gz, { contentEncoding: 'gzip', truncated: false }),
      response: await prepareBody(json, { contentEncoding: null, truncated: false }),
    });
    store.flush();
    expect(store.getBody(id, 'request')).toEqual({ bytes: json, truncated: false, contentEncoding: 'gzip', decoded: true });
    expect(store.getBody(id, 'request', { decoded: false })).toEqual({ bytes: gz, truncated: false, contentEncoding: 'gzip', decoded: false });
    expect(store.getBody(id, 'response')).toEqual({ bytes: json, truncated: false, contentEncoding: null, decoded: true });
    const row = new Database(temp.file, { readonly: true }).prepare('SELECT storage, length(data) AS n FROM bodies WHERE side = ?');
    expect(row.get('response')).toEqual({ storage: 'br', n: expect.any(Number) });
    expect((row.get('response') as { n: number }).n).toBeLessThan(json.length / 5);
    row.database.close();

    const cut = gz.subarray(0, 100);
    const truncated = makeFlow(store.allocateFlowId(), {
      responseBody: { wireSize: gz.length, decodedSize: null, capturedSize: 100, truncated: true, dropped: false, contentType: null, contentEncoding: 'gzip' },
    });
    store.enqueueFlow(truncated, { response: await prepareBody(cut, { contentEncoding: 'gzip', truncated: true }) });
    store.flush();
    expect(store.getBody(truncated.id, 'response')).toEqual({
      bytes: cut, truncated: true, contentEncoding: 'gzip', decoded: false, decodeError: expect.stringContaining('first 100 bytes'),
    });
    const noResponse = makeFlow(store.allocateFlowId(), { responseBody: null });
    store.enqueueFlow(noResponse);
    store.flush();
    expect(store.getBody(noResponse.id, 'response')).toBeNull();
    expect(store.getBody(12345, 'request')).toBeNull();
  });

  it('clears every flow, body, message and event, queued ones included', async () => {
    const store = openStore();
    const id = store.allocateFlowId();
    const random = crypto.randomBytes(2 * 1024 * 1024);
    store.enqueueFlow(makeFlow(id), { response: await prepareBody(random, { contentEncoding: null, truncated: false }) });
    store.enqueueWsMessage(makeMessage(id, 0));
    store.enqueueEvent({ time: 1, type: 'CLIENT_ERROR', clientIp: null, clientPort: null, host: null, message: 'x' });
    store.flush();
    expect(store.stats().dbSizeBytes).toBeGreaterThan(2 * 1024 * 1024);
    store.enqueueFlow(makeFlow(store.allocateFlowId()));
    store.clear();
    store.flush();
    // The freed pages go back to the disk in the background, a step per turn of the event loop.
    await waitFor(() => fs.statSync(temp.file).size < 256 * 1024, 'the file to shrink after clear');
    expect(store.countFlows()).toBe(0);
    expect(store.listEvents({ limit: 5 })).toEqual([]);
    expect(store.getWsMessages(id, { limit: 5 })).toEqual([]);
    expect(store.stats()).toMatchObject({ queued: 0, flowCount: 0 });
    expect(store.allocateFlowId()).toBe(id + 2);
  });

  it('closes idempotently, and counts what arrives after close as dropped', () => {
    const store = openStore();
    store.close();
    store.close();
    store.enqueueFlow(makeFlow(1));
    expect(() => store.stats()).toThrow(/closed/);
  });
});
