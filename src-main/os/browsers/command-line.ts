/**
 * The command line and profile files that route one browser through Flowscope. Pure, so each
 * browser's exact flags are unit-tested; launch.ts does the spawning and cleanup.
 */
import type { DetectedBrowser } from './detect.js';

export interface LaunchPlanOptions {
  proxyUrl: string;
  /** base64 SHA-256 of the CA's SubjectPublicKeyInfo (Chromium family only). */
  caSpkiHash: string;
  profileDir: string;
  url?: string;
  headless?: boolean;
  /** Chromium refuses to start as root unless its sandbox is turned off. */
  runningAsRoot?: boolean;
}

export interface LaunchPlan {
  command: string;
  args: string[];
}

export interface ProxyAddress {
  host: string;
  port: number;
}

/**
 * host and port of the proxy as a browser on this machine reaches it. A proxy listening on every
 * interface (0.0.0.0, ::) is reached on loopback.
 */
export function proxyAddress(proxyUrl: string): ProxyAddress {
  const parsed = new URL(proxyUrl);
  let host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '0.0.0.0' || host === '') host = '127.0.0.1';
  if (host === '::') host = '::1';
  const port = Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80));
  return { host, port };
}

function hostPort({ host, port }: ProxyAddress): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function checkedUrl(url: string | undefined): string[] {
  if (url === undefined || url === '') return [];
  // The URL is the last argument; one starting with '-' would be read as a browser flag.
  if (url.startsWith('-')) throw new Error(`"${url}" is not an address to open. Give a URL such as https://example.com.`);
  return [url];
}

export function chromiumArgs(options: LaunchPlanOptions): string[] {
  return [
    `--user-data-dir=${options.profileDir}`,
    `--proxy-server=${hostPort(proxyAddress(options.proxyUrl))}`,
    // Chromium never proxies loopback unless told to: '<-loopback>' removes that implicit bypass.
    '--proxy-bypass-list=<-loopback>',
    // Trusts our CA in this profile only; Chromium honours it only together with --user-data-dir.
    `--ignore-certificate-errors-spki-list=${options.caSpkiHash}`,
    '--no-first-run',
    '--no-default-browser-check',
    ...(options.runningAsRoot ? ['--no-sandbox'] : []),
    // Without a window nobody sees background traffic, and on CI it only adds noise and delay.
    ...(options.headless ? ['--headless=new', '--disable-gpu', '--disable-background-networking', '--disable-component-update'] : []),
    ...checkedUrl(options.url),
  ];
}

export function firefoxArgs(options: LaunchPlanOptions): string[] {
  return ['--profile', options.profileDir, '--no-remote', ...(options.headless ? ['--headless'] : []), ...checkedUrl(options.url)];
}

export function launchPlan(browser: DetectedBrowser, options: LaunchPlanOptions): LaunchPlan {
  const args = browser.id === 'firefox' ? firefoxArgs(options) : chromiumArgs(options);
  return { command: browser.path, args };
}

/**
 * Default/Preferences for a fresh Chromium profile. Page preloading is off: Chromium otherwise
 * opens a spare TLS connection to the page's host and drops it unused once HTTP/2 is agreed,
 * which Flowscope cannot tell from a client refusing its certificate (a false CLIENT_TLS_ERROR).
 */
export function chromiumPreferences(): string {
  return `${JSON.stringify({ net: { network_prediction_options: 2 } })}\n`;
}

function pref(name: string, value: string | number | boolean): string {
  return `user_pref(${JSON.stringify(name)}, ${JSON.stringify(value)});`;
}

/** user.js for a fresh Firefox profile: every protocol through the proxy, loopback too, and no first-run pages. */
export function firefoxUserJs(proxyUrl: string): string {
  const { host, port } = proxyAddress(proxyUrl);
  const prefs: Array<[string, string | number | boolean]> = [
    ['network.proxy.type', 1],
    ['network.proxy.http', host],
    ['network.proxy.http_port', port],
    ['network.proxy.ssl', host],
    ['network.proxy.ssl_port', port],
    ['network.proxy.share_proxy_settings', true],
    ['network.proxy.no_proxies_on', ''],
    // Firefox skips the proxy for localhost by default (since 67), which would hide local apps.
    ['network.proxy.allow_hijacking_localhost', true],
    ['browser.shell.checkDefaultBrowser', false],
    ['browser.startup.homepage_override.mstone', 'ignore'],
    ['browser.aboutwelcome.enabled', false],
    ['startup.homepage_welcome_url', ''],
    ['startup.homepage_welcome_url.additional', ''],
    ['datareporting.policy.dataSubmissionPolicyBypassNotification', true],
    ['toolkit.telemetry.reportingpolicy.firstRun', false],
    ['trailhead.firstrun.didSeeAboutWelcome', true],
    // These probes would fill the capture with requests the user never made.
    ['network.captive-portal-service.enabled', false],
    ['network.connectivity-service.enabled', false],
  ];
  return `${prefs.map(([name, value]) => pref(name, value)).join('\n')}\n`;
}
