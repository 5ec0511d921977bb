/**
 * The policy sections of the Settings view in Chromium against a real `flowscope serve`: a block
 * rule saved there stops the next request (a "blocked" badge in the list, the rule in the detail),
 * a bad CIDR is refused next to its field, proxy authentication is saved without the password ever
 * coming back to the page, and the attempts it judged are listed. Stats break flows down by class.
 */
import { createServer } from 'node:http';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenOnLoopback, type OriginServer } from '../fixtures/listen.js';
import { requestViaProxy } from '../fixtures/proxy-clients.js';
import { assertBuilt, launchChromium, screenshot, startServe, tempDataDir, type ServeProcess, openUi } from './harness.js';

const rows = (page: Page) => page.locator('.flow-scroll .flow-row');
const row = (page: Page, path: string) => rows(page).filter({ has: page.locator('.path', { hasText: path }) });
const CREDENTIALS = { 'Proxy-Authorization': `Basic ${Buffer.from('alice:s3cret').toString('base64')}` };

describe('policy settings in the browser', () => {
  const data = tempDataDir();
  let serve: ServeProcess;
  let origin: OriginServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[] = [];
  const get = (path: string, headers?: Record<string, string>) => requestViaProxy(serve.proxyUrl, `${origin.url}${path}`, { headers });
  const save = () => page.getByRole('button', { name: 'Save', exact: true }).click();
  const saved = () => page.getByTestId('settings-saved');

  beforeAll(async () => {
    assertBuilt();
    const server = createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ path: req.url }));
    });
    [serve, origin, browser] = await Promise.all([startServe(data.dir), listenOnLoopback(server, 'http'), launchChromium()]);
    ({ context, page, pageErrors } = await openUi(browser, serve, { height: 900 }));
    await get('/openai/deployments/gpt/chat/completions');
    await get('/mcp');
    await get('/page.html');
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await serve?.stop();
    await origin?.close();
    data.remove();
  });

  it('saves a block rule that stops the next matching request, shown with a badge and the rule', async () => {
    await page.getByRole('tab', { name: 'Settings' }).click();
    const rules = page.getByRole('group', { name: 'Block rules' });
    await rules.getByText('No block rules.').waitFor();
    await screenshot(page, 'settings-policy-top');
    await rules.getByRole('button', { name: 'Add rule' }).click();
    await rules.getByLabel('Rule 1 pattern').fill('/ads/');
    // An empty second rule is refused where it is, before anything is sent.
    await rules.getByRole('button', { name: 'Add rule' }).click();
    await save();
    await page.locator('#blockRules\\.1-error').getByText('Enter a pattern, or remove the rule.').waitFor();
    await rules.getByRole('button', { name: 'Remove rule 2' }).click();
    // A pattern the service refuses is said under its rule.
    await rules.getByLabel('Rule 1 kind').selectOption('filter');
    await rules.getByLabel('Rule 1 pattern').fill('~zz ads');
    await save();
    await page.locator('#blockRules\\.0-error').getByText(/^Pattern: /).waitFor();
    await rules.getByLabel('Rule 1 kind').selectOption('regex');
    await rules.getByLabel('Rule 1 pattern').fill('/ads/');
    await save();
    await saved().getByText('1 block rule(s) apply from the next request on.').waitFor();
    await rules.scrollIntoViewIfNeeded();
    await screenshot(page, 'settings-block-rules');

    const blocked = await get('/ads/banner.js');
    expect(blocked.status).toBe(403);
    await page.getByRole('tab', { name: 'Traffic' }).click();
    const blockedRow = row(page, '/ads/banner.js');
    await blockedRow.locator('.badge.blocked').waitFor();
    await row(page, '/openai/deployments').locator('.badge.class-llm').waitFor();
    await row(page, '/mcp').locator('.badge.class-mcp').waitFor();
    await blockedRow.click();
    expect(await page.getByTestId('blocked-by').innerText()).toContain('/ads/');
    await screenshot(page, 'badges-and-blocked-detail');
  });

  it('refuses a bad CIDR next to the client list', async () => {
    await page.getByRole('tab', { name: 'Settings' }).click();
    const allow = page.locator('textarea[name="allowIps"]');
    await allow.fill('127.0.0.1\n10.0.0.0/33');
    await save();
    const error = page.locator('#allowIps-error');
    await error.waitFor();
    expect(await error.innerText()).toMatch(/^Allowed clients, line 2: "10\.0\.0\.0\/33": the prefix length must be 0 to 32/);
    expect(await allow.getAttribute('aria-invalid')).toBe('true');
    await allow.scrollIntoViewIfNeeded();
    await screenshot(page, 'settings-bad-cidr');
    await allow.fill('');
    await save();
    await saved().waitFor();
    expect(await allow.getAttribute('aria-invalid')).toBe('false');
  });

  it('saves proxy authentication without ever showing the password again, and lists the attempts', async () => {
    const auth = page.getByRole('group', { name: 'Proxy authentication' });
    await auth.getByLabel('Basic: user and password').check();
    await save();
    await page.locator('#authPassword-error').getByText('Enter a password: none is set yet.').waitFor();
    await auth.getByLabel('User', { exact: true }).fill('alice');
    await auth.getByLabel('Password', { exact: true }).fill('s3cret');
    await save();
    await saved().getByText('Proxy authentication (basic) is required from the next connection on.').waitFor();
    expect(await auth.getByLabel('Password', { exact: true }).inputValue()).toBe('');
    await auth.getByTestId('password-set').waitFor();

    expect((await get('/private')).status).toBe(407);
    expect((await get('/private', CREDENTIALS)).status).toBe(200);
    const attempts = page.getByRole('region', { name: 'Recent authentication attempts' });
    await attempts.getByRole('button', { name: 'Refresh' }).click();
    await attempts.getByText('✓ success').waitFor();
    await attempts.getByText('✕ failure').first().waitFor();
    await attempts.scrollIntoViewIfNeeded();
    await screenshot(page, 'settings-proxy-auth');

    // Saved again without a new password: the stored one is kept.
    await page.locator('textarea[name="llmHosts"]').fill('llm.internal.test');
    await save();
    await saved().getByText('New flows are classified with the new LLM hosts.').waitFor();
    await auth.getByTestId('password-set').waitFor();
    expect((await get('/still-private', CREDENTIALS)).status).toBe(200);
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
    await screenshot(page, 'settings-proxy-auth-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('breaks flows down by traffic class in Stats', async () => {
    await page.getByRole('tab', { name: 'Stats' }).click();
    const card = page.locator('.stats-card', { has: page.getByRole('heading', { name: 'By traffic class' }) });
    await card.locator('.bar-label', { hasText: 'llm' }).waitFor();
    await card.locator('.bar-label', { hasText: 'mcp' }).waitFor();
    await screenshot(page, 'stats-traffic-class');
    expect(pageErrors).toEqual([]);
  });
});
