/**
 * End-to-end plumbing: a real `flowscope serve` child process on port 0, and Chromium driven by
 * playwright-core. Everything started here is stopped by the returned handles.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = path.join(ROOT, 'bin', 'flowscope.js');
const SCREENSHOTS = path.join(ROOT, 'test-results', 'screenshots');
const START_TIMEOUT_MS = 20_000;

export interface ServeProcess {
  /** "http://127.0.0.1:PORT/?token=…" as printed. */
  uiUrl: string;
  /** "http://127.0.0.1:PORT" without the token. */
  uiOrigin: string;
  proxyUrl: string;
  stop(): Promise<void>;
}

export function assertBuilt(): void {
  for (const file of ['dist/src-main/cli/main.js', 'dist/renderer/index.html']) {
    if (!existsSync(path.join(ROOT, file))) throw new Error(`${file} is missing: run \`npm run build && npm run build:renderer\` before the e2e tests.`);
  }
}

export function tempDataDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flowscope-e2e-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** `uiPort` 0 takes a free port; a given one lets a page opened on an earlier serve reconnect to this one. */
export async function startServe(dataDir: string, uiPort = 0): Promise<ServeProcess> {
  const child = spawn(process.execPath, [BIN, 'serve', '--data-dir', dataDir, '--proxy-port', '0', '--ui-port', String(uiPort)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited(child);
      clearTimeout(timer);
    }
  };
  try {
    const urls = await new Promise<{ uiUrl: string; proxyUrl: string }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`flowscope serve printed no URLs in time:\n${output}`)), START_TIMEOUT_MS);
      const onData = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const ui = /^UI: (\S+)$/m.exec(output)?.[1];
        const proxy = /^Flowscope is capturing on (\S+)$/m.exec(output)?.[1];
        if (ui && proxy) {
          clearTimeout(timer);
          resolve({ uiUrl: ui, proxyUrl: proxy });
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`flowscope serve exited with ${code}:\n${output}`));
      });
    });
    return { ...urls, uiOrigin: new URL(urls.uiUrl).origin, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

/** Monaco draws spaces as no-break spaces; tests compare ordinary text. */
export async function codeViewText(page: Page): Promise<string> {
  return (await page.locator('.code-view .view-lines').first().innerText()).replace(/\u00a0/g, ' ');
}

export interface UiPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and CSP refusals seen so far: a test ends by expecting none. */
  pageErrors: string[];
}

/**
 * A fresh context and page on the served UI, the way every UI test starts: light theme, no
 * animations, a 10 s step timeout, and page errors collected.
 */
export async function openUi(
  browser: Browser,
  serve: ServeProcess,
  options: { width?: number; height?: number; downloads?: boolean; clipboard?: boolean } = {},
): Promise<UiPage> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1400, height: options.height ?? 860 },
    colorScheme: 'light',
    reducedMotion: 'reduce',
    ...(options.downloads && { acceptDownloads: true }),
  });
  if (options.clipboard) await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: serve.uiOrigin });
  const page = await context.newPage();
  // Fail a step well inside the test's own timeout, with Playwright's description of what was awaited.
  page.setDefaultTimeout(10_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/.test(message.text())) pageErrors.push(message.text());
  });
  await page.goto(serve.uiUrl);
  return { context, page, pageErrors };
}
