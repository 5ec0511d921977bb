/**
 * The queries behind the flow list and the stats view, on a store of a million flows: the list
 * must feel the same as with a hundred (ARCHITECTURE.md). Seeds rows straight into SQLite (capture
 * would take many minutes to write as many), then times what the UI asks for.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { FlowStore, ReadPool } from '../../src-main/store/index.js';
import type { FlowRow } from '../../src-main/store/rows.js';

const FLOWS = 1_000_000;
const ROWS_PER_INSERT = 200;
const HOSTS = Array.from({ length: 60 }, (_, i) => (i === 0 ? 'api.example.com' : i === 1 ? 'cdn.example.net' : `service-${i}.example.org`));
const PATHS = ['/v1/users', '/v1/items', '/v1/login', '/static/app.js', '/static/style.css', '/img/logo.png', '/graphql', '/health'];
const TYPES = ['application/json', 'application/javascript', 'text/css', 'image/png', 'text/html; charset=utf-8'];

/** A fixed sequence, so every run measures the same data. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function pick<T>(items: readonly T[], r: number): T {
  return items[Math.floor(r * items.length)]!;
}

function realisticRow(id: number, next: () => number): FlowRow {
  // Busy hosts first: api.example.com gets about a fifth of the traffic, the tail a little each.
  const host = HOSTS[Math.min(HOSTS.length - 1, Math.floor(HOSTS.length * next() ** 3))]!;
  const path = `${pick(PATHS, next())}?page=${id % 50}`;
  const r = next();
  const failed = r < 0.01;
  const status = failed ? null : r < 0.75 ? 200 : r < 0.83 ? 304 : r < 0.88 ? 201 : r < 0.93 ? 404 : r < 0.96 ? 401 : r < 0.985 ? 500 : 502;
  const type = pick(TYPES, next());
  const size = Math.floor(next() ** 4 * 3_000_000);
  const start = 1_700_000_000_000 + id * 37;
  const duration = failed ? null : Math.round(5 + next() ** 6 * 5_000);
  return {
    id, kind: 'http', started_at: start, ended_at: duration === null ? null : start + duration, duration_ms: duration,
    method: next() < 0.8 ? 'GET' : pick(['POST', 'PUT', 'DELETE', 'PATCH'], next()),
    url: `https://${host}${path}`, scheme: 'https', host, port: 443, path, http_version: '1.1',
    status_code: status, status_message: null,
    request_headers: JSON.stringify([['Host', host], ['User-Agent', 'Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0'], ['Accept', '*/*'], ['Accept-Encoding', 'gzip, br']]),
    response_headers: status === null ? null : JSON.stringify([['Content-Type', type], ['Content-Length', String(size)], ['Cache-Control', 'no-cache']]),
    request_wire_size: 0, request_decoded_size: 0, request_captured_size: 0, request_truncated: 0, request_dropped: 0,
    request_content_type: null, request_content_encoding: null,
    response_wire_size: status === null ? null : size, response_decoded_size: status === null ? null : size,
    response_captured_size: status === null ? null : 0, response_truncated: status === null ? null : 0,
    response_dropped: status === null ? null : 0, response_content_type: status === null ? null : type, response_content_encoding: null,
    client_ip: '127.0.0.1', client_port: 40_000 + (id % 20_000), server_ip: '10.0.0.1', server_port: 443,
    tls: 1, tls_sni: host, tls_protocol: 'TLSv1.3',
    error_type: failed ? 'CONNECTION_RESET' : null, error_message: failed ? 'socket hang up' : null,
    timings: JSON.stringify({ start, dns: null, connect: null, requestBodyReceived: start + 1, responseHeaders: null, end: null, aborted: null, wsAccepted: null, wsClosed: null }),
    tags: '[]',
    source: 'capture',
    replay_of: null,
    traffic_class: 'web',
    blocked_by: null,
    upstream_proxy: null,
  };
}

/**
 * Creates a store at `file` (FlowStore's schema) and writes `count` realistic flows, ids 1..count,
 * with multi-row INSERTs in one transaction. The UI bench seeds its data directory with it too.
 */
export function seedFlows(file: string, count: number): void {
  FlowStore.open(file, { writerThread: false }).close();
  const db = new Database(file);
  const next = random(42);
  const columns = Object.keys(realisticRow(0, next)) as (keyof FlowRow)[];
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const insert = db.prepare(`INSERT INTO flows (${columns.join(', ')}) VALUES ${Array(ROWS_PER_INSERT).fill(tuple).join(', ')}`);
  db.transaction(() => {
    for (let first = 1; first <= count; first += ROWS_PER_INSERT) {
      const values: unknown[] = [];
      for (let id = first; id < first + ROWS_PER_INSERT; id++) {
        const row = realisticRow(id, next);
        for (const column of columns) values.push(row[column]);
      }
      insert.run(values);
    }
  })();
  db.close();
}

function timed<T>(run: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = run();
  return { ms: performance.now() - start, value };
}

const fmt = (ms: number) => `${ms.toFixed(1).padStart(8)} ms`;

/**
 * How long `run` keeps this thread from its other work (the proxy's, in the app): the longest gap
 * between ticks of a 1 ms timer while it runs. A synchronous query blocks for all of its time.
 */
async function longestTimerGap(run: () => unknown): Promise<{ gap: number; ms: number }> {
  const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
  let last = performance.now();
  let gap = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    gap = Math.max(gap, now - last);
    last = now;
  }, 1);
  try {
    await settle();
    gap = 0;
    last = performance.now();
    const start = performance.now();
    await run();
    const ms = performance.now() - start;
    // Let the timer tick once after a blocking run, so its gap is counted.
    await settle();
    return { gap, ms };
  } finally {
    clearInterval(timer);
  }
}

export async function benchStoreQueries(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'flowscope-bench-store-'));
  const file = join(dir, 'flows.db');
  const lines = [`Store queries over ${FLOWS.toLocaleString('en-US')} flows (targets: first page < 200 ms, filtered page + count < 500 ms)`];
  try {
    const seeding = timed(() => seedFlows(file, FLOWS));
    lines.push(`  seeded in ${(seeding.ms / 1000).toFixed(1)} s`);
    // Read-only, as the CLI and a second window read: the same path the UI's queries take.
    const store = FlowStore.open(file, { readonly: true });
    try {
      const firstPage = timed(() => store.pageSummaries({ limit: 100 }));
      lines.push(`  first page, no filter                    ${fmt(firstPage.ms)}`);
      for (const filter of ['host:api.example.com', '~d cdn.example', 'status:>=400', '~c 502', '~u "items\\?page=4[0-9]"', '~e | duration:>4000']) {
        const page = timed(() => store.pageSummaries({ filter, limit: 100 }));
        const count = timed(() => store.countFlows(filter));
        const next = page.value.nextCursor === null ? null : timed(() => store.pageSummaries({ filter, beforeId: page.value.nextCursor!, limit: 100 }));
        lines.push(
          `  ${filter.padEnd(26)} page ${fmt(page.ms)}  count ${fmt(count.ms)} (${count.value.toLocaleString('en-US')})` +
            `  = ${fmt(page.ms + count.ms)}${next ? `  next page ${fmt(next.ms)}` : ''}`,
        );
      }
      const stats = timed(() => store.trafficStats());
      lines.push(`  trafficStats, no filter                  ${fmt(stats.ms)}`);
      const filteredStats = timed(() => store.trafficStats('status:>=500'));
      lines.push(`  trafficStats, status:>=500               ${fmt(filteredStats.ms)}`);
      const sync = await longestTimerGap(() => store.trafficStats());
      const reads = new ReadPool(file, store);
      try {
        await reads.countFlows();
        const pooled = await longestTimerGap(() => reads.trafficStats());
        lines.push(
          `  trafficStats blocks the event loop: in this thread ${fmt(sync.gap)} (of ${fmt(sync.ms)}),` +
            ` on the read pool ${fmt(pooled.gap)} (of ${fmt(pooled.ms)})`,
        );
      } finally {
        await reads.dispose();
      }
    } finally {
      store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return lines;
}
