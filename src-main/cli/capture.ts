/**
 * `flowscope capture URL`: opens URL in a headless Chromium routed through Flowscope (trusting its
 * CA for that profile only), optionally clicks something, waits, and prints the captured URLs that
 * match, best first (the watches' ranking). "Find the stream URL of this page" in one command.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { playlistKind, rankUrls, type RankedUrl } from '../../src-shared/watch/index.js';
import { detectBrowsers } from '../os/browsers/detect.js';
import { startProxyRuntime } from '../service/proxy-runtime.js';
import { readRuntimeFile } from '../service/runtime-file.js';
import { FlowStore } from '../store/index.js';
import { caInfo } from '../ca/index.js';

export interface CaptureOptions {
  match?: string;
  click?: string;
  waitSeconds: number;
  json: boolean;
  out?: NodeJS.WritableStream;
  err?: NodeJS.WritableStream;
}

/** Flows to look at, at most: a page that loads thousands of resources still answers quickly. */
const MAX_FLOWS = 5_000;

function chromiumPath(): string {
  const found = detectBrowsers().find((b) => b.id !== 'firefox');
  if (!found) throw new Error('No Chromium-family browser was found (Chrome, Chromium, Edge or Brave). Install one, e.g. sudo apt-get install chromium.');
  return found.path;
}

/** The flows captured since `afterId` whose URL matches, ranked; playlists judged by their bodies. */
function rankCaptured(store: FlowStore, afterId: number, match: RegExp | null): RankedUrl[] {
  const flows = store.exportPage(undefined, { afterId, limit: MAX_FLOWS, bodies: 'decoded' });
  const seen = new Map<string, ReturnType<typeof playlistKind>>();
  for (const { flow, responseBody } of flows) {
    if (flow.kind !== 'http' || (match && !match.test(flow.url))) continue;
    const text = responseBody && responseBody.encoding === null ? Buffer.from(responseBody.bytes).toString('utf8', 0, 65_536) : '';
    const kind = playlistKind(text);
    if (!seen.has(flow.url) || kind) seen.set(flow.url, kind ?? seen.get(flow.url) ?? null);
  }
  return rankUrls([...seen].map(([url, playlist]) => ({ url, playlist })));
}

export async function captureCommand(dataDir: string, url: string, options: CaptureOptions): Promise<number> {
  const out = options.out ?? process.stdout;
  const err = options.err ?? process.stderr;
  let match: RegExp | null = null;
  if (options.match) {
    try {
      match = new RegExp(options.match, 'i');
    } catch (error) {
      throw new Error(`--match "${options.match}" is not a regular expression: ${(error as Error).message}`);
    }
  }
  const running = readRuntimeFile(dataDir);
  const runtime = running ? null : await startProxyRuntime({ dataDir, port: 0 });
  const proxyUrl = running?.proxyUrl ?? runtime!.engine.url;
  const certPem = runtime?.ca.certPem ?? readFileSync(running!.caCertPath, 'utf8');
  const store = runtime?.store ?? FlowStore.open(running!.databasePath, { readonly: true });
  const profile = mkdtempSync(path.join(os.tmpdir(), 'flowscope-capture-'));
  const firstId = (store.flush(), store.pageSummaries({ limit: 1 }).items[0]?.id ?? 0);
  err.write(`Capturing ${url} through ${proxyUrl}${running ? '' : ' (a Flowscope started for this command)'}...\n`);
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath(),
      headless: true,
      args: [
        `--proxy-server=${new URL(proxyUrl).host}`,
        '--proxy-bypass-list=<-loopback>',
        `--ignore-certificate-errors-spki-list=${caInfo(certPem, '').spkiSha256}`,
        '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run',
        ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
      ],
    });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 30_000 }).catch((error: Error) => {
        err.write(`The page did not finish loading (${error.message.split('\n')[0]}); reporting what was captured.\n`);
      });
      if (options.click) await page.click(options.click, { timeout: 10_000 });
      await page.waitForTimeout(options.waitSeconds * 1000);
    } finally {
      await context.close();
    }
    if (runtime) await runtime.store.committed();
    else await new Promise((resolve) => setTimeout(resolve, 300)); // the running proxy's writer commits every 50 ms
    const ranked = rankCaptured(store, firstId, match);
    if (options.json) out.write(`${JSON.stringify(ranked, null, 2)}\n`);
    else if (ranked.length === 0) err.write(`No captured URL matched${options.match ? ` ${options.match}` : ''}.\n`);
    else out.write(ranked.map((r, i) => `${i === 0 ? '*' : ' '} ${r.url}${i === 0 && r.reasons.length ? `    (${r.reasons.join('; ')})` : ''}\n`).join(''));
    return ranked.length > 0 ? 0 : 1;
  } finally {
    rmSync(profile, { recursive: true, force: true });
    if (runtime) await runtime.stop();
    else store.close();
  }
}
