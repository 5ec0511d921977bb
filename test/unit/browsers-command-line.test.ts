import { describe, expect, it } from 'vitest';
import { chromiumPreferences, firefoxUserJs, launchPlan, proxyAddress } from '../../src-main/os/browsers/command-line.js';
import type { BrowserId, DetectedBrowser } from '../../src-main/os/browsers/detect.js';

const SPKI = 'n3Fs9yTJ5s4D5s0hX1kOWb0v3tAc+GZqS4A1nPqv0zQ=';

function browser(id: BrowserId, path = `/usr/bin/${id}`): DetectedBrowser {
  return { id, name: id, path };
}

const base = { proxyUrl: 'http://127.0.0.1:8080', caSpkiHash: SPKI, profileDir: '/tmp/flowscope-chrome-x1' };

describe('launchPlan for the Chromium family', () => {
  it('routes everything, loopback included, through the proxy and trusts the CA in a fresh profile only', () => {
    for (const id of ['chrome', 'chromium', 'edge', 'brave'] as const) {
      expect(launchPlan(browser(id), { ...base, url: 'https://example.com/' })).toEqual({
        command: `/usr/bin/${id}`,
        args: [
          '--user-data-dir=/tmp/flowscope-chrome-x1',
          '--proxy-server=127.0.0.1:8080',
          '--proxy-bypass-list=<-loopback>',
          `--ignore-certificate-errors-spki-list=${SPKI}`,
          '--no-first-run',
          '--no-default-browser-check',
          'https://example.com/',
        ],
      });
    }
  });

  it('turns the sandbox off only as root, and adds the headless flags only when asked', () => {
    const { args } = launchPlan(browser('chromium'), { ...base, runningAsRoot: true, headless: true });
    expect(args.slice(6)).toEqual([
      '--no-sandbox',
      '--headless=new',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
    ]);
    expect(launchPlan(browser('chrome'), base).args).not.toContain('--no-sandbox');
  });

  it('reaches a proxy listening on every interface through loopback', () => {
    expect(launchPlan(browser('chrome'), { ...base, proxyUrl: 'http://0.0.0.0:9000' }).args).toContain('--proxy-server=127.0.0.1:9000');
    expect(launchPlan(browser('chrome'), { ...base, proxyUrl: 'http://[::]:9000' }).args).toContain('--proxy-server=[::1]:9000');
  });

  it('refuses a URL that the browser would read as a flag', () => {
    expect(() => launchPlan(browser('chrome'), { ...base, url: '--remote-debugging-port=9222' })).toThrow(/not an address/);
  });
});

describe('launchPlan for Firefox', () => {
  it('starts its own profile without joining a running Firefox', () => {
    expect(launchPlan(browser('firefox'), { ...base, profileDir: '/tmp/p', url: 'http://localhost:3000/' })).toEqual({
      command: '/usr/bin/firefox',
      args: ['--profile', '/tmp/p', '--no-remote', 'http://localhost:3000/'],
    });
    expect(launchPlan(browser('firefox'), { ...base, profileDir: '/tmp/p', headless: true }).args).toEqual(['--profile', '/tmp/p', '--no-remote', '--headless']);
  });
});

describe('firefoxUserJs', () => {
  it('sets a manual proxy for HTTP and HTTPS, loopback included, and skips first-run pages', () => {
    const js = firefoxUserJs('http://127.0.0.1:8080');
    for (const line of [
      'user_pref("network.proxy.type", 1);',
      'user_pref("network.proxy.http", "127.0.0.1");',
      'user_pref("network.proxy.http_port", 8080);',
      'user_pref("network.proxy.ssl", "127.0.0.1");',
      'user_pref("network.proxy.ssl_port", 8080);',
      'user_pref("network.proxy.share_proxy_settings", true);',
      'user_pref("network.proxy.allow_hijacking_localhost", true);',
      'user_pref("network.proxy.no_proxies_on", "");',
      'user_pref("browser.shell.checkDefaultBrowser", false);',
      'user_pref("browser.aboutwelcome.enabled", false);',
    ]) {
      expect(js.split('\n')).toContain(line);
    }
  });

  it('writes an IPv6 proxy host without brackets', () => {
    expect(firefoxUserJs('http://[::1]:8080')).toContain('user_pref("network.proxy.http", "::1");');
  });
});

describe('proxyAddress', () => {
  it('reads host and port, with the scheme default when the port is absent', () => {
    expect(proxyAddress('http://localhost:8000')).toEqual({ host: 'localhost', port: 8000 });
    expect(proxyAddress('http://proxy.test')).toEqual({ host: 'proxy.test', port: 80 });
  });
});

describe('chromiumPreferences', () => {
  it('turns page preloading off, so no spare connection is dropped mid-way and read as a refused certificate', () => {
    expect(JSON.parse(chromiumPreferences())).toEqual({ net: { network_prediction_options: 2 } });
  });
});
