/**
 * Finds the browsers Flowscope can launch through itself. The decisions are pure: the file system
 * and PATH come in through a lookup, so every platform's rules are tested on any machine.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

export type BrowserId = 'chrome' | 'chromium' | 'edge' | 'brave' | 'firefox';

export interface DetectedBrowser {
  id: BrowserId;
  name: string;
  path: string;
}

/** What detection may ask of the machine. */
export interface BrowserLookup {
  /** The executable a command name resolves to on PATH, or null. */
  which(command: string): string | null;
  /** Whether an executable file exists at this absolute path. */
  exists(file: string): boolean;
  env: Record<string, string | undefined>;
  home: string;
}

export const BROWSER_IDS: readonly BrowserId[] = ['chrome', 'chromium', 'edge', 'brave', 'firefox'];

export const BROWSER_NAMES: Record<BrowserId, string> = {
  chrome: 'Google Chrome',
  chromium: 'Chromium',
  edge: 'Microsoft Edge',
  brave: 'Brave',
  firefox: 'Firefox',
};

/** Command names on Linux, most usual first; distributions and vendors name them differently. */
const LINUX_COMMANDS: Record<BrowserId, string[]> = {
  chrome: ['google-chrome', 'google-chrome-stable', 'google-chrome-beta'],
  chromium: ['chromium', 'chromium-browser'],
  edge: ['microsoft-edge', 'microsoft-edge-stable', 'microsoft-edge-beta'],
  brave: ['brave-browser', 'brave', 'brave-browser-stable'],
  firefox: ['firefox', 'firefox-esr'],
};

/** Where a desktop install without a PATH entry lives (snap's bin folder is often missing from PATH in services). */
const LINUX_FILES: Record<BrowserId, string[]> = {
  chrome: ['/opt/google/chrome/chrome'],
  chromium: ['/snap/bin/chromium', '/usr/lib/chromium/chromium'],
  edge: ['/opt/microsoft/msedge/msedge'],
  brave: ['/opt/brave.com/brave/brave', '/snap/bin/brave'],
  firefox: ['/snap/bin/firefox', '/usr/lib/firefox/firefox', '/usr/lib/firefox-esr/firefox-esr'],
};

/** The executable inside each macOS app bundle. */
const MAC_BUNDLES: Record<BrowserId, string> = {
  chrome: 'Google Chrome.app/Contents/MacOS/Google Chrome',
  chromium: 'Chromium.app/Contents/MacOS/Chromium',
  edge: 'Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
  brave: 'Brave Browser.app/Contents/MacOS/Brave Browser',
  firefox: 'Firefox.app/Contents/MacOS/firefox',
};

type WindowsRoot = 'ProgramFiles' | 'ProgramFiles(x86)' | 'LOCALAPPDATA';

/** Installs for all users go to Program Files; per-user installs (Chrome, Chromium, Brave) to LocalAppData. */
const WINDOWS_FILES: Record<BrowserId, Array<[WindowsRoot, string]>> = {
  chrome: [
    ['ProgramFiles', 'Google\\Chrome\\Application\\chrome.exe'],
    ['ProgramFiles(x86)', 'Google\\Chrome\\Application\\chrome.exe'],
    ['LOCALAPPDATA', 'Google\\Chrome\\Application\\chrome.exe'],
  ],
  chromium: [
    ['LOCALAPPDATA', 'Chromium\\Application\\chrome.exe'],
    ['ProgramFiles', 'Chromium\\Application\\chrome.exe'],
  ],
  edge: [
    ['ProgramFiles(x86)', 'Microsoft\\Edge\\Application\\msedge.exe'],
    ['ProgramFiles', 'Microsoft\\Edge\\Application\\msedge.exe'],
  ],
  brave: [
    ['ProgramFiles', 'BraveSoftware\\Brave-Browser\\Application\\brave.exe'],
    ['ProgramFiles(x86)', 'BraveSoftware\\Brave-Browser\\Application\\brave.exe'],
    ['LOCALAPPDATA', 'BraveSoftware\\Brave-Browser\\Application\\brave.exe'],
  ],
  firefox: [
    ['ProgramFiles', 'Mozilla Firefox\\firefox.exe'],
    ['ProgramFiles(x86)', 'Mozilla Firefox\\firefox.exe'],
  ],
};

const WINDOWS_ROOT_DEFAULTS: Record<WindowsRoot, string | undefined> = {
  ProgramFiles: 'C:\\Program Files',
  'ProgramFiles(x86)': 'C:\\Program Files (x86)',
  LOCALAPPDATA: undefined,
};

function candidates(id: BrowserId, platform: NodeJS.Platform, lookup: BrowserLookup): string[] {
  if (platform === 'darwin') {
    return ['/Applications', path.posix.join(lookup.home, 'Applications')].map((dir) => path.posix.join(dir, MAC_BUNDLES[id]));
  }
  if (platform === 'win32') {
    return WINDOWS_FILES[id].flatMap(([root, rest]) => {
      const base = lookup.env[root] ?? WINDOWS_ROOT_DEFAULTS[root];
      return base ? [path.win32.join(base, rest)] : [];
    });
  }
  return LINUX_FILES[id];
}

function findOne(id: BrowserId, platform: NodeJS.Platform, lookup: BrowserLookup): string | null {
  if (platform !== 'darwin' && platform !== 'win32') {
    for (const command of LINUX_COMMANDS[id]) {
      const found = lookup.which(command);
      if (found) return found;
    }
  }
  return candidates(id, platform, lookup).find((file) => lookup.exists(file)) ?? null;
}

/** The installed browsers in a fixed order (Chrome, Chromium, Edge, Brave, Firefox), one entry per browser. */
export function detectBrowsers(platform: NodeJS.Platform = process.platform, lookup: BrowserLookup = systemLookup()): DetectedBrowser[] {
  return BROWSER_IDS.flatMap((id) => {
    const found = findOne(id, platform, lookup);
    return found ? [{ id, name: BROWSER_NAMES[id], path: found }] : [];
  });
}

function isExecutable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The real machine: PATH searched in order, as a shell would (without spawning one). */
export function systemLookup(env: NodeJS.ProcessEnv = process.env): BrowserLookup {
  const dirs = (env.PATH ?? '').split(path.delimiter).filter(Boolean);
  return {
    which: (command) => dirs.map((dir) => path.join(dir, command)).find(isExecutable) ?? null,
    exists: isExecutable,
    env,
    home: homedir(),
  };
}
