/** `flowscope browser [chrome|chromium|edge|brave|firefox] [URL]`: a browser that goes through the running proxy. */
import { readFile } from 'node:fs/promises';
import { spkiSha256 } from '../ca/info.js';
import { BROWSER_IDS, detectBrowsers, type BrowserId, type DetectedBrowser } from '../os/browsers/detect.js';
import { launchInterceptedBrowser } from '../os/browsers/launch.js';
import { readRuntimeFile } from '../service/runtime-file.js';

export interface BrowserCommandOptions {
  headless?: boolean;
  out?: NodeJS.WritableStream;
  err?: NodeJS.WritableStream;
  /** The installed browsers; detected on this machine unless given (tests). */
  detect?: () => DetectedBrowser[];
}

function describe(browsers: DetectedBrowser[]): string {
  return browsers.length === 0 ? 'none' : browsers.map((b) => `${b.id} (${b.path})`).join(', ');
}

/** The browser asked for, or the first one found; a message for the user when there is none. */
export function pickBrowser(which: string | undefined, browsers: DetectedBrowser[]): DetectedBrowser | string {
  if (which !== undefined && !(BROWSER_IDS as readonly string[]).includes(which)) {
    return `"${which}" is not a browser Flowscope knows. Choose one of: ${BROWSER_IDS.join(', ')}.`;
  }
  if (browsers.length === 0) {
    return `No supported browser was found (looked for ${BROWSER_IDS.join(', ')}). Install one, or set your browser's proxy to Flowscope by hand.`;
  }
  if (which === undefined) return browsers[0]!;
  const found = browsers.find((b) => b.id === (which as BrowserId));
  return found ?? `${which} is not installed here (or not where Flowscope looks). Installed: ${describe(browsers)}.`;
}

export async function browserCommand(
  dataDir: string,
  which: string | undefined,
  url: string | undefined,
  options: BrowserCommandOptions = {},
): Promise<number> {
  const out = options.out ?? process.stdout;
  const err = options.err ?? process.stderr;
  // A name that is not a browser id but looks like an address is the URL: `flowscope browser example.com`.
  if (url === undefined && which !== undefined && !(BROWSER_IDS as readonly string[]).includes(which) && /[.:/]/.test(which)) {
    url = which;
    which = undefined;
  }
  const runtime = readRuntimeFile(dataDir);
  if (!runtime) {
    err.write(`flowscope: no proxy is running on ${dataDir}. Start one with \`flowscope serve\` (same --data-dir), then run this again.\n`);
    return 1;
  }
  const browser = pickBrowser(which, (options.detect ?? detectBrowsers)());
  if (typeof browser === 'string') {
    err.write(`flowscope: ${browser}\n`);
    return 1;
  }
  const caCertPem = await readFile(runtime.caCertPath, 'utf8');
  const launched = await launchInterceptedBrowser({
    browser,
    proxyUrl: runtime.proxyUrl,
    caSpkiHash: spkiSha256(caCertPem),
    caCertPem,
    url,
    headless: options.headless,
  });
  out.write(
    `Started ${browser.name} (${browser.path}, pid ${launched.pid}) through ${runtime.proxyUrl}, trusting the Flowscope CA in this profile only.\n` +
      `Its temporary profile ${launched.profileDir} is removed when it closes. Press Ctrl+C here to close it.\n`,
  );
  // Ctrl+C here closes the browser and removes its profile before we exit.
  const stop = () => void launched.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const code = await launched.exited;
    if (!code) {
      out.write(`${browser.name} closed.\n`);
      return 0;
    }
    // A browser that fails by itself (a missing library, a locked profile) says why on stderr.
    const tail = launched.stderrTail().trim().split('\n').slice(-5).join('\n');
    err.write(`flowscope: ${browser.name} exited with code ${code}.${tail ? ` Its last output:\n${tail}` : ''}\n`);
    return 1;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
