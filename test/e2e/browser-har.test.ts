/**
 * A HAR written by a real browser imports: Chromium (driven by Playwright, which records the HAR
 * from Chromium's own network events) loads a page that fetches JSON, posts a form and gets a
 * gzip response and an image; Flowscope imports that file and shows the same exchanges.
 */
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../src-shared/model/settings.js';
import { createApiService } from '../../src-main/service/api-service.js';
import type { ApiService } from '../../src-main/service/api-service-types.js';
import { startTestProxy, tempDir, type TestProxy } from '../integration/harness.js';
import { launchChromium } from './harness.js';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');
const PAGE = `<!doctype html><title>HAR source</title><img src="/pixel.png">
<script>
  fetch('/api/items?page=2').then((r) => r.json()).then(() =>
    fetch('/api/login', { method: 'POST', headers: { 'content-type': 'application/json', 'x-trace': 't1' }, body: JSON.stringify({ user: 'ada' }) }))
    .then((r) => r.text()).then(() => fetch('/zipped')).then((r) => r.text()).then(() => (document.title = 'done'));
</script>`;

let site: Server;
let siteUrl: string;
let browser: Browser;
let proxy: TestProxy;
let service: ApiService;
const dir = tempDir('flowscope-browser-har-');

beforeAll(async () => {
  site = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
      else if (req.url === '/pixel.png') res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
      else if (req.url?.startsWith('/api/items')) res.writeHead(200, { 'content-type': 'application/json' }).end('{"items":[1,2,3]}');
      else if (req.url === '/api/login') res.writeHead(201, { 'content-type': 'application/json', 'set-cookie': 'sid=abc; HttpOnly' }).end(Buffer.concat(chunks));
      else if (req.url === '/zipped') res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' }).end(gzipSync('unzipped text'));
      else res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as { port: number }).port}`;
  browser = await launchChromium();
  proxy = await startTestProxy();
  service = createApiService(proxy.runtime, { settings: DEFAULT_SETTINGS });
});

afterAll(async () => {
  service?.dispose();
  await proxy?.close();
  await browser?.close();
  await new Promise((resolve) => site?.close(resolve));
});

describe('a HAR recorded by Chromium', () => {
  it('imports with its requests, statuses, headers and decoded bodies', async () => {
    const harFile = path.join(dir, 'chromium.har');
    const context = await browser.newContext({ recordHar: { path: harFile, content: 'embed' } });
    const page = await context.newPage();
    await page.goto(siteUrl);
    await page.waitForFunction(() => document.title === 'done');
    await context.close();

    const result = await service.handlers['import.flows']({ filename: 'chromium.har', text: readFileSync(harFile, 'utf8') });
    expect(result.format).toBe('har');
    const flows = await Promise.all(
      Array.from({ length: result.imported }, (_, i) => service.handlers['flows.get']({ id: result.firstId! + i })),
    );
    const byPath = new Map(flows.map((f) => [f.path, f]));
    expect([...byPath.keys()].sort()).toEqual(['/', '/api/items?page=2', '/api/login', '/pixel.png', '/zipped'].sort());
    expect(byPath.get('/api/login')).toMatchObject({ method: 'POST', statusCode: 201, source: 'import' });
    expect(byPath.get('/api/login')!.requestHeaders).toContainEqual([expect.stringMatching(/^x-trace$/i), 't1']);

    const body = async (p: string, side: 'request' | 'response') => {
      const view = await service.handlers['flows.body']({ id: byPath.get(p)!.id, side });
      return Buffer.from(view!.base64, 'base64');
    };
    expect((await body('/api/login', 'request')).toString()).toBe('{"user":"ada"}');
    expect((await body('/api/items?page=2', 'response')).toString()).toBe('{"items":[1,2,3]}');
    expect((await body('/zipped', 'response')).toString()).toBe('unzipped text');
    expect((await body('/pixel.png', 'response')).equals(PNG)).toBe(true);
  });
});
