import { describe, expect, it } from 'vitest';
import { detectBrowsers, type BrowserLookup } from '../../src-main/os/browsers/detect.js';

function lookup(files: string[], onPath: Record<string, string> = {}, env: Record<string, string> = {}): BrowserLookup {
  return { which: (command) => onPath[command] ?? null, exists: (file) => files.includes(file), env, home: '/home/ann' };
}

describe('detectBrowsers on Linux', () => {
  it('finds browsers by their command names on PATH, in a fixed order, one entry each', () => {
    const found = detectBrowsers('linux', lookup([], {
      firefox: '/usr/bin/firefox',
      'google-chrome-stable': '/usr/bin/google-chrome-stable',
      'chromium-browser': '/usr/bin/chromium-browser',
      'microsoft-edge': '/usr/bin/microsoft-edge',
      'brave-browser': '/usr/bin/brave-browser',
    }));
    expect(found).toEqual([
      { id: 'chrome', name: 'Google Chrome', path: '/usr/bin/google-chrome-stable' },
      { id: 'chromium', name: 'Chromium', path: '/usr/bin/chromium-browser' },
      { id: 'edge', name: 'Microsoft Edge', path: '/usr/bin/microsoft-edge' },
      { id: 'brave', name: 'Brave', path: '/usr/bin/brave-browser' },
      { id: 'firefox', name: 'Firefox', path: '/usr/bin/firefox' },
    ]);
  });

  it('prefers the usual command name when several exist', () => {
    const found = detectBrowsers('linux', lookup([], { chromium: '/usr/bin/chromium', 'chromium-browser': '/usr/bin/chromium-browser' }));
    expect(found).toEqual([{ id: 'chromium', name: 'Chromium', path: '/usr/bin/chromium' }]);
  });

  it('falls back to install folders and snap when PATH has nothing', () => {
    const found = detectBrowsers('linux', lookup(['/opt/google/chrome/chrome', '/snap/bin/firefox', '/usr/lib/firefox-esr/firefox-esr']));
    expect(found.map((b) => [b.id, b.path])).toEqual([
      ['chrome', '/opt/google/chrome/chrome'],
      ['firefox', '/snap/bin/firefox'],
    ]);
  });

  it('finds nothing on a machine without browsers', () => {
    expect(detectBrowsers('linux', lookup([]))).toEqual([]);
  });
});

describe('detectBrowsers on macOS', () => {
  it('looks inside the app bundles in /Applications and ~/Applications, never on PATH', () => {
    const found = detectBrowsers('darwin', {
      ...lookup([
        '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
        '/home/ann/Applications/Firefox.app/Contents/MacOS/firefox',
        '/Applications/Brave Browser.app/Contents/MacOS/Brave Browser',
        '/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
      ]),
      which: () => { throw new Error('PATH is not used on macOS'); },
    });
    expect(found.map((b) => [b.id, b.path])).toEqual([
      ['chrome', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'],
      ['edge', '/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge'],
      ['brave', '/Applications/Brave Browser.app/Contents/MacOS/Brave Browser'],
      ['firefox', '/home/ann/Applications/Firefox.app/Contents/MacOS/firefox'],
    ]);
  });

  it('finds Chromium.app', () => {
    expect(detectBrowsers('darwin', lookup(['/Applications/Chromium.app/Contents/MacOS/Chromium']))).toEqual([
      { id: 'chromium', name: 'Chromium', path: '/Applications/Chromium.app/Contents/MacOS/Chromium' },
    ]);
  });
});

describe('detectBrowsers on Windows', () => {
  const env = { ProgramFiles: 'D:\\Apps', 'ProgramFiles(x86)': 'D:\\Apps86', LOCALAPPDATA: 'C:\\Users\\ann\\AppData\\Local' };

  it('uses Program Files, Program Files (x86) and LocalAppData from the environment', () => {
    const found = detectBrowsers('win32', lookup([
      'C:\\Users\\ann\\AppData\\Local\\Google\\Chrome\\Application\\chrome.exe',
      'C:\\Users\\ann\\AppData\\Local\\Chromium\\Application\\chrome.exe',
      'D:\\Apps86\\Microsoft\\Edge\\Application\\msedge.exe',
      'D:\\Apps\\BraveSoftware\\Brave-Browser\\Application\\brave.exe',
      'D:\\Apps\\Mozilla Firefox\\firefox.exe',
    ], {}, env));
    expect(found.map((b) => [b.id, b.path])).toEqual([
      ['chrome', 'C:\\Users\\ann\\AppData\\Local\\Google\\Chrome\\Application\\chrome.exe'],
      ['chromium', 'C:\\Users\\ann\\AppData\\Local\\Chromium\\Application\\chrome.exe'],
      ['edge', 'D:\\Apps86\\Microsoft\\Edge\\Application\\msedge.exe'],
      ['brave', 'D:\\Apps\\BraveSoftware\\Brave-Browser\\Application\\brave.exe'],
      ['firefox', 'D:\\Apps\\Mozilla Firefox\\firefox.exe'],
    ]);
  });

  it('prefers a machine-wide Chrome over a per-user one', () => {
    const found = detectBrowsers('win32', lookup([
      'D:\\Apps\\Google\\Chrome\\Application\\chrome.exe',
      'C:\\Users\\ann\\AppData\\Local\\Google\\Chrome\\Application\\chrome.exe',
    ], {}, env));
    expect(found).toEqual([{ id: 'chrome', name: 'Google Chrome', path: 'D:\\Apps\\Google\\Chrome\\Application\\chrome.exe' }]);
  });

  it('assumes the usual Program Files folders when the environment does not say', () => {
    const found = detectBrowsers('win32', lookup(['C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe']));
    expect(found).toEqual([{ id: 'edge', name: 'Microsoft Edge', path: 'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe' }]);
  });
});
