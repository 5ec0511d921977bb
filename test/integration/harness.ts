/** Starts a real Flowscope (CA, store, engine) on a temp data directory for one test file. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Flow } from '../../src-shared/model/flow.js';
import { startProxyRuntime, type ProxyRuntime, type RuntimeOptions } from '../../src-main/service/proxy-runtime.js';
import { writeTestCaFile } from '../fixtures/index.js';

export interface TestProxy {
  runtime: ProxyRuntime;
  dataDir: string;
  proxyUrl: string;
  /** The Flowscope CA, the only one clients in these tests trust. */
  ca: string;
  /** Waits until the store holds at least `count` flows and returns them, newest first. */
  flows(count: number): Promise<Flow[]>;
  close(): Promise<void>;
}

export function tempDir(prefix = 'flowscope-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export async function waitFor<T>(check: () => T | undefined | false, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = check();
    if (result) return result;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function startTestProxy(options: Partial<RuntimeOptions> = {}): Promise<TestProxy> {
  const dataDir = options.dataDir ?? tempDir();
  const runtime = await startProxyRuntime({
    dataDir,
    port: 0,
    upstreamCaFiles: [writeTestCaFile(dataDir)],
    responseTimeoutMs: 3000,
    ...options,
  });
  const { store } = runtime;
  return {
    runtime,
    dataDir,
    proxyUrl: runtime.engine.url,
    ca: runtime.ca.certPem,
    async flows(count) {
      await waitFor(() => {
        store.flush();
        return store.countFlows() >= count;
      }, `${count} flows in the store`);
      return store.pageSummaries({ limit: count }).items.map((s) => store.getFlow(s.id)!);
    },
    async close() {
      await runtime.stop();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
