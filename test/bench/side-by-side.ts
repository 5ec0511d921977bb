/**
 * `npm run bench:side-by-side [-- SCENARIO]`: a tool for working on capture's cost, beside the
 * benchmark proper. Flowscope and a baseline proxy get the same load at the same time, so both
 * run through the same moments of this machine, whose speed drifts 20-40% within seconds; what
 * is compared is CPU per request of each proxy's event-loop thread. An A/A run (mockttp against
 * itself) stays within ~3% this way, where back-to-back throughput rounds of the same proxy spread 0.77-1.38.
 *
 * The baseline is bare mockttp, or with BENCH_BASELINE=PATH another build's proxy-child.js
 * (e.g. a worktree of an earlier commit, after `npx tsc -b tsconfig.json` there) running
 * Flowscope: the A/B of a change. BENCH_ROUNDS (default 6, the first a warm-up) and
 * BENCH_SECONDS (default 4) as in run.ts. Linux only (the CPU of a thread comes from /proc).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHttpOrigin, startHttpsOrigin, startWsOrigin, makeTestPki, writeTestCaFile } from '../fixtures/index.js';
import { runLoad, type LoadResult } from './load.js';
import { ProxyChild } from './proxy-process.js';
import { SCENARIOS, type Origins, type Target } from './scenarios.js';

const rounds = Number(process.env.BENCH_ROUNDS ?? 6);
const seconds = Number(process.env.BENCH_SECONDS ?? 4);
const only = (process.argv[2] ?? 'http get 1 kb').toLowerCase();

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

/** Main-thread and other-thread CPU per operation over one round, from the child's own report. */
async function perOp(child: ProxyChild, result: LoadResult): Promise<{ main: number; other: number }> {
  const { cpuMicros, mainThreadCpuMicros } = await child.sample();
  if (mainThreadCpuMicros === null) throw new Error('This machine does not report the CPU of a thread (/proc); the side-by-side bench needs Linux.');
  const ops = Math.max(1, result.sent);
  return { main: mainThreadCpuMicros / ops, other: (cpuMicros - mainThreadCpuMicros) / ops };
}

async function main(): Promise<void> {
  const workDir = mkdtempSync(join(tmpdir(), 'flowscope-side-by-side-'));
  const env = { ...process.env, NODE_EXTRA_CA_CERTS: writeTestCaFile(workDir) };
  const servers = await Promise.all([startHttpOrigin(), startHttpsOrigin(), startWsOrigin()]);
  const [httpOrigin, httpsOrigin, wsOrigin] = servers;
  const trim = setInterval(() => {
    httpOrigin.requests.length = 0;
    httpsOrigin.requests.length = 0;
    wsOrigin.log.length = 0;
  }, 1000);
  const origins: Origins = { httpPort: httpOrigin.port, httpsPort: httpsOrigin.port, wsPort: wsOrigin.port, caPem: makeTestPki().caCertPem };
  const baselineScript = process.env.BENCH_BASELINE;
  const baseline = baselineScript
    ? await ProxyChild.start('baseline', ['flowscope', join(workDir, 'baseline')], env, baselineScript)
    : await ProxyChild.start('mockttp', ['mockttp'], env);
  const flowscope = await ProxyChild.start('flowscope', ['flowscope', join(workDir, 'flowscope')], env);
  const target = (child: typeof flowscope, name: Target['name']): Target => ({ name, proxy: { host: '127.0.0.1', port: child.ready.port, caPem: child.ready.caPem } });
  try {
    console.log(`Side by side: Flowscope and ${baselineScript ? `the build at ${baselineScript}` : 'bare mockttp'}, ${rounds} rounds of ${seconds} s, the first a warm-up\n`);
    for (const scenario of SCENARIOS.filter((s) => s.name.toLowerCase().includes(only))) {
      const ratios: number[] = [];
      for (let round = 0; round < rounds; round++) {
        await Promise.all([baseline.sample(), flowscope.sample()]);
        const load = (t: Target) => runLoad({ concurrency: scenario.concurrency, durationMs: seconds * 1000, createWorker: () => scenario.createWorker(t, origins) });
        const [base, ours] = await Promise.all([load(target(baseline, 'mockttp')), load(target(flowscope, 'flowscope'))]);
        const [baseCpu, ourCpu] = [await perOp(baseline, base), await perOp(flowscope, ours)];
        const ratio = ourCpu.main / baseCpu.main;
        if (round > 0) ratios.push(ratio);
        console.log(
          `${scenario.name} round ${round + 1}${round === 0 ? ' (warm-up)' : ''}: ` +
            `baseline ${base.opsPerSecond.toFixed(0)}/s, ${baseCpu.main.toFixed(0)}+${baseCpu.other.toFixed(0)} us/op; ` +
            `flowscope ${ours.opsPerSecond.toFixed(0)}/s, ${ourCpu.main.toFixed(0)}+${ourCpu.other.toFixed(0)} us/op (event loop + other threads); ratio ${ratio.toFixed(3)}`,
        );
      }
      console.log(`  -> ${scenario.name}: Flowscope's event-loop CPU per op = ${median(ratios).toFixed(3)}x the baseline's (rounds ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)})\n`);
    }
  } finally {
    clearInterval(trim);
    await Promise.allSettled([baseline.stop(), flowscope.stop()]);
    await Promise.allSettled(servers.map((server) => server.close()));
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`The side-by-side bench broke: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
