/**
 * A real headless Chromium launched the way `flowscope browser` does it: through the proxy, with
 * the CA trusted in its own profile only. The negative case proves the SPKI flag is what trusts it.
 */
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FlowSummary } from '../../src-shared/model/flow.js';
import { browserCommand } from '../../src-main/cli/browser.js';
import { detectBrowsers, type DetectedBrowser } from '../../src-main/os/browsers/detect.js';
import { launchInterceptedBrowser, type LaunchedBrowser } from '../../src-main/os/browsers/launch.js';
import { startHttpsOrigin, type HttpOrigin } from '../fixtures/index.js';
import { startTestProxy, tempDir, waitFor, type TestProxy } from './harness.js';

const BROWSER_WAIT_MS = 20_000;

let proxy: TestProxy;
let origin: HttpOrigin;
let chromium: DetectedBrowser;
const launched: LaunchedBrowser[] = [];

function chromiumHere(): DetectedBrowser {
  const explicit = process.env.FLOWSCOPE_CHROMIUM;
  if (explicit) return { id: 'chromium', name: 'Chromium', path: explicit };
  const found = detectBrowsers().find((browser) => browser.id === 'chromium');
  if (!found) throw new Error('No Chromium found: install it with `apt-get install -y chromium` (see test/ensure-chromium.mjs).');
  return found;
}

function helloFlows(): FlowSummary[] {
  proxy.runtime.store.flush();
  return proxy.runtime.store.pageSummaries({ limit: 50 }).items.filter((flow) => flow.host === 'localhost' && flow.path === '/hello');
}

function tlsErrorsFor(host: string) {
  proxy.runtime.store.flush();
  return proxy.runtime.store.listEvents({ limit: 100, types: ['CLIENT_TLS_ERROR'] }).filter((event) => event.host === host);
}

async function launch(caSpkiHash: string): Promise<LaunchedBrowser> {
  const browser = await launchInterceptedBrowser({
    browser: chromium,
    proxyUrl: proxy.proxyUrl,
    caSpkiHash,
    caCertPem: proxy.ca,
    url: `https://localhost:${origin.port}/hello`,
    headless: true,
  });
  launched.push(browser);
  return browser;
}

/** Waits for `check`, failing early (with the browser's own words) if the browser dies first. */
async function whileRunning<T>(browser: LaunchedBrowser, check: () => T | undefined | false, what: string): Promise<T> {
  let exited: number | null | undefined;
  void browser.exited.then((code) => (exited = code));
  return waitFor(() => {
    if (exited !== undefined) throw new Error(`Chromium exited (code ${exited}) before ${what}:\n${browser.stderrTail()}`);
    return check();
  }, what, BROWSER_WAIT_MS);
}

beforeAll(async () => {
  chromium = chromiumHere();
  proxy = await startTestProxy();
  origin = await startHttpsOrigin();
});

afterEach(async () => {
  // Always end the browsers, even when an assertion failed half-way.
  await Promise.all(launched.splice(0).map((browser) => browser.stop()));
});

afterAll(async () => {
  await origin?.close();
  await proxy?.close();
});

describe('launchInterceptedBrowser with Chromium', () => {
  it('loads an HTTPS page through Flowscope with the CA trusted in its profile only, then removes the profile', async () => {
    const browser = await launch(proxy.runtime.ca.info.spkiSha256);
    expect(existsSync(browser.profileDir)).toBe(true);

    const flow = await whileRunning(browser, () => helloFlows()[0], 'the /hello flow in the store');
    expect(flow).toMatchObject({ scheme: 'https', port: origin.port, statusCode: 200, errorType: null });
    expect(tlsErrorsFor('localhost')).toEqual([]);

    await browser.stop();
    expect(existsSync(browser.profileDir)).toBe(false);
  }, 40_000);

  it('is refused by Chromium when the SPKI hash is not our CA\'s', async () => {
    const before = tlsErrorsFor('localhost').length;
    const pagesBefore = helloFlows().length;
    const wrongHash = Buffer.alloc(32, 7).toString('base64');
    const browser = await launch(wrongHash);

    const errors = await whileRunning(browser, () => {
      const found = tlsErrorsFor('localhost');
      return found.length > before && found;
    }, 'a CLIENT_TLS_ERROR event');
    // Chromium resets the handshake on an unknown issuer; mockttp reports that as 'reset'.
    expect(errors[0]?.message).toContain('does not trust the Flowscope CA');
    expect(helloFlows()).toHaveLength(pagesBefore);

    await browser.stop();
    expect(existsSync(browser.profileDir)).toBe(false);
  }, 40_000);
});

describe('the temporary profile', () => {
  const options = () => ({ proxyUrl: proxy.proxyUrl, caSpkiHash: 'x', caCertPem: proxy.ca });

  it('is removed when the browser exits by itself', async () => {
    const browser = await launchInterceptedBrowser({ ...options(), browser: { id: 'chrome', name: 'true', path: '/bin/true' } });
    expect(await browser.exited).toBe(0);
    expect(existsSync(browser.profileDir)).toBe(false);
  });

  it('is removed when the browser cannot start, and the error names the program', async () => {
    const parent = tempDir('flowscope-profiles-');
    try {
      const failure = launchInterceptedBrowser({ ...options(), profileParent: parent, browser: { id: 'brave', name: 'Brave', path: '/nonexistent/brave' } });
      await expect(failure).rejects.toThrow('/nonexistent/brave does not exist or cannot be run.');
      expect(readdirSync(parent)).toEqual([]);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });
});

describe('flowscope browser', () => {
  function text() {
    const stream = new PassThrough();
    let written = '';
    stream.on('data', (chunk: Buffer) => (written += chunk.toString()));
    return { stream, written: () => written };
  }

  /** A data directory whose proxy.json points at the test proxy, as `flowscope serve` (another process) would write it. */
  function dataDirOfRunningProxy(): string {
    const dataDir = tempDir('flowscope-browser-cmd-');
    const info = { pid: process.ppid, proxyUrl: proxy.proxyUrl, caCertPath: proxy.runtime.ca.certPath };
    writeFileSync(path.join(dataDir, 'proxy.json'), JSON.stringify(info));
    return dataDir;
  }

  it('takes a lone URL as the address for the first browser, says what it started and returns 0 when it closes', async () => {
    const dataDir = dataDirOfRunningProxy();
    const out = text();
    try {
      const fake = { id: 'chromium' as const, name: 'Chromium', path: '/bin/true' };
      expect(await browserCommand(dataDir, 'https://example.test/', undefined, { out: out.stream, detect: () => [fake] })).toBe(0);
      expect(out.written()).toContain(`Started Chromium (/bin/true, pid `);
      expect(out.written()).toContain(`through ${proxy.proxyUrl}, trusting the Flowscope CA in this profile only.`);
      expect(out.written()).toContain('Chromium closed.');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('returns 1 and says so when the browser fails by itself', async () => {
    const dataDir = dataDirOfRunningProxy();
    const err = text();
    try {
      const failing = { id: 'brave' as const, name: 'Brave', path: '/bin/false' };
      expect(await browserCommand(dataDir, undefined, undefined, { out: new PassThrough(), err: err.stream, detect: () => [failing] })).toBe(1);
      expect(err.written()).toBe('flowscope: Brave exited with code 1.\n');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

const firefox = detectBrowsers().find((browser) => browser.id === 'firefox');

// CI installs Chromium only; where Firefox is installed (firefox-esr on Debian) its profile recipe is checked too.
describe.skipIf(!firefox)('launchInterceptedBrowser with Firefox', () => {
  it('loads an HTTPS page through Flowscope with the CA in its own cert9.db, then removes the profile', async () => {
    const before = helloFlows().length;
    const browser = await launchInterceptedBrowser({
      browser: firefox!,
      proxyUrl: proxy.proxyUrl,
      caSpkiHash: proxy.runtime.ca.info.spkiSha256,
      caCertPem: proxy.ca,
      url: `https://localhost:${origin.port}/hello`,
      headless: true,
    });
    launched.push(browser);
    expect(existsSync(`${browser.profileDir}/cert9.db`)).toBe(true);

    const flows = await whileRunning(browser, () => {
      const found = helloFlows();
      return found.length > before && found;
    }, 'the /hello flow from Firefox');
    expect(flows[0]).toMatchObject({ scheme: 'https', statusCode: 200, errorType: null });

    await browser.stop();
    expect(existsSync(browser.profileDir)).toBe(false);
  }, 60_000);
});
