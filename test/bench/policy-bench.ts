/**
 * Throughput with the traffic policy at work: 100 block rules (none matching) and traffic
 * classification with extra LLM hosts, against the same Flowscope without rules, in alternating
 * rounds of the HTTP 1 KB scenario. Target: within 10% (a ratio of 0.90 or more).
 */
import { classifyTraffic } from '../../src-shared/model/classify.js';
import { TrafficPolicy } from '../../src-main/policy/traffic-policy.js';
import { runLoad } from './load.js';
import { POLICY_SETTINGS } from './policy-settings.js';
import { SCENARIOS, type Origins, type Target } from './scenarios.js';

const TARGET = 0.9;

export async function benchPolicy(plain: Target, withPolicy: Target, origins: Origins, seconds: number, rounds: number): Promise<string[]> {
  const scenario = SCENARIOS.find((s) => s.name.startsWith('HTTP GET 1 KB'))!;
  const load = async (target: Target, durationMs: number) =>
    (await runLoad({ concurrency: scenario.concurrency, durationMs, createWorker: () => scenario.createWorker(target, origins) })).opsPerSecond;
  // Both warmed up first; then each round runs both back to back (in alternating order) and
  // compares them, as the capture rounds do: the machine's drift between rounds cancels out.
  for (const target of [plain, withPolicy]) await load(target, Math.min(1000, seconds * 1000));
  const rates = { without: [] as number[], with: [] as number[] };
  const ratios: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? [plain, withPolicy] : [withPolicy, plain];
    const thisRound = new Map<Target, number>();
    for (const target of order) thisRound.set(target, await load(target, seconds * 1000));
    rates.without.push(thisRound.get(plain)!);
    rates.with.push(thisRound.get(withPolicy)!);
    ratios.push(thisRound.get(withPolicy)! / thisRound.get(plain)!);
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const ratio = median(ratios);
  const spread = ratios.length > 1 ? ` (rounds ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)})` : '';
  return [
    `Traffic policy: ${scenario.name} c=${scenario.concurrency}, median of ${rounds} paired rounds of ${seconds} s`,
    `  cost per request, measured alone: ${perRequestCost()}`,
    `  without rules                          ${Math.round(median(rates.without)).toLocaleString('en-US').padStart(7)} req/s`,
    `  100 block rules + classification       ${Math.round(median(rates.with)).toLocaleString('en-US').padStart(7)} req/s`,
    `  -> with / without = ${ratio.toFixed(2)}${spread}  ${ratio >= TARGET ? 'OK' : `BELOW TARGET (${TARGET})`}`,
  ];
}

/** What the rules and the classification cost one request, in this process (steadier than throughput). */
function perRequestCost(): string {
  const policy = new TrafficPolicy(POLICY_SETTINGS, () => undefined);
  const facts = { method: 'GET', url: 'http://127.0.0.1:43211/bytes/1024?x=1', host: '127.0.0.1', headers: [['Host', '127.0.0.1:43211'], ['Accept', '*/*']] as Array<[string, string]> };
  const time = (run: () => void) => {
    for (let i = 0; i < 20_000; i++) run();
    const start = performance.now();
    for (let i = 0; i < 200_000; i++) run();
    return ((performance.now() - start) * 1000) / 200_000;
  };
  const block = time(() => policy.block(facts));
  const classify = time(() => classifyTraffic({ host: facts.host, path: '/bytes/1024?x=1' }, POLICY_SETTINGS.llmHosts));
  return `100 block rules ${block.toFixed(1)} us, classification ${classify.toFixed(1)} us`;
}
