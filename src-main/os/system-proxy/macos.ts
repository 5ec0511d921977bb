/**
 * macOS keeps a proxy per network service (Wi-Fi, Ethernet, ...); networksetup reads and sets the
 * web (HTTP) and secure web (HTTPS) proxy and the bypass list of each enabled one.
 */
import { mustRun } from '../command.js';
import { defineBackend, hostPort, isRecord, type Endpoint, type ProxyBackend, type ProxyTargets } from './backend.js';
import type { SystemProxyDeps } from './deps.js';

const MANUAL_STEPS = 'System Settings → Network → (your network) → Details → Proxies: Web Proxy (HTTP) and Secure Web Proxy (HTTPS) at 127.0.0.1 and Flowscope\'s port, or turn them off.';
const LOCAL_HOSTS = ['localhost', '127.0.0.1', '::1'];

export interface MacProxy {
  enabled: boolean;
  server: string;
  port: number;
  authenticated: boolean;
}

export interface MacState {
  web: MacProxy;
  secure: MacProxy;
  bypass: string[];
}

/** The enabled services of `networksetup -listallnetworkservices` (after its header; "*" marks disabled ones). */
export async function enabledNetworkServices(deps: SystemProxyDeps): Promise<string[]> {
  const listed = await mustRun(deps.run, 'networksetup', ['-listallnetworkservices'], MANUAL_STEPS);
  return listed.stdout.split(/\r?\n/).slice(1).map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('*'));
}

/** "Enabled: Yes\nServer: 10.0.0.1\nPort: 3128\nAuthenticated Proxy Enabled: 0". */
export function parseMacProxy(stdout: string): MacProxy {
  const field = (name: string) => new RegExp(`^${name}:[ \\t]*(.*)$`, 'm').exec(stdout)?.[1]?.trim() ?? '';
  return { enabled: field('Enabled') === 'Yes', server: field('Server'), port: Number(field('Port')) || 0, authenticated: field('Authenticated Proxy Enabled') === '1' };
}

/** One domain a line, or "There aren't any bypass domains set on Wi-Fi." */
function parseBypass(stdout: string): string[] {
  return stdout.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('There aren'));
}

const target = (proxy: MacProxy): Endpoint | null => (proxy.enabled && proxy.server !== '' && proxy.port > 0 ? { host: proxy.server, port: proxy.port } : null);

const isMacProxy = (value: unknown): value is MacProxy => isRecord(value) && typeof value.enabled === 'boolean'
  && typeof value.server === 'string' && typeof value.port === 'number' && typeof value.authenticated === 'boolean';

export function macServiceBackend(deps: SystemProxyDeps, service: string): ProxyBackend {
  const networksetup = (...args: string[]) => mustRun(deps.run, 'networksetup', args, MANUAL_STEPS);
  const targets = (state: MacState): ProxyTargets => ({ http: target(state.web), https: target(state.secure) });
  const setBypass = (domains: string[]) => networksetup('-setproxybypassdomains', service, ...(domains.length > 0 ? domains : ['Empty']));

  // -setwebproxy also turns the proxy on; the state is set after it so "off" stays off.
  async function put(kind: 'web' | 'secureweb', saved: MacProxy, now: MacProxy): Promise<string[]> {
    if (saved.server !== '' && (saved.server !== now.server || saved.port !== now.port)) {
      await networksetup(`-set${kind}proxy`, service, saved.server, String(saved.port));
    }
    await networksetup(`-set${kind}proxystate`, service, saved.enabled ? 'on' : 'off');
    // networksetup cannot read the password back, so it cannot be put back either.
    return saved.authenticated ? [`${service}: your ${kind === 'web' ? 'HTTP' : 'HTTPS'} proxy asked for a password; enter it again in System Settings → Network → Proxies.`] : [];
  }

  return defineBackend<MacState>({
    id: `networksetup:${service}`,
    label: service,
    service,
    isState: (value): value is MacState => isRecord(value) && isMacProxy(value.web) && isMacProxy(value.secure)
      && Array.isArray(value.bypass) && value.bypass.every((domain) => typeof domain === 'string'),
    async read() {
      return {
        web: parseMacProxy((await networksetup('-getwebproxy', service)).stdout),
        secure: parseMacProxy((await networksetup('-getsecurewebproxy', service)).stdout),
        bypass: parseBypass((await networksetup('-getproxybypassdomains', service)).stdout),
      };
    },
    targets,
    describe(state) {
      const { http, https } = targets(state);
      return http || https ? `HTTP ${http ? hostPort(http) : 'direct'}, HTTPS ${https ? hostPort(https) : 'direct'}` : 'no proxy';
    },
    async enable(proxy, current) {
      await networksetup('-setwebproxy', service, proxy.host, String(proxy.port));
      await networksetup('-setwebproxystate', service, 'on');
      await networksetup('-setsecurewebproxy', service, proxy.host, String(proxy.port));
      await networksetup('-setsecurewebproxystate', service, 'on');
      const missing = LOCAL_HOSTS.filter((host) => !current.bypass.includes(host));
      if (missing.length > 0) await setBypass([...current.bypass, ...missing]);
      return [];
    },
    async restore(saved, current) {
      const notes = [...(await put('web', saved.web, current.web)), ...(await put('secureweb', saved.secure, current.secure))];
      if (saved.bypass.join('\n') !== current.bypass.join('\n')) await setBypass(saved.bypass);
      return notes;
    },
    async turnOff() {
      await networksetup('-setwebproxystate', service, 'off');
      await networksetup('-setsecurewebproxystate', service, 'off');
      return [];
    },
  });
}
