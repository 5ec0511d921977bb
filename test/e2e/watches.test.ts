/**
 * Watches, the policy settings and the traffic-class badges in Chromium against a real
 * `flowscope serve`: an origin serves an HLS master playlist and media playlists under URLs with
 * and without a token; a watch on `~u \.m3u8` that collects URLs counts them live and picks the
 * tokenized master (known from its body, not its name) as the best URL. Then the Settings view
 * saves a block rule and proxy authentication and refuses a bad CIDR next to its field.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenOnLoopback, type OriginServer } from '../fixtures/listen.js';
import { requestViaProxy } from '../fixtures/proxy-clients.js';
import { assertBuilt, launchChromium, screenshot, startServe, tempDataDir, type ServeProcess, openUi } from './harness.js';

const MASTER = '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360\nrendition-360p-low-bitrate.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=2400000,RESOLUTION=1280x720\nchunks_720.m3u8\n';
const MEDIA = '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:6\n#EXTINF:6.0,\nseg1.ts\n#EXTINF:6.0,\nseg2.ts\n#EXT-X-ENDLIST\n';
const TOKEN = 'token=9f86d081884c7d65&exp=1767225600';

/** index.m3u8 is the master (its name says nothing); the other playlists are media playlists. */
async function startHlsOrigin(): Promise<OriginServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path.endsWith('.m3u8')) {
      res.writeHead(200, { 'Content-Type': 'application/vnd.apple.mpegurl' });
      res.end(path.endsWith('/index.m3u8') ? MASTER : MEDIA);
    } else if (path.startsWith('/openai/') || path.startsWith('/mcp')) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"ok":true}');
    } else {
      res.writeHead(200, { 'Content-Type': 'video/mp2t' });
      res.end(Buffer.alloc(188));
    }
  });
  return listenOnLoopback(server, 'http');
}

const rows = (page: Page) => page.locator('.flow-scroll .flow-row');
const row = (page: Page, path: string) => rows(page).filter({ has: page.locator('.path', { hasText: path }) });

describe('watches, policy settings and traffic badges in the browser', () => {
  const data = tempDataDir();
  let serve: ServeProcess;
  let origin: OriginServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[] = [];
  const get = (path: string, headers?: Record<string, string>) => requestViaProxy(serve.proxyUrl, `${origin.url}${path}`, { headers });

  beforeAll(async () => {
    assertBuilt();
    [serve, origin, browser] = await Promise.all([startServe(data.dir), startHlsOrigin(), launchChromium()]);
    ({ context, page, pageErrors } = await openUi(browser, serve, { width: 1500, height: 900, downloads: true, clipboard: true }));
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await serve?.stop();
    await origin?.close();
    data.remove();
  });

  it('adds a watch from the panel, refusing a bad filter at its input', async () => {
    await page.getByRole('button', { name: 'Watches' }).click();
    const panel = page.getByRole('complementary', { name: 'Watches' });
    await panel.getByText('No watches yet.').waitFor();
    await panel.getByRole('button', { name: 'Add watch' }).click();
    const form = panel.getByRole('form', { name: 'Add watch' });
    await form.getByLabel('Name').fill('Playlists');
    const filter = form.getByLabel('Filter');
    await filter.fill('~u (\\.m3u8');
    await form.getByTestId('watch-filter-error').waitFor();
    expect(await filter.getAttribute('aria-invalid')).toBe('true');
    expect(await form.getByRole('button', { name: 'Add watch' }).isDisabled()).toBe(true);
    await screenshot(page, 'watch-filter-invalid');

    await filter.fill('~u \\.m3u8');
    expect(await filter.getAttribute('aria-invalid')).toBe('false');
    await form.getByLabel('Collect URLs and pick the best one').check();
    await form.getByRole('button', { name: 'Add watch' }).click();
    const watch = panel.getByRole('region', { name: 'Watch Playlists' });
    await watch.getByTestId('watch-count').getByText('0').waitFor();
    await watch.getByText('No matching flows yet.').waitFor();
  });

  it('counts matching flows live and picks the tokenized master playlist as the best URL', async () => {
    const watch = page.getByRole('region', { name: 'Watch Playlists' });
    const playlists = [
      '/hls/index.m3u8', `/hls/index.m3u8?${TOKEN}`, '/hls/chunks_720.m3u8', `/hls/chunks_720.m3u8?${TOKEN}`,
      `/hls/rendition-360p-low-bitrate.m3u8?${TOKEN}`, '/hls/index.m3u8',
    ];
    for (const path of playlists.slice(0, 3)) await get(path);
    await watch.getByTestId('watch-count').getByText('3').waitFor();
    for (const path of [...playlists.slice(3), '/hls/seg1.ts', `/hls/seg2.ts?${TOKEN}`]) await get(path);
    await watch.getByTestId('watch-count').getByText('6').waitFor();
    expect(await watch.locator('.watch-flow').count()).toBe(5);

    // The longer tokenized media playlist loses to the master: its body lists renditions.
    const best = watch.getByTestId('best-url');
    await best.locator('.url-text').getByText(`${origin.url}/hls/index.m3u8?${TOKEN}`, { exact: true }).waitFor();
    expect(await best.locator('.reasons').innerText()).toBe(`carries authentication (token, exp) · master playlist · ${`${origin.url}/hls/index.m3u8?${TOKEN}`.length} characters long`);
    expect(await watch.getByTestId('url-summary').innerText()).toBe('5 unique URLs from 6 flows');
    expect(await watch.locator('.url-list li .url-text').allInnerTexts()).toEqual([
      `${origin.url}/hls/index.m3u8?${TOKEN}`,
      `${origin.url}/hls/rendition-360p-low-bitrate.m3u8?${TOKEN}`,
      `${origin.url}/hls/chunks_720.m3u8?${TOKEN}`,
      `${origin.url}/hls/index.m3u8`,
      `${origin.url}/hls/chunks_720.m3u8`,
    ]);
    await screenshot(page, 'watches-panel');

    await watch.getByRole('button', { name: 'Copy best URL' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`${origin.url}/hls/index.m3u8?${TOKEN}`);
    const download = page.waitForEvent('download');
    await watch.getByRole('button', { name: 'Export list' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('playlists-urls.txt');
    expect(readFileSync((await file.path())!, 'utf8').split('\n')[0]).toBe(`${origin.url}/hls/index.m3u8?${TOKEN}`);

    // A newest flow in the watch opens in the detail pane.
    await watch.locator('.watch-flow').nth(1).click();
    await page.locator('.detail .url', { hasText: `/hls/rendition-360p-low-bitrate.m3u8?${TOKEN}` }).waitFor();
  });

  it('renames a watch and changes its filter', async () => {
    const panel = page.getByRole('complementary', { name: 'Watches' });
    await panel.getByRole('region', { name: 'Watch Playlists' }).getByRole('button', { name: 'Edit' }).click();
    const form = panel.getByRole('form', { name: 'Save watch' });
    await form.getByLabel('Name').fill('Signed playlists');
    await form.getByLabel('Filter').fill('~u \\.m3u8 & ~u token');
    await form.getByRole('button', { name: 'Save watch' }).click();
    const watch = panel.getByRole('region', { name: 'Watch Signed playlists' });
    await watch.getByTestId('watch-count').getByText('3').waitFor();
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
    await screenshot(page, 'watches-panel-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('marks LLM and MCP flows in the list and says the class in the detail', async () => {
    await get('/openai/deployments/gpt/chat/completions?api-version=2024-06-01');
    await get('/mcp/messages');
    const llm = row(page, '/openai/deployments');
    await llm.locator('.badge.class-llm').waitFor();
    await row(page, '/mcp/messages').locator('.badge.class-mcp').waitFor();
    expect(await row(page, '/hls/seg1.ts').locator('.badge').count()).toBe(0);
    await llm.click();
    await page.getByTestId('flow-policy').getByText('LLM traffic').waitFor();
    expect(pageErrors).toEqual([]);
  });
});
