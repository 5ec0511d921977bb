/**
 * The UI over a store of a million flows, as a user meets it: `flowscope serve` in its own process
 * (as people run it) and the built renderer in Debian's Chromium. Times the first page, a filter
 * over the whole store, and the renderer's heap while scrolling 100,000 rows, each against the
 * page's own clock, and splits the waits into typing debounce, RPC (server query + transport)
 * and rendering, so a miss says where the time went.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { FlowStore } from '../../src-main/store/index.js';
import { launchChromium } from '../e2e/harness.js';
import { seedFlows } from './store-queries.js';
import { applyFilterInPage, installProbes, scrollInPage, type FilterTiming, type PageProbes, type RpcTiming } from './ui-probes.js';

const FLOWS = 1_000_000;
const FIRST_PAGE_TARGET_MS = 200;
const FILTER_TARGET_MS = 500;
const FILTERS = ['host:api.example.com', 'status:>=500', 'host:api.example.com & status:>=500'];
/** The filter must put these many of its newest rows on screen, in order, to count as shown. */
const ROWS_CHECKED = 10;
const EMPTY_CACHE_LOADS = 3;
const WARM_LOADS = 5;
const HEAP_MARKS = [0, 10_000, 25_000, 50_000, 100_000];
const SCROLL_BUDGET_MS = 180_000;
const MIB = 1024 * 1024;
/** The repository, from dist/test/bench (the e2e harness's paths assume it runs from test/e2e). */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

interface Serve {
  uiUrl: string;
  stop(): Promise<void>;
}

/** `flowscope serve` in its own process, as people run it, on port 0; resolves with its UI address. */
async function startServe(dataDir: string): Promise<Serve> {
  for (const file of ['dist/src-main/cli/main.js', 'dist/renderer/index.html']) {
    if (!existsSync(join(ROOT, file))) throw new Error(`${file} is missing: run \`npm run build\` before the UI bench.`);
  }
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'flowscope.js'), 'serve', '--data-dir', dataDir, '--proxy-port', '0', '--ui-port', '0'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  let output = '';
  try {
    const uiUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`flowscope serve printed no UI address within 60 s:\n${output}`)), 60_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const url = /^UI: (\S+)$/m.exec(output)?.[1];
        if (url) {
          clearTimeout(timer);
          resolve(url);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`flowscope serve exited with ${code}:\n${output}`));
      });
    });
    return { uiUrl, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

interface Expected {
  firstIds: number[];
  count: number;
  /** The same query straight on the store in this process: what the server's part costs. */
  pageMs: number;
  countMs: number;
}

function timed<T>(run: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = run();
  return { ms: performance.now() - start, value };
}

const ms = (value: number) => `${value.toFixed(0).padStart(5)} ms`;
const verdict = (value: number, target: number) => (value < target ? 'OK' : 'ABOVE TARGET');

/** What the list must show for each filter (and for none), read from the store before the UI starts. */
function expectations(file: string): Map<string, Expected> {
  const store = FlowStore.open(file, { readonly: true });
  try {
    const result = new Map<string, Expected>();
    for (const text of ['', ...FILTERS]) {
      const filter = text === '' ? undefined : text;
      const page = timed(() => store.pageSummaries({ filter, limit: 200 }));
      const count = timed(() => store.countFlows(filter));
      result.set(text, { firstIds: page.value.items.slice(0, ROWS_CHECKED).map((f) => f.id), count: count.value, pageMs: page.ms, countMs: count.ms });
    }
    return result;
  } finally {
    store.close();
  }
}

async function probes(page: Page): Promise<PageProbes> {
  return page.evaluate(() => (window as unknown as { __bench: PageProbes }).__bench);
}

interface FirstPage {
  wallMs: number;
  probes: PageProbes;
  htmlMs: number;
  scriptMs: number;
}

/** A fresh document: from goto until the first flow row is visible, and where that time went. */
async function loadFirstPage(page: Page, url: string): Promise<FirstPage> {
  const start = performance.now();
  await page.goto(url, { waitUntil: 'commit' });
  await page.locator('.flow-scroll [role="row"][data-flow-id]').first().waitFor({ state: 'visible' });
  const wallMs = performance.now() - start;
  const timing = await page.evaluate(() => {
    const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    const script = performance.getEntriesByType('resource').find((entry) => /\/assets\/index-.*\.js$/.test(entry.name)) as PerformanceResourceTiming | undefined;
    return { htmlMs: navigation.responseEnd, scriptMs: script?.responseEnd ?? NaN };
  });
  return { wallMs, probes: await probes(page), ...timing };
}

/** Milestones from navigation start (page clock), so a slow first page says which step was slow. */
function breakdown(label: string, load: FirstPage): string {
  const { probes: p } = load;
  const call = (name: string) => p.rpc.find((c) => c.call === name);
  const answered = (name: string) => (call(name)?.received ?? NaN).toFixed(0);
  const pageCall = call('flows.page');
  return (
    `    ${label}, ms from navigation start: html ${load.htmlMs.toFixed(0)}, app script loaded ${load.scriptMs.toFixed(0)},` +
    ` script evaluated (WebSocket created) ${(p.wsCreated ?? NaN).toFixed(0)}, React mounted ${(p.listMounted ?? NaN).toFixed(0)},` +
    ` WebSocket open ${(p.wsOpen ?? NaN).toFixed(0)},` +
    ` flows.count answered ${answered('flows.count')}, flows.page answered ${answered('flows.page')}` +
    ` (${((pageCall?.bytes ?? 0) / 1024).toFixed(0)} KiB), first row in DOM ${(p.firstRowCommitted ?? NaN).toFixed(0)}`
  );
}

function typical(loads: FirstPage[]): FirstPage {
  return [...loads].sort((a, b) => a.wallMs - b.wallMs)[Math.floor(loads.length / 2)]!;
}

function firstPageLine(label: string, loads: FirstPage[]): string {
  const middle = typical(loads);
  const all = loads.length > 1 ? `median of ${loads.length} (${loads.map((load) => load.wallMs.toFixed(0)).join(', ')} ms)` : 'one load';
  return `  first page, ${label.padEnd(44)} ${ms(middle.wallMs)}  ${all}  (target < ${FIRST_PAGE_TARGET_MS} ms: ${verdict(middle.wallMs, FIRST_PAGE_TARGET_MS)})`;
}

async function applyFilter(page: Page, text: string, expected: Expected): Promise<FilterTiming> {
  return page.evaluate(applyFilterInPage, { text, firstIds: expected.firstIds, count: expected.count, timeoutMs: 30_000 });
}

function filterLines(text: string, timing: FilterTiming, expected: Expected): string[] {
  const pageCall = timing.rpc.find((c) => c.call === 'flows.page');
  const countCall = timing.rpc.find((c) => c.call === 'flows.count');
  const firstSent = Math.min(...timing.rpc.map((c) => c.sent));
  const debounce = firstSent - timing.typedAt;
  const shown = Math.max(timing.rowsAt, timing.countAt);
  const afterDebounce = shown - firstSent;
  const round = (call: RpcTiming | undefined) => (call?.received ? `${(call.received - call.sent).toFixed(0)} ms` : '?');
  return [
    `  ${text.padEnd(36)} rows ${ms(timing.rowsAt - firstSent)}  count ${ms(timing.countAt - firstSent)} (${expected.count.toLocaleString('en-US')})` +
      `  after the ${debounce.toFixed(0)} ms typing debounce (target < ${FILTER_TARGET_MS} ms: ${verdict(afterDebounce, FILTER_TARGET_MS)});` +
      ` ${(shown - timing.typedAt).toFixed(0)} ms from the last keystroke`,
    `    round trips: flows.count ${round(countCall)}, flows.page ${round(pageCall)} (the server answers in order);` +
      ` rows drawn ${pageCall?.received ? (timing.rowsAt - pageCall.received).toFixed(0) : '?'} ms after the page arrived;` +
      ` the store alone: count ${expected.countMs.toFixed(0)} ms, page ${expected.pageMs.toFixed(0)} ms`,
  ];
}

async function heapSample(cdp: CDPSession, page: Page): Promise<{ usedBytes: number; nodes: number; rows: number }> {
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const nodes = metrics.find((m) => m.name === 'Nodes')?.value ?? NaN;
  const rows = await page.locator('.flow-scroll [data-flow-id]').count();
  return { usedBytes: usedSize, nodes, rows };
}

async function scrollLines(page: Page, cdp: CDPSession, topId: number): Promise<string[]> {
  const lines = ['  renderer heap while scrolling down one viewport per frame (after a forced GC each time):'];
  const samples: Array<{ mark: number; usedBytes: number }> = [];
  let passed = 0;
  let totalMs = 0;
  let blankFrames = 0;
  let waitsForPage = 0;
  let pageWaitMs = 0;
  let longestPageWaitMs = 0;
  let steps = 0;
  const started = performance.now();
  for (const mark of HEAP_MARKS) {
    if (mark > passed) {
      const budgetMs = SCROLL_BUDGET_MS - (performance.now() - started);
      const result = await page.evaluate(scrollInPage, { topId, rowsToPass: mark - passed, budgetMs, stallLimitMs: 10_000 });
      passed = result.rowsPassed;
      totalMs += result.ms;
      blankFrames += result.blankFrames;
      waitsForPage += result.waitsForPage;
      pageWaitMs += result.pageWaitMs;
      longestPageWaitMs = Math.max(longestPageWaitMs, result.longestPageWaitMs);
      steps += result.steps;
      if (passed < mark) {
        lines.push(`    stopped at ${passed.toLocaleString('en-US')} rows: scrolling took longer than ${SCROLL_BUDGET_MS / 1000} s`);
        break;
      }
    }
    const sample = await heapSample(cdp, page);
    samples.push({ mark, usedBytes: sample.usedBytes });
    lines.push(
      `    ${passed.toLocaleString('en-US').padStart(8)} rows passed: JS heap ${(sample.usedBytes / MIB).toFixed(1).padStart(5)} MiB,` +
        ` DOM nodes ${String(sample.nodes).padStart(5)}, rows in DOM ${sample.rows}`,
    );
  }
  const at = (mark: number) => samples.find((s) => s.mark === mark)?.usedBytes;
  const from = at(10_000);
  const to = at(HEAP_MARKS[HEAP_MARKS.length - 1]!);
  if (from !== undefined && to !== undefined) {
    const growth = (to - from) / MIB;
    lines.push(`    heap growth 10,000 -> 100,000 rows: ${growth >= 0 ? '+' : ''}${growth.toFixed(2)} MiB (target: flat, the list keeps at most 1,000 rows): ${Math.abs(growth) < 2 ? 'OK' : 'GROWING'}`);
  }
  const rowsPerSecond = passed / (totalMs / 1000);
  lines.push(
    `    scrolled ${passed.toLocaleString('en-US')} rows in ${(totalMs / 1000).toFixed(1)} s (${Math.round(rowsPerSecond).toLocaleString('en-US')} rows/s, ${steps} steps);` +
      ` ${blankFrames} frames had a blank edge`,
    `    ${waitsForPage} steps reached the end of the loaded rows and waited for the next page: ${(pageWaitMs / Math.max(1, waitsForPage)).toFixed(0)} ms on average,` +
      ` ${longestPageWaitMs.toFixed(0)} ms at most (FlowList asks for it 40 rows ahead: two frames at this speed)`,
  );
  return lines;
}

export async function benchUi(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'flowscope-bench-ui-'));
  const lines = [
    `UI over ${FLOWS.toLocaleString('en-US')} flows: flowscope serve + Chromium (targets: first page < ${FIRST_PAGE_TARGET_MS} ms,` +
      ` host/status filter < ${FILTER_TARGET_MS} ms, heap flat while scrolling)`,
  ];
  let serve: Serve | null = null;
  let browser: Browser | null = null;
  try {
    const file = join(dir, 'flows.db');
    const seeding = timed(() => seedFlows(file, FLOWS));
    const expected = expectations(file);
    lines.push(`  seeded in ${(seeding.ms / 1000).toFixed(1)} s`);
    serve = await startServe(dir);
    browser = await launchChromium();
    const page = await browser.newPage();
    await page.addInitScript(installProbes);

    const cdp = await page.context().newCDPSession(page);
    // goto until the first row is visible. The very first load also pays for starting Chromium's
    // renderer and network service; an empty cache in a running browser is the usual cold case.
    const fresh = await loadFirstPage(page, serve.uiUrl);
    const emptyCache: FirstPage[] = [];
    for (let i = 0; i < EMPTY_CACHE_LOADS; i++) {
      await cdp.send('Network.clearBrowserCache');
      emptyCache.push(await loadFirstPage(page, serve.uiUrl));
    }
    const warm: FirstPage[] = [];
    for (let i = 0; i < WARM_LOADS; i++) warm.push(await loadFirstPage(page, serve.uiUrl));
    lines.push(
      `  first page: page.goto until the first row is visible`,
      firstPageLine('first load after Chromium starts', [fresh]),
      firstPageLine('empty cache (Network.clearBrowserCache)', emptyCache),
      firstPageLine('warm cache (reload)', warm),
      breakdown('first load', fresh),
      breakdown('empty cache', typical(emptyCache)),
      breakdown('warm', typical(warm)),
    );

    const all = expected.get('')!;
    // Start from the settled, unfiltered list: the count too, which arrives on its own.
    await applyFilter(page, '', all);
    lines.push(`  filters typed into the filter bar, timed from the debounced request until the rows and the count are shown:`);
    for (const text of FILTERS) {
      const want = expected.get(text)!;
      lines.push(...filterLines(text, await applyFilter(page, text, want), want));
      await applyFilter(page, '', all);
    }

    await cdp.send('Performance.enable');
    lines.push(...(await scrollLines(page, cdp, all.firstIds[0]!)));
    await cdp.detach();
  } finally {
    await browser?.close();
    await serve?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return lines;
}
