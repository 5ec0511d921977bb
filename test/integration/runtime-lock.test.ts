/** One data directory, one running Flowscope, also within a single process. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DataDirInUseError, startProxyRuntime } from '../../src-main/service/proxy-runtime.js';
import { runtimeFilePath, writeRuntimeFileAsync, type RuntimeInfo } from '../../src-main/service/runtime-file.js';
import { tempDir } from './harness.js';

describe('the data directory lock', () => {
  it('refuses a second runtime in the same process until the first stops', async () => {
    const dataDir = tempDir('flowscope-lock-');
    const first = await startProxyRuntime({ dataDir, port: 0 });
    try {
      await expect(startProxyRuntime({ dataDir, port: 0 })).rejects.toBeInstanceOf(DataDirInUseError);
      await expect(startProxyRuntime({ dataDir, port: 0 })).rejects.toThrow(new RegExp(`is already capturing into ${dataDir} at ${first.engine.url}`));
    } finally {
      await first.stop();
    }
    const second = await startProxyRuntime({ dataDir, port: 0 });
    await second.stop();
  });
});

describe('proxy.json, which `flowscope status` reads', () => {
  it('is refreshed every second without leaving temporary files, and removed when the runtime stops', async () => {
    const dataDir = tempDir('flowscope-status-');
    const runtime = await startProxyRuntime({ dataDir, port: 0 });
    const read = () => JSON.parse(readFileSync(runtimeFilePath(dataDir), 'utf8')) as { updatedAt: number; port: number; stats: { inFlight: number } };
    try {
      const first = read();
      expect(first.port).toBe(runtime.engine.port);
      const deadline = Date.now() + 5000;
      while (read().updatedAt === first.updatedAt && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(read().updatedAt).toBeGreaterThan(first.updatedAt);
      expect(read().stats.inFlight).toBe(0);
      // A write asked for at once is in the file when the call returns.
      const before = Date.now();
      runtime.publish();
      expect(read().updatedAt).toBeGreaterThanOrEqual(before);
    } finally {
      await runtime.stop();
    }
    expect(existsSync(runtimeFilePath(dataDir))).toBe(false);
    expect(readdirSync(dataDir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('is not replaced by a refresh that a newer write overtook, and the refresh leaves no file behind', async () => {
    const dataDir = tempDir('flowscope-refresh-');
    const info = (updatedAt: number): RuntimeInfo => ({
      pid: process.pid, host: '127.0.0.1', port: 8080, proxyUrl: 'http://127.0.0.1:8080', startedAt: 1, updatedAt,
      caCertPath: 'ca.pem', databasePath: 'flows.db', uiUrl: null, stats: {},
    });
    await writeRuntimeFileAsync(dataDir, info(1), () => true);
    await writeRuntimeFileAsync(dataDir, info(2), () => false);
    expect(JSON.parse(readFileSync(runtimeFilePath(dataDir), 'utf8')).updatedAt).toBe(1);
    expect(readdirSync(dataDir)).toEqual(['proxy.json']);
  });
});
