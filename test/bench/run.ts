/**
 * `npm run bench`: the same load, in one run, straight to local origins, through a bare mockttp
 * passthrough and through Flowscope capturing to SQLite. Throughput drifts 20-40% within seconds
 * on this machine, so the figure that matters is the Flowscope ÷ mockttp ratio measured side by
 * side, round by round (see capture-rounds.ts).
 *
 * BENCH_ROUNDS (default 7) and BENCH_SECONDS (default 2) set the rounds per scenario and the length
 * of each measurement: many short rounds beat a few long ones against that drift. BENCH_SOAK (default 200000) the
 * number of requests in the soak. BENCH_ONLY=PART runs only what PART names: capture scenarios
 * whose name contains it, the soak ('soak'), the traffic policy ('policy'), the store queries
 * ('store'), the UI ('ui') or the export of 100,000 flows ('export'). BENCH_VERBOSE=1 prints every
 * round, not only the medians.
 * Exits 0 when numbers miss their targets (a benchmark informs); non-zero only when the bench
 * itself broke.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  makeTestPki,
  startHttpOrigin,
  startHttpsOrigin,
  startWsOrigin,
  writeTestCaFile,
  type HttpOrigin,
  type WsOrigin,
} from '../fixtures/index.js';
import { measureScenario, mib, printResult, TABLE_HEADER } from './capture-rounds.js';
import { runLoad } from './load.js';
import { ProxyChild } from './proxy-process.js';
import { SCENARIOS, SOAK_SCENARIO, type Origins, type Target } from './scenarios.js';
import { benchExport } from './export-bench.js';
import { benchPolicy } from './policy-bench.js';
import { benchStoreQueries } from './store-queries.js';
import { benchUi } from './ui-bench.js';

const SOAK_RSS_TARGET_MIB = 300;
const MIB = 1024 * 1024;
function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name}=${raw} is not a positive number. Unset it or give e.g. ${name}=${fallback}.`);
  return value;
}

function printFlowCheck(stored: number | null, expected: number, errors: number, dropped: Record<string, number> | null): void {
  if (dropped) {
    const parts = Object.entries(dropped).map(([kind, n]) => `${n} ${kind}`).join(', ');
    console.log(`dropped under load (bounded write queue): ${parts}`);
  }
  const line = `flows stored: ${stored ?? 'unknown'} of ${expected} expected`;
  if (stored === expected) console.log(`${line}  OK`);
  else {
    console.log(`\n!!! ${line}  MISMATCH: Flowscope lost or duplicated flows !!!`);
    if (errors > 0) console.log(`    (${errors} client errors in those runs; failed requests may account for some of it)`);
  }
}

/** The benches over a seeded million-flow store, each run unless BENCH_ONLY names something else. */
async function printStoreBenches(only: string | undefined): Promise<void> {
  if (!only || 'store queries'.includes(only)) console.log(`\n${(await benchStoreQueries()).join('\n')}`);
  if (!only || 'ui'.includes(only)) console.log(`\n${(await benchUi()).join('\n')}`);
  if (!only || 'export'.includes(only)) console.log(`\n${(await benchExport()).join('\n')}`);
}

async function main(): Promise<number> {
  const seconds = envNumber('BENCH_SECONDS', 2);
  const rounds = envNumber('BENCH_ROUNDS', 7);
  const soakRequests = Math.round(envNumber('BENCH_SOAK', 200_000));
  const workDir = mkdtempSync(join(tmpdir(), 'flowscope-bench-'));
  const children: ProxyChild[] = [];
  const servers: Array<HttpOrigin | WsOrigin> = [];
  let trimTimer: NodeJS.Timeout | undefined;

  const cleanup = async () => {
    clearInterval(trimTimer);
    for (const child of children) child.kill();
    await Promise.all(servers.map((server) => server.close()));
    rmSync(workDir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    console.error('\nInterrupted: stopping proxies and origins.');
    void cleanup().finally(() => process.exit(130));
  });

  // BENCH_ONLY=websocket (a part of a scenario's name) measures just the matching scenarios.
  const only = process.env.BENCH_ONLY?.toLowerCase();
  const verbose = process.env.BENCH_VERBOSE === '1';
  const scenarios = SCENARIOS.filter((s) => !only || s.name.toLowerCase().includes(only));
  const soakSelected = !only || `soak ${SOAK_SCENARIO.name}`.toLowerCase().includes(only);
  const policySelected = !only || 'traffic policy'.includes(only);

  try {
    if (scenarios.length === 0 && !soakSelected && !policySelected) {
      // Nothing to capture: no origins or proxies to start.
      await printStoreBenches(only);
      return 0;
    }
    // Both proxies trust the origins' CA the same cheap way: read once at start-up (see FACTS.md).
    const childEnv = { ...process.env, NODE_EXTRA_CA_CERTS: writeTestCaFile(workDir) };
    const [httpOrigin, httpsOrigin, wsOrigin] = await Promise.all([startHttpOrigin(), startHttpsOrigin(), startWsOrigin()]);
    servers.push(httpOrigin, httpsOrigin, wsOrigin);
    // The fixtures log every request and message for tests to inspect; here that would only grow.
    trimTimer = setInterval(() => {
      httpOrigin.requests.length = 0;
      httpsOrigin.requests.length = 0;
      wsOrigin.log.length = 0;
    }, 1000);
    const origins: Origins = { httpPort: httpOrigin.port, httpsPort: httpsOrigin.port, wsPort: wsOrigin.port, caPem: makeTestPki().caCertPem };

    const startChild = async (label: string, args: string[]) => {
      const child = await ProxyChild.start(label, args, childEnv);
      children.push(child);
      return child;
    };
    const mockttpChild = await startChild('mockttp', ['mockttp']);
    const flowscopeChild = await startChild('flowscope', ['flowscope', join(workDir, 'flowscope')]);
    const proxyTarget = (name: Target['name'], child: typeof mockttpChild): Target => ({
      name,
      proxy: { host: '127.0.0.1', port: child.ready.port, caPem: child.ready.caPem },
    });
    const targets: Array<{ target: Target; child: ProxyChild | null }> = [
      { target: { name: 'direct' }, child: null },
      { target: proxyTarget('mockttp', mockttpChild), child: mockttpChild },
      { target: proxyTarget('flowscope', flowscopeChild), child: flowscopeChild },
    ];

    console.log(`Flowscope benchmark: median of ${rounds} rounds of ${seconds} s per target, closed-loop workers, all on 127.0.0.1\n`);
    console.log(TABLE_HEADER);
    let expectedFlows = 0;
    let flowscopeErrors = 0;
    for (const scenario of scenarios) {
      const measured = await measureScenario(scenario, targets, origins, { rounds, seconds, verbose });
      expectedFlows += measured.flowscopeFlows;
      flowscopeErrors += measured.flowscopeErrors;
    }

    if (policySelected) {
      // Two fresh stores of their own, so the flow check above still counts only the scenarios.
      const plainChild = await startChild('flowscope without policy', ['flowscope', join(workDir, 'flowscope-plain')]);
      const policyChild = await startChild('flowscope with policy', ['flowscope-policy', join(workDir, 'flowscope-policy')]);
      const lines = await benchPolicy(proxyTarget('flowscope', plainChild), proxyTarget('flowscope-policy', policyChild), origins, seconds, rounds);
      await Promise.all([plainChild.stop(), policyChild.stop()]);
      console.log(`${lines.join('\n')}\n`);
    }
    const mockttpEnd = await mockttpChild.stop();
    const flowscopeEnd = await flowscopeChild.stop();
    console.log(`Peak RSS over the whole run: mockttp ${mib(mockttpEnd.peakRssBytes)}, flowscope ${mib(flowscopeEnd.peakRssBytes)}`);
    printFlowCheck(flowscopeEnd.flows, expectedFlows, flowscopeErrors, flowscopeEnd.dropped);
    if (!soakSelected) {
      await printStoreBenches(only);
      return 0;
    }

    console.log(`\nSoak: ${soakRequests.toLocaleString('en-US')} requests of ${SOAK_SCENARIO.name}, c=${SOAK_SCENARIO.concurrency}, through a fresh Flowscope`);
    const soakChild = await startChild('flowscope soak', ['flowscope', join(workDir, 'flowscope-soak')]);
    const soakTarget = proxyTarget('flowscope', soakChild);
    const soak = await runLoad({
      concurrency: SOAK_SCENARIO.concurrency,
      totalOps: soakRequests,
      createWorker: () => SOAK_SCENARIO.createWorker(soakTarget, origins),
    });
    const soakEnd = await soakChild.stop();
    console.log(TABLE_HEADER);
    printResult('Soak HTTP GET 1 KB', 'flowscope', SOAK_SCENARIO.unit, soak, soakEnd.peakRssBytes);
    const withinRss = soakEnd.peakRssBytes <= SOAK_RSS_TARGET_MIB * MIB;
    console.log(`  -> peak RSS ${mib(soakEnd.peakRssBytes)} vs target ${SOAK_RSS_TARGET_MIB} MiB: ${withinRss ? 'OK' : 'ABOVE TARGET'}`);
    printFlowCheck(soakEnd.flows, soak.sent, soak.errors, soakEnd.dropped);
    await printStoreBenches(only);
    return 0;
  } catch (error) {
    console.error(`\nThe benchmark broke: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await cleanup();
  }
}

process.exit(await main());
