/**
 * KDE's proxy settings in ~/.config/kioslaverc, [Proxy Settings]. The whole file is the saved
 * state, so turning off gives back the file byte for byte when nothing else touched it since.
 */
import path from 'node:path';
import { defineBackend, hostPort, isRecord, parseHostPort, type Endpoint, type ProxyBackend, type ProxyTargets } from './backend.js';
import type { SystemProxyDeps } from './deps.js';
import { readIniSection, setIniKeys } from './ini.js';

const SECTION = 'Proxy Settings';
/** ProxyType values KDE writes: 0 none, 1 manual, 2 PAC script, 3 auto-detect, 4 environment. */
const TYPES: Record<string, string> = { '0': 'no proxy', '2': 'automatic configuration script', '3': 'automatic detection', '4': 'from environment variables' };
const KEYS = ['ProxyType', 'httpProxy', 'httpsProxy', 'NoProxyFor'];
const LOCAL_HOSTS = ['localhost', '127.0.0.1', '::1'];

export interface KdeState {
  text: string;
}

export const kioslavercPath = (deps: SystemProxyDeps) => path.join(deps.configHome, 'kioslaverc');

/** KDE writes "http://host 8080"; "http://host:8080" is read as well. */
function parseKdeProxy(value: string | undefined): Endpoint | null {
  return value ? parseHostPort(value.trim().replace(/\s+(\d+)$/, ':$1')) : null;
}

function kdeProxy({ host, port }: Endpoint): string {
  return `http://${host.includes(':') ? `[${host}]` : host} ${port}`;
}

function targets(state: KdeState): ProxyTargets {
  const values = readIniSection(state.text, SECTION);
  if (values.get('ProxyType') !== '1') return { http: null, https: null };
  return { http: parseKdeProxy(values.get('httpProxy')), https: parseKdeProxy(values.get('httpsProxy')) };
}

/** kioslaverc pointing at Flowscope: the user's exceptions kept, loopback added. */
function withFlowscope(text: string, proxy: Endpoint): string {
  const values = readIniSection(text, SECTION);
  const exceptions = (values.get('NoProxyFor') ?? '').split(',').map((host) => host.trim()).filter(Boolean);
  // With ReversedException the list names the hosts that DO use the proxy: left as the user wrote it.
  const reversed = values.get('ReversedException') === 'true';
  const missing = reversed ? [] : LOCAL_HOSTS.filter((host) => !exceptions.includes(host));
  return setIniKeys(text, SECTION, {
    ProxyType: '1',
    httpProxy: kdeProxy(proxy),
    httpsProxy: kdeProxy(proxy),
    ...(missing.length > 0 && { NoProxyFor: [...exceptions, ...missing].join(',') }),
  });
}

/** Running KDE programs re-read kioslaverc on this signal; without it they see the change on restart. */
async function notifyKde(deps: SystemProxyDeps): Promise<string[]> {
  const later = 'running KDE programs pick up the change when they restart';
  if (!deps.hasCommand('dbus-send')) return [`KDE: dbus-send is not installed, so ${later}.`];
  const result = await deps.run('dbus-send', ['--type=signal', '/KIO/Scheduler', 'org.kde.KIO.Scheduler.reparseSlaveConfiguration', 'string:']);
  if (result.code === 0) return [];
  return [`KDE: dbus-send failed (exit ${result.code}: ${`${result.stderr}${result.stdout}`.trim()}), so ${later}.`];
}

export function kdeBackend(deps: SystemProxyDeps): ProxyBackend {
  const file = kioslavercPath(deps);
  const write = async (text: string) => {
    deps.writeFile(file, text);
    return notifyKde(deps);
  };
  return defineBackend<KdeState>({
    id: 'kde',
    label: 'KDE',
    service: null,
    isState: (value): value is KdeState => isRecord(value) && typeof value.text === 'string',
    read: async () => ({ text: deps.readFile(file) }),
    targets,
    describe(state) {
      const type = readIniSection(state.text, SECTION).get('ProxyType') ?? '0';
      if (type !== '1') return TYPES[type] ?? `ProxyType ${type}`;
      const { http, https } = targets(state);
      return `manual, HTTP ${http ? hostPort(http) : 'direct'}, HTTPS ${https ? hostPort(https) : 'direct'}`;
    },
    enable: (proxy, current) => write(withFlowscope(current.text, proxy)),
    restore(saved, current) {
      const ours = targets(current).http;
      if (ours && withFlowscope(saved.text, ours) === current.text) return write(saved.text);
      // Something else rewrote the file since (KDE rewrites it whole): put back only our keys.
      const before = readIniSection(saved.text, SECTION);
      return write(setIniKeys(current.text, SECTION, Object.fromEntries(KEYS.map((key) => [key, before.get(key) ?? null]))));
    },
    turnOff: (current) => write(setIniKeys(current.text, SECTION, { ProxyType: '0' })),
  });
}
