/**
 * One running Flowscope: CA, store and engine on one data directory. `flowscope serve`, the
 * Electron app and the integration tests all start it the same way.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadOrCreateCa, type CaMaterial } from '../ca/index.js';
import { DEFAULT_RESPONSE_TIMEOUT_MS, startEngine, type Engine } from '../engine/engine.js';
import { FlowStore, ReadPool } from '../store/index.js';
import type { Disposable, RetentionCaps } from '../store/index.js';
import { LiveFeed } from './live-feed.js';
import { lockDataDir, removeRuntimeFile, writeRuntimeFile } from './runtime-file.js';

export { DataDirInUseError } from './runtime-file.js';

export interface RuntimeOptions {
  dataDir: string;
  host?: string;
  port?: number;
  maxBodySize?: number;
  responseTimeoutMs?: number;
  upstreamCaFiles?: string[];
  insecureHosts?: string[];
  retention?: RetentionCaps;
  /** Browser mode's UI address, published in proxy.json for `flowscope status` and scripts. */
  uiUrl?: () => string | null;
}

export interface ProxyRuntime {
  dataDir: string;
  databasePath: string;
  ca: CaMaterial;
  /** Capture's writer; the service reads through `reads` instead, so that no query runs on this thread. */
  store: FlowStore;
  /** The store's reads on worker threads (committed rows only). */
  reads: ReadPool;
  engine: Engine;
  /** What capture records, summarised for the live tail (the store gets it first). */
  feed: LiveFeed;
  /** How the engine reaches upstreams; replay sends the same way. */
  upstream: { caPems: string[]; insecureHosts: string[]; responseTimeoutMs: number };
  startedAt: number;
  stats(): Record<string, unknown>;
  /** Rewrites proxy.json now (it is also refreshed every second), e.g. once the UI listens. */
  publish(): void;
  /** Replaces the retention caps (empty: none) without a restart. */
  setRetention(caps: RetentionCaps): void;
  /** Stops accepting traffic, stops the read threads, flushes the writer and closes the store. */
  stop(): Promise<void>;
}

export const DEFAULT_PROXY_PORT = 8080;
export const DEFAULT_MAX_BODY_SIZE = 1024 * 1024;
const STATUS_INTERVAL_MS = 1000;
const RETENTION_INTERVAL_MS = 60_000;

export function readUpstreamCas(files: string[]): string[] {
  return files.map((file) => {
    let pem: string;
    try {
      pem = readFileSync(file, 'utf8');
    } catch (error) {
      throw new Error(`Cannot read the upstream CA file ${file} (${(error as NodeJS.ErrnoException).code}). Check the path given to --upstream-ca.`);
    }
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
      throw new Error(`${file} holds no PEM certificate. --upstream-ca takes a PEM file (-----BEGIN CERTIFICATE-----).`);
    }
    return pem;
  });
}

export async function startProxyRuntime(options: RuntimeOptions): Promise<ProxyRuntime> {
  const { dataDir } = options;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const unlock = lockDataDir(dataDir);
  try {
    return await startLocked(options, unlock);
  } catch (error) {
    unlock();
    throw error;
  }
}

async function startLocked(options: RuntimeOptions, unlock: () => void): Promise<ProxyRuntime> {
  const { dataDir } = options;
  // These CAs take mockttp's slower per-connection path (FACTS.md); `flowscope serve` avoids it
  // by relaunching with them in NODE_EXTRA_CA_CERTS and passing none here.
  const upstreamCaPems = readUpstreamCas(options.upstreamCaFiles ?? []);
  const ca = await loadOrCreateCa(dataDir);
  const databasePath = path.join(dataDir, 'flows.db');
  // The writer creates and migrates the file, so it exists before any read thread opens it.
  const store = FlowStore.open(databasePath);
  const reads = new ReadPool(databasePath, store);
  const feed = new LiveFeed(store);
  let engine: Engine;
  try {
    engine = await startEngine(
      {
        host: options.host ?? '127.0.0.1',
        port: options.port ?? DEFAULT_PROXY_PORT,
        ca,
        maxBodySize: options.maxBodySize ?? DEFAULT_MAX_BODY_SIZE,
        responseTimeoutMs: options.responseTimeoutMs,
        upstreamCaPems,
        insecureHosts: options.insecureHosts ?? [],
      },
      feed,
    );
  } catch (error) {
    store.close();
    throw error;
  }
  let retention = null as Disposable | null;
  const setRetention = (caps: RetentionCaps) => {
    retention?.dispose();
    retention = Object.keys(caps).length > 0 ? store.startRetention(caps, RETENTION_INTERVAL_MS) : null;
  };
  setRetention(options.retention ?? {});

  const startedAt = Date.now();
  const stats = () => ({ ...store.queueStats(), inFlight: engine.capture.inFlight });
  const publish = () =>
    writeRuntimeFile(dataDir, {
      pid: process.pid,
      host: engine.host,
      port: engine.port,
      proxyUrl: engine.url,
      startedAt,
      updatedAt: Date.now(),
      caCertPath: ca.certPath,
      databasePath,
      uiUrl: options.uiUrl?.() ?? null,
      stats: stats(),
    });
  try {
    publish();
  } catch (error) {
    retention?.dispose();
    await engine.stop();
    store.close();
    throw new Error(`Cannot write ${path.join(dataDir, 'proxy.json')} (${(error as Error).message}). Check that the data directory is writable.`);
  }
  const republish = () => {
    try {
      publish();
    } catch {
      // A full disk must not stop the proxy; status is simply stale until space returns.
    }
  };
  const statusTimer = setInterval(republish, STATUS_INTERVAL_MS);
  statusTimer.unref();

  let stopping: Promise<void> | null = null;
  return {
    dataDir,
    databasePath,
    ca,
    store,
    reads,
    engine,
    feed,
    upstream: {
      caPems: upstreamCaPems,
      insecureHosts: options.insecureHosts ?? [],
      responseTimeoutMs: options.responseTimeoutMs ?? DEFAULT_RESPONSE_TIMEOUT_MS,
    },
    startedAt,
    stats,
    publish: republish,
    setRetention,
    stop: () =>
      (stopping ??= (async () => {
        clearInterval(statusTimer);
        feed.dispose();
        retention?.dispose();
        await engine.stop();
        await engine.capture.drain();
        await reads.dispose();
        store.close();
        removeRuntimeFile(dataDir);
        unlock();
      })()),
  };
}
