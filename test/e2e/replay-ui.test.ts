/**
 * Replay, the request editor, batch replay, export, import, delete and copy as curl in Chromium
 * against a real `flowscope serve`, with real origins that record what they received.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusedPort, sha256, startHttpOrigin, type HttpOrigin } from '../fixtures/index.js';
import { requestViaProxy } from '../fixtures/proxy-clients.js';
import { assertBuilt, codeViewText, launchChromium, screenshot, startServe, tempDataDir, type ServeProcess, openUi } from './harness.js';

const rows = (page: Page) => page.locator('.flow-scroll .flow-row');
const row = (page: Page, text: string) => rows(page).filter({ has: page.locator('.path', { hasText: text }) });
const capturedRow = (page: Page, text: string) => row(page, text).filter({ hasNot: page.locator('.badge') });
const idOf = async (page: Page, text: string) => Number(await capturedRow(page, text).first().getAttribute('data-flow-id'));

/** Pairs of Node's flat rawHeaders. */
function headerPairs(raw: readonly string[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i]!, raw[i + 1]!]);
  return pairs;
}

describe('replay, export and import in the browser', () => {
  const data = tempDataDir();
  let serve: ServeProcess;
  let origin: HttpOrigin;
  /** The alternate target: another origin that records what it was sent. */
  let staging: HttpOrigin;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[] = [];

  const menu = () => page.getByRole('menu');
  async function openMenu(text: string, { captured = true } = {}): Promise<void> {
    await (captured ? capturedRow(page, text) : row(page, text)).first().click({ button: 'right' });
    await menu().waitFor();
  }

  beforeAll(async () => {
    assertBuilt();
    [serve, origin, staging, browser] = await Promise.all([startServe(data.dir), startHttpOrigin(), startHttpOrigin(), launchChromium()]);
    ({ context, page, pageErrors } = await openUi(browser, serve, { downloads: true, clipboard: true }));
    // Node's client would name the proxy in Host: name the origin, as a browser does.
    await requestViaProxy(serve.proxyUrl, `${origin.url}/hello?lang=en&n=1`, { headers: { Host: new URL(origin.url).host } });
    await requestViaProxy(serve.proxyUrl, `${origin.url}/echo`, {
      method: 'POST', headers: { 'Content-Type': 'text/plain', 'X-Token': 'original' }, body: 'original body',
    });
    await requestViaProxy(serve.proxyUrl, `${origin.url}/status/404`);
    await row(page, '/status/404').waitFor();
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await serve?.stop();
    await Promise.all([origin?.close(), staging?.close()]);
    data.remove();
  });

  it('replays a flow from the context menu: the replay appears with a badge and links back', async () => {
    const id = await idOf(page, '/hello');
    await openMenu('/hello');
    expect(await menu().getByRole('menuitem').allInnerTexts()).toEqual([
      'Replay', 'Replay to alternate URL…', 'Batch replay…', 'Edit and replay', 'Copy URL', 'Copy as curl', 'Export selected as HAR', 'Export selected as JSON', 'Delete',
    ]);
    await screenshot(page, 'replay-context-menu');
    const before = origin.requests.length;
    await menu().getByRole('menuitem', { name: 'Replay', exact: true }).click();
    await menu().waitFor({ state: 'detached' });

    const replay = rows(page).filter({ has: page.getByText(`replay of #${id}`) });
    await replay.waitFor();
    expect(origin.requests.length).toBe(before + 1);
    expect(origin.requests.at(-1)!.url).toBe('/hello?lang=en&n=1');
    await page.getByTestId('notice').getByText(new RegExp(`Replayed flow #${id} as #\\d+: 200`)).waitFor();

    await replay.click();
    const link = page.getByTestId('replay-of');
    await link.getByText(`#${id}`).waitFor();
    await screenshot(page, 'replay-badge-and-detail');
    await link.getByRole('button', { name: `#${id}` }).click();
    await page.locator('.detail .url', { hasText: '/hello?lang=en&n=1' }).waitFor();
    expect(await page.getByTestId('replay-of').count()).toBe(0);
  });

  it('replays to an alternate origin, keeping the path and query; a bad URL is refused in place', async () => {
    await openMenu('/hello');
    await menu().getByRole('menuitem', { name: 'Replay to alternate URL…' }).click();
    const dialog = page.getByRole('dialog', { name: /to another URL/ });
    const input = dialog.getByRole('textbox', { name: 'Send to' });
    await expect.poll(() => input.evaluate((element) => element === document.activeElement)).toBe(true);
    await input.fill('localhost:3000');
    await dialog.getByRole('button', { name: 'Replay' }).click();
    await dialog.getByRole('alert').getByText(/must start with http:\/\/ or https:\/\//).waitFor();
    expect(await input.getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'replay-target-invalid');

    await input.fill(staging.url);
    await dialog.getByTestId('target-preview').getByText(`${staging.url}/hello?lang=en&n=1`).waitFor();
    await dialog.getByRole('checkbox', { name: 'Keep original Host header' }).check();
    await dialog.getByRole('button', { name: 'Replay' }).click();
    await dialog.getByTestId('replay-result').getByText(/200 in/).waitFor();
    await screenshot(page, 'replay-target-done');
    expect(staging.requests).toHaveLength(1);
    expect(staging.requests[0]!.url).toBe('/hello?lang=en&n=1');
    // Keep original Host: the staging origin saw the captured origin's host.
    expect(headerPairs(staging.requests[0]!.rawHeaders).find(([name]) => name.toLowerCase() === 'host')?.[1]).toBe(new URL(origin.url).host);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    // The target is offered next time.
    await openMenu('/status/404');
    await menu().getByRole('menuitem', { name: 'Replay to alternate URL…' }).click();
    await page.getByRole('group', { name: 'Recent targets' }).getByRole('button', { name: staging.url }).click();
    expect(await page.getByRole('dialog').getByRole('textbox', { name: 'Send to' }).inputValue()).toBe(staging.url);
    await page.getByRole('dialog').getByRole('button', { name: 'Close', exact: true }).click();
  });

  it('replays several flows to an alternate URL as one batch', async () => {
    await capturedRow(page, '/hello').first().click();
    await capturedRow(page, '/status/404').click({ modifiers: ['ControlOrMeta'] });
    await openMenu('/status/404');
    await menu().getByRole('menuitem', { name: 'Replay to alternate URL…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Replay 2 flows to another URL' });
    await dialog.getByRole('textbox', { name: 'Send to' }).fill(`${staging.url}/`);
    const before = staging.requests.length;
    await dialog.getByRole('button', { name: 'Replay' }).click();
    await dialog.getByText('Finished.').waitFor();
    expect(staging.requests.slice(before).map((r) => r.url)).toEqual(['/hello?lang=en&n=1', '/status/404']);
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('edits a request (a header and the body) and sends it twice: the origin gets exactly that, both results are listed', async () => {
    const id = await idOf(page, '/echo');
    await openMenu('/echo');
    await menu().getByRole('menuitem', { name: 'Edit and replay' }).click();
    await page.getByRole('tab', { name: 'Editor', selected: true }).waitFor();
    const form = page.getByRole('form', { name: 'Request editor' });
    expect(await form.getByRole('textbox', { name: 'URL' }).inputValue()).toBe(`${origin.url}/echo`);
    await expect.poll(() => codeViewText(page)).toBe('original body');

    const names = form.getByRole('textbox', { name: /^Header \d+ name$/ });
    const values = form.getByRole('textbox', { name: /^Header \d+ value$/ });
    const tokenRow = (await names.evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value))).indexOf('X-Token');
    expect(tokenRow).toBeGreaterThanOrEqual(0);
    await values.nth(tokenRow).fill('edited');
    await form.getByRole('button', { name: '+ Add header' }).click();
    await names.last().fill('X-Added');
    await values.last().fill('yes');

    await page.locator('.code-view.editable .view-lines').click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('edited body 42');
    await expect.poll(() => codeViewText(page)).toBe('edited body 42');

    const before = origin.requests.length;
    await form.getByRole('button', { name: 'Send' }).click();
    const sends = page.getByTestId('send-list').locator('li');
    await sends.first().getByText(/200 in/).waitFor();
    await form.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => sends.filter({ hasText: /200 in/ }).count()).toBe(2);
    await screenshot(page, 'request-editor');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
    await screenshot(page, 'request-editor-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    expect(origin.requests.length).toBe(before + 2);
    const received = origin.requests.at(-1)!;
    expect(received.method).toBe('POST');
    expect(received.url).toBe('/echo');
    const headers = headerPairs(received.rawHeaders);
    expect(headers).toContainEqual(['X-Token', 'edited']);
    expect(headers).toContainEqual(['X-Added', 'yes']);
    expect(headers).toContainEqual(['Content-Type', 'text/plain']);
    expect(received.bodySha256).toBe(sha256(Buffer.from('edited body 42')));

    // The result links to the new flow, a replay of the edited one.
    await sends.first().getByRole('button', { name: /^flow #\d+$/ }).click();
    await page.getByRole('tab', { name: 'Traffic', selected: true }).waitFor();
    await page.getByTestId('replay-of').getByText(`#${id}`).waitFor();
  });

  it('starts a blank request from the toolbar', async () => {
    await page.getByRole('button', { name: 'New request' }).click();
    const form = page.getByRole('form', { name: 'Request editor' });
    await form.getByRole('textbox', { name: 'URL' }).fill(`${staging.url}/hello?from=editor`);
    await form.getByRole('button', { name: 'Send' }).click();
    await page.getByTestId('send-list').locator('li').first().getByText(/200 in/).waitFor();
    expect(staging.requests.at(-1)!.url).toBe('/hello?from=editor');
    await form.getByRole('textbox', { name: 'URL' }).fill('not a url');
    await form.getByRole('button', { name: 'Send' }).click();
    await form.getByRole('alert').getByText(/"not a url" is not a URL/).waitFor();
    await page.getByRole('tab', { name: 'Traffic' }).click();
  });

  it('replays a selection as a batch with a delay: progress, then a summary of the outcomes', async () => {
    await capturedRow(page, '/hello').first().click();
    await capturedRow(page, '/status/404').click({ modifiers: ['Shift'] });
    await capturedRow(page, '/echo').click({ modifiers: ['ControlOrMeta'] });
    // /hello and /status/404 with the Shift range (captured and replayed rows between them included), less /echo.
    const selected = await page.locator('.flow-scroll .flow-row[aria-selected="true"]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-flow-id'))));
    expect(selected.length).toBeGreaterThanOrEqual(2);
    expect(selected).not.toContain(await idOf(page, '/echo'));
    await screenshot(page, 'multi-selection');

    await openMenu('/status/404');
    await menu().getByRole('menuitem', { name: 'Replay', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Batch replay' });
    await dialog.getByText(`The ${selected.length} selected flows`).waitFor();
    await dialog.getByRole('textbox', { name: 'Delay between requests in seconds' }).fill('0.4');
    await screenshot(page, 'batch-replay-form');
    await dialog.getByRole('button', { name: 'Start' }).click();
    const progress = dialog.getByRole('progressbar', { name: 'Replayed' });
    await progress.waitFor();
    await dialog.getByText('Replaying…').waitFor();
    await screenshot(page, 'batch-replay-running');
    await dialog.getByText('Finished.').waitFor({ timeout: 15_000 });
    expect(await progress.getAttribute('aria-valuenow')).toBe(String(selected.length));
    const outcomes = dialog.getByRole('table', { name: 'Outcomes' });
    expect(await outcomes.locator('th').allInnerTexts()).toContain('HTTP 404');
    await screenshot(page, 'batch-replay-summary');
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('replays a range of ids to a port where nothing listens: the summary counts the errors', async () => {
    const [first, last] = [await idOf(page, '/hello'), await idOf(page, '/status/404')];
    const port = await refusedPort();
    await openMenu('/echo');
    await menu().getByRole('menuitem', { name: 'Batch replay…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Batch replay' });
    await dialog.getByRole('radio', { name: /Flows with ids from/ }).check();
    await dialog.getByRole('textbox', { name: 'First flow id' }).fill(String(first));
    await dialog.getByRole('textbox', { name: 'Last flow id' }).fill(String(last));
    await dialog.getByRole('textbox', { name: 'Delay between requests in seconds' }).fill('0');
    await dialog.getByRole('radio', { name: 'Another URL' }).check();
    await dialog.getByRole('textbox', { name: 'Send to' }).fill(`http://127.0.0.1:${port}`);
    await dialog.getByRole('button', { name: 'Start' }).click();
    await dialog.getByText('Finished.').waitFor({ timeout: 15_000 });
    const outcomes = dialog.getByRole('table', { name: 'Outcomes' });
    expect(await outcomes.locator('tr').allInnerTexts()).toEqual([`connection refused\t${last - first + 1}`]);
    await screenshot(page, 'batch-replay-errors');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('exports the selected flows as HAR through a download, with progress and the count', async () => {
    await capturedRow(page, '/hello').first().click();
    await capturedRow(page, '/echo').click({ modifiers: ['ControlOrMeta'] });
    await openMenu('/echo');
    await menu().getByRole('menuitem', { name: 'Export selected as HAR' }).click();
    const dialog = page.getByRole('dialog', { name: 'Export flows' });
    expect(await dialog.getByRole('radio', { name: 'The 2 selected flows' }).isChecked()).toBe(true);
    expect(await dialog.getByRole('radio', { name: /HAR 1\.2/ }).isChecked()).toBe(true);
    await screenshot(page, 'export-dialog');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
    await screenshot(page, 'export-dialog-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    const download = page.waitForEvent('download');
    await dialog.getByRole('button', { name: 'Export' }).click();
    const file = path.join(data.dir, 'selected.har');
    await (await download).saveAs(file);
    await dialog.getByTestId('export-status').getByText('Exported 2 flows').waitFor();
    await screenshot(page, 'export-done');
    const har = JSON.parse(readFileSync(file, 'utf8')) as { log: { entries: Array<{ request: { url: string; headers: Array<{ name: string; value: string }> } }> } };
    expect(har.log.entries.map((e) => new URL(e.request.url).pathname).sort()).toEqual(['/echo', '/hello']);
    // Redacted by default: the token header is left out or masked.
    const token = har.log.entries.flatMap((e) => e.request.headers).find((h) => h.name === 'X-Token');
    expect(token?.value ?? 'redacted').not.toBe('original');
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
  });

  it('imports a HAR through the file picker, and says which entry is wrong in a bad one', async () => {
    const har = JSON.parse(readFileSync(path.join(data.dir, 'selected.har'), 'utf8')) as { log: { entries: unknown[] } };
    const good = path.join(data.dir, 'two-flows.har');
    writeFileSync(good, JSON.stringify(har));
    await page.getByTestId('import-input').setInputFiles(good);
    await page.getByTestId('notice').getByText('Imported 2 flows from two-flows.har').waitFor();
    await expect.poll(() => rows(page).filter({ has: page.locator('.badge', { hasText: 'imported' }) }).count()).toBe(2);
    await screenshot(page, 'import-done');

    const bad = path.join(data.dir, 'broken.har');
    writeFileSync(bad, JSON.stringify({ log: { ...har.log, entries: [har.log.entries[0], { request: 'nonsense' }] } }));
    await page.getByTestId('import-input').setInputFiles(bad);
    // The service's message, as it is: it names the file and the wrong entry.
    const alert = page.getByRole('alert').filter({ hasText: 'broken.har' });
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/entr(y|ies)\b.*2|\[1\]/i);
    await screenshot(page, 'import-error');
    await alert.getByRole('button', { name: 'Dismiss' }).click();
  });

  it('shows a drop overlay while a file is dragged over the window, and imports the dropped file', async () => {
    const text = readFileSync(path.join(data.dir, 'two-flows.har'), 'utf8');
    const transfer = await page.evaluateHandle((content) => {
      const dt = new DataTransfer();
      dt.items.add(new File([content], 'dropped.har', { type: 'application/json' }));
      return dt;
    }, text);
    await page.dispatchEvent('.app', 'dragenter', { dataTransfer: transfer });
    await page.getByTestId('drop-overlay').waitFor();
    await screenshot(page, 'import-drop-overlay');
    await page.dispatchEvent('.app', 'drop', { dataTransfer: transfer });
    await page.getByTestId('drop-overlay').waitFor({ state: 'detached' });
    await page.getByTestId('notice').getByText('Imported 2 flows from dropped.har').waitFor();
  });

  it('copies a flow as a curl command; with several selected it is offered for one flow only', async () => {
    // /echo is still selected with /hello from the export: the menu acts on both.
    await openMenu('/echo');
    expect(await menu().getByRole('menuitem', { name: 'Copy as curl' }).isDisabled()).toBe(true);
    expect(await menu().getByRole('menuitem', { name: 'Edit and replay' }).isDisabled()).toBe(true);
    await page.keyboard.press('Escape');
    await menu().waitFor({ state: 'detached' });
    await capturedRow(page, '/echo').click();
    await openMenu('/echo');
    await menu().getByRole('menuitem', { name: 'Copy as curl' }).click();
    await page.getByTestId('notice').getByText(/as a curl command/).waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toMatch(/^curl /);
    expect(copied).toContain(`${origin.url}/echo`);
    expect(copied).toContain('original body');
  });

  it('opens the context menu from the keyboard, moves through it with the arrows, and closes it with Escape', async () => {
    await capturedRow(page, '/echo').click();
    await page.keyboard.press('Shift+F10');
    await menu().waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Replay');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Edit and replay');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Delete');
    await page.keyboard.press('Escape');
    await menu().waitFor({ state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Flows');
    // A click elsewhere closes it too.
    await openMenu('/echo');
    await page.locator('.detail').click({ position: { x: 5, y: 5 } });
    await menu().waitFor({ state: 'detached' });
  });

  it('deletes flows with the Delete key and from the context menu', async () => {
    const count = await rows(page).count();
    await capturedRow(page, '/status/404').click();
    await page.keyboard.press('Delete');
    await expect.poll(() => capturedRow(page, '/status/404').count()).toBe(0);
    expect(await rows(page).count()).toBe(count - 1);
    await page.locator('.detail-placeholder').waitFor();

    const imported = rows(page).filter({ has: page.locator('.badge', { hasText: 'imported' }) });
    const importedCount = await imported.count();
    await imported.first().click();
    await imported.nth(1).click({ modifiers: ['ControlOrMeta'] });
    await imported.nth(1).click({ button: 'right' });
    await menu().getByRole('menuitem', { name: 'Delete' }).click();
    await expect.poll(() => imported.count()).toBe(importedCount - 2);
    await page.getByTestId('flow-count').getByText(`${count - 3} flows`).waitFor();
    expect(pageErrors).toEqual([]);
  });
});
