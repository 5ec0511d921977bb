/**
 * One proxy under test, alone in its process so that its RSS is its own and it has a core to
 * itself rather than sharing the event loop with the load generator.
 *
 *   node proxy-child.js mockttp              bare mockttp passthrough, the baseline
 *   node proxy-child.js flowscope DATA_DIR   Flowscope capturing into DATA_DIR
 *
 * Talks to the parent (run.js) in JSON lines on stdout; the parent's commands arrive over IPC.
 * Upstream trust comes from NODE_EXTRA_CA_CERTS, set by the parent, the same for both proxies.
 */
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import * as mockttp from 'mockttp';
import { withListenHost } from '../../src-main/engine/mockttp-internals.js';
import { startProxyRuntime } from '../../src-main/service/proxy-runtime.js';
import type { Settings } from '../../src-shared/model/settings.js';
import { POLICY_SETTINGS } from './policy-settings.js';

export type ChildCommand = { type: 'sample' } | { type: 'stop' };

export type ChildReport =
  | { type: 'ready'; port: number; caPem: string }
  /** Peak RSS since the previous sample (or since start). */
  /** CPU of the whole process, and of its main thread alone where the OS tells (Linux), since the previous sample. */
  | { type: 'rss'; peakRssBytes: number; cpuMicros: number; mainThreadCpuMicros: number | null }
  /** Peak RSS over the child's whole life; `flows` only from Flowscope. */
  | { type: 'stopped'; peakRssBytes: number; flows: number | null; dropped: Record<string, number> | null };

interface RunningProxy {
  port: number;
  caPem: string;
  /** Stops the proxy; resolves to the stored flows and what overload dropped, when there is a store. */
  stop(): Promise<{ flows: number | null; dropped: Record<string, number> | null }>;
}

const RSS_SAMPLE_MS = 100;
/** Linux counts a thread's CPU time in clock ticks of 10 ms (USER_HZ 100 on every distribution we know of). */
const MICROS_PER_TICK = 10_000;

/**
 * CPU time of this process's main thread (whose thread id is the process id), from
 * /proc/self/task/PID/stat fields 14 and 15 (utime, stime); null where there is no /proc.
 * The proxy's event loop runs there; the store's writer and V8's helpers run on other threads.
 */
function mainThreadCpuMicros(): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * MICROS_PER_TICK;
  } catch {
    return null;
  }
}
const HOST = '127.0.0.1';

async function startBareMockttp(): Promise<RunningProxy> {
  const ca = await mockttp.generateCACertificate();
  const server = mockttp.getLocal({ https: { cert: ca.cert, key: ca.key }, recordTraffic: false });
  await server.forAnyRequest().thenPassThrough();
  await server.forAnyWebSocket().thenPassThrough();
  // Same loopback-only listen as Flowscope's engine, so both are reached the same way.
  await withListenHost(HOST, () => server.start(0));
  return {
    port: server.port,
    caPem: ca.cert,
    stop: async () => {
      await server.stop();
      return { flows: null, dropped: null };
    },
  };
}


async function startFlowscope(dataDir: string, settings?: Settings): Promise<RunningProxy> {
  const runtime = await startProxyRuntime({ dataDir, host: HOST, port: 0, maxBodySize: 1024 * 1024, ...(settings && { settings }) });
  return {
    port: runtime.engine.port,
    caPem: runtime.ca.certPem,
    stop: async () => {
      const { dropped } = runtime.store.stats();
      // stop() drains capture and closes the store, so the count reads the file as finally written.
      await runtime.stop();
      const db = new Database(runtime.databasePath, { readonly: true });
      try {
        return { flows: db.prepare<[], number>('SELECT count(*) FROM flows').pluck().get() ?? 0, dropped: { ...dropped } };
      } finally {
        db.close();
      }
    },
  };
}

function report(message: ChildReport): Promise<void> {
  return new Promise((resolve) => process.stdout.write(`${JSON.stringify(message)}\n`, () => resolve()));
}

async function main(): Promise<void> {
  const [mode, dataDir] = process.argv.slice(2);
  let proxy: RunningProxy;
  if (mode === 'mockttp') proxy = await startBareMockttp();
  else if (mode === 'flowscope' && dataDir) proxy = await startFlowscope(dataDir);
  else if (mode === 'flowscope-policy' && dataDir) proxy = await startFlowscope(dataDir, POLICY_SETTINGS);
  else throw new Error('Usage: proxy-child.js mockttp | proxy-child.js flowscope DATA_DIR | proxy-child.js flowscope-policy DATA_DIR');

  let windowPeak = process.memoryUsage().rss;
  let lifetimePeak = windowPeak;
  let cpuMark = 0;
  let mainCpuMark = mainThreadCpuMicros();
  const sampleRss = () => {
    const rss = process.memoryUsage().rss;
    windowPeak = Math.max(windowPeak, rss);
    lifetimePeak = Math.max(lifetimePeak, rss);
  };
  const sampler = setInterval(sampleRss, RSS_SAMPLE_MS);

  let stopping = false;
  const stop = async (reportBack: boolean) => {
    if (stopping) return;
    stopping = true;
    clearInterval(sampler);
    sampleRss();
    const { flows, dropped } = await proxy.stop();
    if (reportBack) await report({ type: 'stopped', peakRssBytes: lifetimePeak, flows, dropped });
    // Exit rather than wait for idle keep-alive timers inside mockttp to run out.
    process.exit(0);
  };

  process.on('message', (command: ChildCommand) => {
    if (command.type === 'sample') {
      sampleRss();
      // CPU of every thread of this process (the store's writer thread too) since the last sample.
      const cpu = process.cpuUsage();
      const mainCpu = mainThreadCpuMicros();
      const mainThreadCpu = mainCpu === null || mainCpuMark === null ? null : mainCpu - mainCpuMark;
      void report({ type: 'rss', peakRssBytes: windowPeak, cpuMicros: cpu.user + cpu.system - cpuMark, mainThreadCpuMicros: mainThreadCpu });
      cpuMark = cpu.user + cpu.system;
      mainCpuMark = mainCpu;
      windowPeak = process.memoryUsage().rss;
    } else if (command.type === 'stop') {
      void stop(true);
    }
  });
  // The parent is gone (crashed, or Ctrl+C): shut down rather than linger as an orphan.
  process.on('disconnect', () => void stop(false));
  await report({ type: 'ready', port: proxy.port, caPem: proxy.caPem });
}

main().catch((error: unknown) => {
  console.error(`Proxy child (${process.argv[2] ?? '?'}) failed:`, error);
  process.exit(1);
});
