/**
 * One running Flowscope: CA, store and engine on one data directory. `flowscope serve`, the
 * Electron app and the integration tests all start it the same way.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadOrCreateCa, type CaMaterial } from '../ca/index.js';
import { DEFAULT_SETTINGS, type Settings } from '../../src-shared/model/settings.js';
import { DEFAULT_RESPONSE_TIMEOUT_MS, type Engine } from '../engine/engine.js';
import type { TrafficPolicy } from '../policy/traffic-policy.js';
import { startListeners } from './listeners.js';
import { LogSink } from './log-sink.js';
import { PolicyState } from './policy-state.js';
import { FlowStore, ReadPool } from '../store/index.js';
import type { Disposable, RetentionCaps } from '../store/index.js';
import { LiveFeed } from './live-feed.js';
import { lockDataDir, removeRuntimeFile, writeRuntimeFile, writeRuntimeFileAsync, type RuntimeInfo } from './runtime-file.js';

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
  /**
   * Proxy modes and traffic policy (modes, TLS passthrough, upstream proxies, block rules, proxy
   * authentication, client lists, limits, LLM hosts, log folder); defaults when absent.
   */
  settings?: Settings;
  /** A problem the log sink met, for a person (default: a process warning). */
  onLogError?: (message: string) => void;
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
  /** Every listener: the primary `engine` first, then the other modes (e.g. a reverse proxy on its own port). */
  listeners: Engine[];
  /** Applies the settings that can change while running (policy, upstream proxies, limits, LLM hosts, body size). */
  applySettings(settings: Settings): void;
  /** The traffic policy now in force. */
  policy(): TrafficPolicy;
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
  const settings = options.settings ?? DEFAULT_SETTINGS;
  const logSink = settings.logDir
    ? new LogSink(feed, settings.logDir, { onError: options.onLogError ?? ((message) => process.emitWarning(message)) })
    : null;
  const sink = logSink ?? feed;
  const traffic = new PolicyState(settings, (event) => sink.enqueueEvent(event));
  let listeners: Engine[];
  try {
    listeners = await startListeners(options, settings, {
      ca, upstreamCaPems, sink, traffic,
      maxBodySize: options.maxBodySize ?? DEFAULT_MAX_BODY_SIZE,
    });
  } catch (error) {
    await logSink?.close();
    store.close();
    throw error;
  }
  const engine = listeners[0]!;
  let retention = null as Disposable | null;
  const setRetention = (caps: RetentionCaps) => {
    retention?.dispose();
    retention = Object.keys(caps).length > 0 ? store.startRetention(caps, RETENTION_INTERVAL_MS) : null;
  };
  setRetention(options.retention ?? {});

  const startedAt = Date.now();
  const stats = () => ({ ...store.queueStats(), inFlight: engine.capture.inFlight });
  const runtimeInfo = (): RuntimeInfo => ({
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
    writeRuntimeFile(dataDir, runtimeInfo());
  } catch (error) {
    retention?.dispose();
    await engine.stop();
    store.close();
    throw new Error(`Cannot write ${path.join(dataDir, 'proxy.json')} (${(error as Error).message}). Check that the data directory is writable.`);
  }
  // The periodic refresh goes through libuv's threads; one at a time, and stop waits for it.
  let refreshing: Promise<void> | null = null;
  /** Counts the writes made at once, so a refresh begun before one of them does not undo it. */
  let writes = 0;
  const writeNow = () => {
    try {
      writeRuntimeFile(dataDir, runtimeInfo());
    } catch {
      // A full disk must not stop the proxy; status is simply stale until space returns.
    }
  };
  /** Written at once: whoever calls it (serve, once the UI listens) relies on the file saying so. */
  const republish = () => {
    writes++;
    writeNow();
    // A refresh already replacing the file could land after this write: write again after it.
    if (refreshing) void refreshing.then(writeNow);
  };
  const refresh = () => {
    const at = writes;
    refreshing ??= writeRuntimeFileAsync(dataDir, runtimeInfo(), () => writes === at)
      .catch(() => undefined)
      .finally(() => {
        refreshing = null;
      });
  };
  const statusTimer = setInterval(refresh, STATUS_INTERVAL_MS);
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
    listeners,
    policy: () => traffic.policy,
    applySettings: (next) => {
      traffic.update(next);
      for (const listener of listeners) {
        listener.capture.maxBodySize = next.maxBodySize;
        listener.capture.llmHosts = next.llmHosts;
      }
    },
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
        await Promise.all(listeners.map((listener) => listener.stop()));
        await Promise.all(listeners.map((listener) => listener.capture.drain()));
        await logSink?.close();
        await reads.dispose();
        store.close();
        await refreshing;
        removeRuntimeFile(dataDir);
        unlock();
      })()),
  };
}
