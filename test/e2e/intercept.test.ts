/**
 * The Intercept view and the CA page's trust stores in Chromium against a real `flowscope serve`:
 * what this machine offers (browsers, a terminal, the system proxy) and the CA's trust status,
 * without changing the machine (no toggle is clicked here; the OS actions have their own tests).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, launchChromium, screenshot, startServe, tempDataDir, type ServeProcess, openUi } from './harness.js';

describe('intercept and trust in the browser', () => {
  const data = tempDataDir();
  let serve: ServeProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    assertBuilt();
    [serve, browser] = await Promise.all([startServe(data.dir), launchChromium()]);
    ({ context, page, pageErrors } = await openUi(browser, serve));
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await serve?.stop();
    data.remove();
  });

  it('lists the ways to send traffic through Flowscope, with this proxy\'s address', async () => {
    await page.getByRole('tab', { name: 'Intercept' }).click();
    await page.getByRole('button', { name: 'Open Chromium' }).waitFor();
    expect(await page.getByTestId('proxy-address').innerText()).toBe(serve.proxyUrl.replace('http://', ''));
    await page.getByRole('heading', { name: 'System proxy' }).waitFor();
    await page.getByText('flowscope run -- COMMAND').waitFor();
    await screenshot(page, 'intercept-view');
  });

  it('shows where the CA is trusted, and asks before regenerating it', async () => {
    await page.getByRole('tab', { name: 'CA' }).click();
    const stores = page.getByTestId('trust-stores');
    await stores.getByText(/this system/).waitFor();
    expect(await stores.getByText('not trusted').count()).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Regenerate the CA…' }).click();
    await page.getByText(/Every client that trusts this CA must then trust the new one/).waitFor();
    await screenshot(page, 'ca-trust-and-regenerate');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Regenerate the CA…' }).waitFor();
    expect(pageErrors).toEqual([]);
  });
});
