import crypto from 'node:crypto';
import fs from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import type { Flow } from '../../src-shared/model/flow.js';
import { FlowStore } from '../../src-main/store/index.js';
import { useTempStore } from './temp-store.js';

const temp = useTempStore('flowscope-retention-');
const openStore = (options?: Parameters<typeof temp.open>[0]) => temp.open(options);

function makeFlow(id: number, startedAt: number, bodySize = 0): Flow {
  const info = { wireSize: bodySize, decodedSize: bodySize, capturedSize: bodySize, truncated: false, dropped: false, contentType: null, contentEncoding: null };
  return {
    id, kind: 'http', startedAt, endedAt: null, durationMs: null, method: 'GET', url: `http://example.test/${id}`,
    scheme: 'http', host: 'example.test', port: 80, path: `/${id}`, httpVersion: '1.1', statusCode: 200,
    statusMessage: 'OK', requestHeaders: [], responseHeaders: [], requestBody: info, responseBody: info,
    clientIp: null, clientPort: null, serverIp: null, serverPort: null, tls: null, error: null,
    timings: { start: startedAt, dns: null, connect: null, requestBodyReceived: null, responseHeaders: null, end: null, aborted: null, wsAccepted: null, wsClosed: null },
    tags: [],
    source: 'capture',
    replayOf: null,
    trafficClass: 'other',
    blockedBy: null,
    upstreamProxy: null,
  };
}

/** Flows with incompressible 8 KiB response bodies, so the database grows by about 8 KiB each. */
function addFlows(store: FlowStore, count: number, startedAt = Date.now()): void {
  for (let i = 0; i < count; i++) {
    const id = store.allocateFlowId();
    const data = crypto.randomBytes(8 * 1024);
    store.enqueueFlow(makeFlow(id, startedAt, data.length), { response: { storage: 'raw', data, decodedSize: data.length } });
    store.enqueueWsMessage({
      flowId: id, seq: 0, direction: 'server-to-client', type: 'text', time: startedAt, size: 2,
      payload: Buffer.from('hi'), truncated: false, closeCode: null, closeReason: null,
    });
  }
  store.flush();
}

const ids = (store: FlowStore) => store.pageSummaries({ limit: 10_000 }).items.map((s) => s.id);

describe('retention', () => {
  it('keeps the newest maxFlows flows, deleting bodies and messages with the rest', () => {
    const store = openStore();
    addFlows(store, 2_500);
    expect(store.applyRetention({ maxFlows: 1_000 })).toBe(1_500);
    expect(store.countFlows()).toBe(1_000);
    expect(Math.min(...ids(store))).toBe(1_501);
    expect(store.getBody(1_500, 'response')).toBeNull();
    expect(store.getWsMessages(1_500, { limit: 5 })).toEqual([]);
    expect(store.getBody(1_501, 'response')?.bytes.length).toBe(8 * 1024);
    expect(store.applyRetention({ maxFlows: 1_000 })).toBe(0);
  });

  it('deletes flows and events older than maxAgeMs', () => {
    const store = openStore();
    const hourAgo = Date.now() - 3_600_000;
    addFlows(store, 30, hourAgo);
    addFlows(store, 20);
    store.enqueueEvent({ time: hourAgo, type: 'CLIENT_TLS_ERROR', clientIp: null, clientPort: null, host: 'old.test', message: 'old' });
    store.enqueueEvent({ time: Date.now(), type: 'CLIENT_TLS_ERROR', clientIp: null, clientPort: null, host: 'new.test', message: 'new' });
    expect(store.applyRetention({ maxAgeMs: 60_000 })).toBe(30);
    expect(Math.min(...ids(store))).toBe(31);
    expect(store.listEvents({ limit: 5 }).map((e) => e.message)).toEqual(['new']);
  });

  it('keeps the database file under maxDbBytes as capture goes on', () => {
    const store = openStore();
    const cap = 4 * 1024 * 1024;
    const sizes: number[] = [];
    for (let round = 0; round < 6; round++) {
      addFlows(store, 300); // about 2.5 MiB a round
      store.applyRetention({ maxDbBytes: cap });
      sizes.push(fs.statSync(temp.file).size);
    }
    // Without the cap the file would pass 15 MiB; with it, it settles just under the cap.
    for (const size of sizes) expect(size).toBeLessThanOrEqual(cap * 1.1);
    expect(store.countFlows()).toBeGreaterThan(300);
    expect(store.countFlows()).toBeLessThan(600);
    // The WAL comes on top: journal_size_limit cuts it back to 4 MiB after each checkpoint.
    expect(store.stats().dbSizeBytes).toBeLessThanOrEqual(cap * 1.1 + 5 * 1024 * 1024);
  });

  it('shrinks a file that is already over maxDbBytes', () => {
    const store = openStore();
    addFlows(store, 1_000);
    expect(fs.statSync(temp.file).size).toBeGreaterThan(8 * 1024 * 1024);
    store.applyRetention({ maxDbBytes: 2 * 1024 * 1024 });
    expect(fs.statSync(temp.file).size).toBeLessThanOrEqual(2.2 * 1024 * 1024);
  });

  it('runs in the background until disposed', async () => {
    const store = openStore();
    addFlows(store, 3_000);
    const task = store.startRetention({ maxFlows: 100 }, 20);
    await vi.waitFor(() => expect(store.countFlows()).toBe(100), { timeout: 5_000, interval: 20 });
    task.dispose();
    addFlows(store, 50);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(store.countFlows()).toBe(150);
  });

  it('rejects a meaningless cap', () => {
    const store = openStore();
    expect(() => store.applyRetention({ maxFlows: -1 })).toThrow(/maxFlows must be a number of 0 or more/);
  });
});
