/**
 * One capture scenario measured against every target: a warm-up per proxy, then rounds in which
 * the targets run back to back, in alternating order. Throughput drifts 5-20% within seconds on
 * this machine, so Flowscope is compared with the mockttp run next to it in the same round, and
 * the median of those per-round ratios is what is reported against the target.
 */
import { runLoad, type LoadResult } from './load.js';
import type { Origins, Scenario, Target } from './scenarios.js';

const RATIO_TARGET = 0.85;
/** Long enough for V8 to optimise the proxy's hot paths and for its pools to fill. */
const WARM_UP_MS = 1000;
const MIB = 1024 * 1024;

export interface SampledChild {
  /** Peak RSS and CPU since the previous call (see proxy-child.ts). */
  sample(): Promise<{ peakRssBytes: number; cpuMicros: number; mainThreadCpuMicros: number | null }>;
}

interface CpuPerOp {
  /** Every thread of the proxy's process. */
  all: number;
  /** The event loop's thread alone, where the OS reports it. */
  main: number | null;
}

interface Run {
  result: LoadResult;
  rss: number | null;
  cpu: CpuPerOp | null;
}

const COLUMNS = [
  { title: 'Scenario', width: 34, left: true },
  { title: 'Target', width: 10, left: true },
  { title: 'Throughput', width: 14 },
  { title: 'p50 ms', width: 8 },
  { title: 'p99 ms', width: 8 },
  { title: 'Errors', width: 7 },
  { title: 'Peak RSS', width: 10 },
  { title: 'CPU µs/op main/all', width: 19 },
];

function row(cells: string[]): string {
  return COLUMNS.map((column, i) => (column.left ? (cells[i] ?? '').padEnd(column.width) : (cells[i] ?? '').padStart(column.width))).join(' ');
}

export const TABLE_HEADER = row(COLUMNS.map((column) => column.title));

export const mib = (bytes: number) => `${(bytes / MIB).toFixed(0)} MiB`;
const ms = (value: number) => (Number.isNaN(value) ? '-' : value.toFixed(1));

export function printResult(label: string, target: string, unit: string, result: LoadResult, rssBytes: number | null, cpu: CpuPerOp | null = null): void {
  const rate = `${Math.round(result.opsPerSecond).toLocaleString('en-US')} ${unit}`;
  const cpuCell = cpu === null ? '-' : `${cpu.main === null ? '-' : cpu.main.toFixed(0)}/${cpu.all.toFixed(0)}`;
  console.log(row([label, target, rate, ms(result.p50Ms), ms(result.p99Ms), String(result.errors), rssBytes === null ? '-' : mib(rssBytes), cpuCell]));
  if (result.firstError) console.log(`    first error: ${result.firstError}`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.floor(sorted.length / 2)]!;
}

function flowsExpected(scenario: Scenario, result: LoadResult): number {
  return scenario.flowPer === 'connection' ? result.workers : result.sent;
}

/** Runs the scenario on every target; returns what Flowscope should have stored. */
export async function measureScenario(
  scenario: Scenario,
  targets: ReadonlyArray<{ target: Target; child: SampledChild | null }>,
  origins: Origins,
  options: { rounds: number; seconds: number; verbose: boolean },
): Promise<{ flowscopeFlows: number; flowscopeErrors: number }> {
  let flowscopeFlows = 0;
  let flowscopeErrors = 0;
  const run = async (target: Target, child: SampledChild | null, durationMs: number): Promise<Run> => {
    if (child) await child.sample(); // start this run's RSS and CPU window
    const result = await runLoad({ concurrency: scenario.concurrency, durationMs, createWorker: () => scenario.createWorker(target, origins) });
    const usage = child ? await child.sample() : null;
    const ops = Math.max(1, result.sent);
    const cpu = usage && { all: usage.cpuMicros / ops, main: usage.mainThreadCpuMicros === null ? null : usage.mainThreadCpuMicros / ops };
    if (target.name === 'flowscope') {
      flowscopeFlows += flowsExpected(scenario, result);
      flowscopeErrors += result.errors;
    }
    return { result, rss: usage?.peakRssBytes ?? null, cpu };
  };

  for (const { target, child } of targets) if (child) await run(target, child, Math.min(WARM_UP_MS, options.seconds * 1000));

  const label = `${scenario.name} c=${scenario.concurrency}`;
  const runs = new Map<string, Run[]>();
  const ratios: number[] = [];
  const mainCpuRatios: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    const order = round % 2 === 0 ? targets : [...targets].reverse();
    const thisRound = new Map<string, Run>();
    for (const { target, child } of order) {
      const measured = await run(target, child, options.seconds * 1000);
      thisRound.set(target.name, measured);
      runs.set(target.name, [...(runs.get(target.name) ?? []), measured]);
      if (options.verbose) printResult(`  round ${round + 1}`, target.name, scenario.unit, measured.result, measured.rss, measured.cpu);
    }
    const flowscope = thisRound.get('flowscope');
    const mockttp = thisRound.get('mockttp');
    if (flowscope && mockttp) {
      ratios.push(flowscope.result.opsPerSecond / mockttp.result.opsPerSecond);
      if (flowscope.cpu?.main && mockttp.cpu?.main) mainCpuRatios.push(flowscope.cpu.main / mockttp.cpu.main);
    }
  }

  for (const { target } of targets) {
    const byRate = [...runs.get(target.name)!].sort((a, b) => a.result.opsPerSecond - b.result.opsPerSecond);
    const middle = byRate[Math.floor(byRate.length / 2)]!;
    const peakRss = byRate.some((r) => r.rss !== null) ? Math.max(...byRate.map((r) => r.rss ?? 0)) : null;
    printResult(label, target.name, scenario.unit, middle.result, peakRss, middle.cpu);
  }
  const ratio = median(ratios);
  const spread = ratios.length > 1 ? ` (rounds ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)})` : '';
  const cpuNote = mainCpuRatios.length > 0 ? `;  proxy thread CPU per op: ${median(mainCpuRatios).toFixed(2)}x mockttp's` : '';
  console.log(`  -> flowscope / mockttp = ${ratio.toFixed(2)}${spread}  ${ratio >= RATIO_TARGET ? 'OK' : `BELOW TARGET (${RATIO_TARGET})`}${cpuNote}\n`);
  return { flowscopeFlows, flowscopeErrors };
}
