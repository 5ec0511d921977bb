import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { browserCommand, pickBrowser } from '../../src-main/cli/browser.js';
import type { DetectedBrowser } from '../../src-main/os/browsers/detect.js';

const chromium: DetectedBrowser = { id: 'chromium', name: 'Chromium', path: '/usr/bin/chromium' };
const firefox: DetectedBrowser = { id: 'firefox', name: 'Firefox', path: '/usr/bin/firefox' };

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
}

describe('pickBrowser', () => {
  it('takes the named browser, or the first one found', () => {
    expect(pickBrowser('firefox', [chromium, firefox])).toBe(firefox);
    expect(pickBrowser(undefined, [chromium, firefox])).toBe(chromium);
  });

  it('lists what is installed when the named browser is not', () => {
    expect(pickBrowser('edge', [chromium, firefox])).toBe(
      'edge is not installed here (or not where Flowscope looks). Installed: chromium (/usr/bin/chromium), firefox (/usr/bin/firefox).',
    );
  });

  it('names the browsers it knows when given another name', () => {
    expect(pickBrowser('safari', [chromium])).toBe('"safari" is not a browser Flowscope knows. Choose one of: chrome, chromium, edge, brave, firefox.');
  });

  it('says so when no browser is installed', () => {
    expect(pickBrowser(undefined, [])).toMatch(/^No supported browser was found/);
  });
});

describe('browserCommand', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('asks for `flowscope serve` when no proxy runs on the data directory', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'flowscope-browser-cli-'));
    dirs.push(dataDir);
    const err = capture();
    const code = await browserCommand(dataDir, 'chromium', undefined, { err: err.stream, detect: () => [chromium] });
    expect(code).toBe(1);
    expect(err.text()).toBe(`flowscope: no proxy is running on ${dataDir}. Start one with \`flowscope serve\` (same --data-dir), then run this again.\n`);
  });

  it('lists the detected browsers when the named one is missing', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'flowscope-browser-cli-'));
    dirs.push(dataDir);
    // proxy.json of a live process (this test's parent) that is not this process.
    writeFileSync(path.join(dataDir, 'proxy.json'), JSON.stringify({ pid: process.ppid, proxyUrl: 'http://127.0.0.1:1', caCertPath: '/nonexistent' }));
    const err = capture();
    const code = await browserCommand(dataDir, 'brave', undefined, { err: err.stream, detect: () => [chromium, firefox] });
    expect(code).toBe(1);
    expect(err.text()).toContain('brave is not installed here');
    expect(err.text()).toContain('chromium (/usr/bin/chromium), firefox (/usr/bin/firefox)');
  });
});
