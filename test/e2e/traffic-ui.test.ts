/**
 * The traffic UI in Chromium against a real `flowscope serve`: live flows, filtering, the detail
 * pane, a WebSocket conversation, the other views, settings across a restart, and the token gate
 * (at the door, and for a page whose token stopped working).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpOrigin, startWsOrigin, type HttpOrigin, type WsOrigin } from '../fixtures/index.js';
import { requestViaProxy, webSocketViaProxy } from '../fixtures/proxy-clients.js';
import { assertBuilt, codeViewText, launchChromium, screenshot, startServe, tempDataDir, type ServeProcess, openUi } from './harness.js';

const rows = (page: Page) => page.locator('.flow-scroll .flow-row');
const row = (page: Page, path: string) => rows(page).filter({ has: page.locator('.path', { hasText: path }) });

describe('traffic UI in the browser', () => {
  const data = tempDataDir();
  let serve: ServeProcess;
  let origin: HttpOrigin;
  let wsOrigin: WsOrigin;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    assertBuilt();
    [serve, origin, wsOrigin, browser] = await Promise.all([startServe(data.dir), startHttpOrigin(), startWsOrigin(), launchChromium()]);
    ({ context, page, pageErrors } = await openUi(browser, serve));
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await serve?.stop();
    await Promise.all([origin?.close(), wsOrigin?.close()]);
    data.remove();
  });

  it('shows the empty state with the curl command for this proxy, then flows as they arrive', async () => {
    const empty = page.getByTestId('empty-state');
    await empty.getByText(`curl --proxy ${serve.proxyUrl} http://example.com/`).waitFor();
    await screenshot(page, 'empty-state');

    for (const route of ['/hello', '/gzip', '/status/404', '/status/503', '/headers']) await requestViaProxy(serve.proxyUrl, `${origin.url}${route}`);
    await row(page, '/headers').waitFor();
    expect(await rows(page).count()).toBe(5);
    // Newest first.
    expect(await rows(page).first().locator('.path').innerText()).toBe('/headers');
    expect(await row(page, '/status/404').locator('.status').getAttribute('class')).toContain('tone-client-error');
    expect(await row(page, '/status/503').locator('.status').getAttribute('class')).toContain('tone-server-error');
    await page.getByTestId('flow-count').getByText('5 flows').waitFor();
    await screenshot(page, 'traffic-list');
  });

  it('marks an invalid filter in place and narrows the list with a valid one', async () => {
    const input = page.getByRole('searchbox', { name: 'Filter flows' });
    await input.fill('~c');
    await page.getByTestId('filter-error-span').waitFor();
    expect(await input.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#filter-error').innerText()).not.toBe('');
    await screenshot(page, 'filter-invalid');
    expect(await rows(page).count()).toBe(5);

    await input.fill('~c 5xx | ~u gzip');
    await page.waitForFunction(() => document.querySelectorAll('.flow-scroll .flow-row').length === 2);
    expect(await input.getAttribute('aria-invalid')).toBe('false');
    await page.getByTestId('flow-count').getByText('2 matching').waitFor();
    await screenshot(page, 'filter-applied');

    // A new matching flow arrives while filtered: the first page is queried again.
    await requestViaProxy(serve.proxyUrl, `${origin.url}/status/500`);
    await requestViaProxy(serve.proxyUrl, `${origin.url}/hello?not-matching`);
    await row(page, '/status/500').waitFor();
    expect(await rows(page).count()).toBe(3);

    await input.fill('');
    await page.waitForFunction(() => document.querySelectorAll('.flow-scroll .flow-row').length === 7);
  });

  it('shows headers in their raw order and a pretty-printed JSON body', async () => {
    await row(page, '/headers').click();
    const headers = page.getByRole('table', { name: 'Response headers' });
    await headers.waitFor();
    const names = await headers.locator('th').allInnerTexts();
    expect(names.slice(0, 7)).toEqual(['Content-Type', 'Set-Cookie', 'X-Custom-First', 'Set-Cookie', 'x-lower-case', 'X-MiXeD-CaSe', 'Set-Cookie']);

    await row(page, '/gzip').click();
    await page.getByRole('table', { name: 'Response headers' }).getByText('gzip', { exact: true }).waitFor();
    await page.locator('.code-view .view-lines').getByText('compressed hello').waitFor();
    const text = await codeViewText(page);
    expect(text).toContain('"message": "compressed hello",');
    expect(text).toMatch(/"items": \[\n\s+0,\n\s+1,/);
    await screenshot(page, 'flow-detail-json');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
    await screenshot(page, 'flow-detail-json-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // Keyboard: up moves the selection to the newer row, and the detail follows.
    await page.getByRole('grid', { name: 'Flows' }).focus();
    await page.keyboard.press('ArrowUp');
    await page.locator('.detail .url', { hasText: '/status/404' }).waitFor();
  });

  it('shows a WebSocket conversation message by message', async () => {
    const socket = await webSocketViaProxy(serve.proxyUrl, `${wsOrigin.url}/chat`);
    const echoes: string[] = [];
    socket.on('message', (data) => echoes.push(String(data)));
    socket.send('hello over websocket');
    await expect.poll(() => echoes.length).toBe(1);
    socket.send(JSON.stringify({ kind: 'greeting', id: 7 }));
    await expect.poll(() => echoes.length).toBe(2);

    await row(page, '/chat').click();
    await page.getByRole('tab', { name: /Messages/ }).click();
    const messages = page.locator('.ws-row');
    await expect.poll(() => messages.count(), { timeout: 10_000 }).toBe(4);
    expect(await messages.locator('.dir').allInnerTexts()).toEqual(['↑', '↓', '↑', '↓']);
    await messages.nth(2).click();
    await page.locator('.message-view .view-lines').getByText('greeting').waitFor();
    expect((await page.locator('.message-view .view-lines').innerText()).replace(/\u00a0/g, ' ')).toContain('"kind": "greeting",');

    // Live: a message sent now appears while the flow is open.
    socket.send('one more');
    await expect.poll(() => messages.count(), { timeout: 10_000 }).toBe(6);
    await screenshot(page, 'websocket-messages');
    socket.close();
  });

  it('tells the user when a client rejects the certificate, and leads to the CA helper', async () => {
    // A client that trusts only the system roots, as a browser would before the CA is installed.
    const rejected = await requestViaProxy(serve.proxyUrl, 'https://untrusted.example:443/').catch((error: Error) => error);
    expect(rejected).toBeInstanceOf(Error);
    const notice = page.getByTestId('tls-rejections');
    await notice.getByText(/rejected Flowscope's certificate for untrusted\.example/).waitFor();
    await screenshot(page, 'tls-rejected-notice');
    await notice.getByRole('button', { name: 'Install the CA' }).click();
    await page.getByRole('tab', { name: 'CA', selected: true }).waitFor();
    await page.getByTestId('tls-rejections').getByRole('button', { name: 'Dismiss' }).click();
    await notice.waitFor({ state: 'detached' });
    await page.getByRole('tab', { name: 'Traffic' }).click();
  });

  it('shows statistics and the CA helper', async () => {
    await page.getByRole('tab', { name: 'Stats' }).click();
    await page.getByTestId('stats-total').getByText('8').waitFor();
    await screenshot(page, 'stats');

    await page.getByRole('tab', { name: 'CA', exact: true }).click();
    const fingerprint = await page.getByTestId('ca-fingerprint').innerText();
    expect(fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download PEM' }).click();
    expect((await download).suggestedFilename()).toMatch(/\.pem$/);
    await screenshot(page, 'ca-helper');
  });

  it('keeps settings across a restart of serve, and shows a refused value next to its field', async () => {
    await page.getByRole('tab', { name: 'Settings' }).click();
    const maxBody = page.locator('input[name="maxBodySize"]');
    await maxBody.fill('2048');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('settings-saved').getByText('Bodies are now kept up to 2048 bytes each, from the next flow on.').waitFor();
    expect(await maxBody.getAttribute('aria-invalid')).toBe('false');
    await screenshot(page, 'settings-saved');

    // Emptied, the cap would read as 0 (keep no bodies): the form refuses it where it was typed.
    await maxBody.fill('');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#maxBodySize-error').getByText('Body size cap (bytes) cannot be empty').waitFor();
    expect(await maxBody.getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByTestId('settings-saved').count()).toBe(0);

    await maxBody.fill('2048');
    const port = page.locator('input[name="proxyPort"]');
    await port.fill('99999');
    await page.getByRole('button', { name: 'Save' }).click();
    const portError = page.locator('#proxyPort-error');
    await portError.waitFor();
    expect(await port.getAttribute('aria-invalid')).toBe('true');
    expect(await port.getAttribute('aria-describedby')).toBe('proxyPort-error');
    expect(await portError.innerText()).toMatch(/^Proxy port must be at most 65535/);
    expect(await maxBody.getAttribute('aria-invalid')).toBe('false');
    await screenshot(page, 'settings-refused');

    await serve.stop();
    serve = await startServe(data.dir);
    await page.goto(serve.uiUrl);
    await page.getByRole('tab', { name: 'Settings' }).click();
    await expect.poll(() => page.locator('input[name="maxBodySize"]').inputValue()).toBe('2048');
    expect(pageErrors).toEqual([]);
  });

  it('refuses the UI without the token', async () => {
    const stranger = await browser.newContext();
    try {
      const response = await (await stranger.newPage()).goto(`${serve.uiOrigin}/`);
      expect(response?.status()).toBe(401);
    } finally {
      await stranger.close();
    }
  });

  it('tells a page whose token stopped working where to get one, instead of reconnecting forever', async () => {
    const stranger = await browser.newContext({ viewport: { width: 1400, height: 500 } });
    const other = tempDataDir();
    try {
      const stale = await stranger.newPage();
      let attempts = 0;
      stale.on('websocket', () => attempts++);
      await stale.goto(serve.uiUrl);
      await stale.getByTestId('flow-count').getByText(/\d/).waitFor();
      // Another serve on the same address, with another data directory and so another token.
      const uiPort = Number(new URL(serve.uiOrigin).port);
      await serve.stop();
      serve = await startServe(other.dir, uiPort);
      const banner = stale.getByTestId('connection-banner');
      await banner.filter({ hasText: 'no valid token' }).waitFor({ timeout: 15_000 });
      expect(await banner.innerText()).toBe('This page has no valid token for Flowscope. Open the UI address that flowscope serve printed (it carries the token).');
      expect(await banner.getAttribute('role')).toBe('alert');
      const attemptsWhenRefused = attempts;
      await stale.waitForTimeout(3_000);
      expect(attempts).toBe(attemptsWhenRefused);
      await screenshot(stale, 'token-refused');
    } finally {
      await stranger.close();
      await serve.stop();
      other.remove();
    }
  });
});
