/**
 * GNOME's proxy settings through gsettings (org.gnome.system.proxy). Values are kept as the
 * GVariant text gsettings prints, so setting them back gives exactly what was there.
 */
import { mustRun } from '../command.js';
import { defineBackend, hostPort, isRecord, type Endpoint, type ProxyBackend, type ProxyTargets } from './backend.js';
import type { SystemProxyDeps } from './deps.js';

const SCHEMA = 'org.gnome.system.proxy';
const MANUAL_STEPS = 'Settings → Network → Network Proxy: set it to Manual with 127.0.0.1 and Flowscope\'s port for HTTP and HTTPS, or back to what you had.';
/** The loopback names GNOME ignores by default: Flowscope keeps them out of the proxy. */
const LOCAL_HOSTS = ['localhost', '127.0.0.0/8', '::1'];

const KEYS = {
  httpHost: [`${SCHEMA}.http`, 'host'],
  httpPort: [`${SCHEMA}.http`, 'port'],
  httpsHost: [`${SCHEMA}.https`, 'host'],
  httpsPort: [`${SCHEMA}.https`, 'port'],
  ignoreHosts: [SCHEMA, 'ignore-hosts'],
  // Last: apps never see "manual" with half-written hosts.
  mode: [SCHEMA, 'mode'],
} as const;

type Field = keyof typeof KEYS;
export type GnomeState = Record<Field, string>;
const FIELDS = Object.keys(KEYS) as Field[];

export function gvariantString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The strings in GVariant text such as `'manual'` or `['localhost', '::1']` (or `@as []`). */
export function gvariantStrings(text: string): string[] {
  return [...text.matchAll(/'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"/g)].map((m) => (m[1] ?? m[2] ?? '').replace(/\\(.)/g, '$1'));
}

function target(host: string, port: string): Endpoint | null {
  const name = gvariantStrings(host)[0] ?? '';
  const number = Number(port.replace(/^uint32 /, ''));
  return name !== '' && number > 0 ? { host: name, port: number } : null;
}

export function gnomeBackend(deps: SystemProxyDeps): ProxyBackend {
  const set = (field: Field, value: string) => mustRun(deps.run, 'gsettings', ['set', ...KEYS[field], value], MANUAL_STEPS);
  const targets = (state: GnomeState): ProxyTargets => (gvariantStrings(state.mode)[0] === 'manual'
    ? { http: target(state.httpHost, state.httpPort), https: target(state.httpsHost, state.httpsPort) }
    : { http: null, https: null });

  return defineBackend<GnomeState>({
    id: 'gnome',
    label: 'GNOME',
    service: null,
    isState: (value): value is GnomeState => isRecord(value) && FIELDS.every((field) => typeof value[field] === 'string'),
    async read() {
      const state = {} as GnomeState;
      for (const field of FIELDS) {
        state[field] = (await mustRun(deps.run, 'gsettings', ['get', ...KEYS[field]], MANUAL_STEPS)).stdout.trim();
      }
      return state;
    },
    targets,
    describe(state) {
      const mode = gvariantStrings(state.mode)[0];
      if (mode === 'auto') return 'automatic configuration';
      if (mode !== 'manual') return 'no proxy';
      const { http, https } = targets(state);
      return `manual, HTTP ${http ? hostPort(http) : 'direct'}, HTTPS ${https ? hostPort(https) : 'direct'}`;
    },
    async enable(proxy, current) {
      const ignored = gvariantStrings(current.ignoreHosts);
      await set('httpHost', gvariantString(proxy.host));
      await set('httpPort', String(proxy.port));
      await set('httpsHost', gvariantString(proxy.host));
      await set('httpsPort', String(proxy.port));
      const missing = LOCAL_HOSTS.filter((host) => !ignored.includes(host));
      if (missing.length > 0) await set('ignoreHosts', `[${[...ignored, ...missing].map(gvariantString).join(', ')}]`);
      await set('mode', gvariantString('manual'));
      return [];
    },
    async restore(saved, current) {
      for (const field of FIELDS) {
        if (saved[field] !== current[field]) await set(field, saved[field]);
      }
      return [];
    },
    async turnOff() {
      await set('mode', gvariantString('none'));
      return [];
    },
  });
}

/** Whether gsettings is here and knows GNOME's proxy schema (it is often installed without GNOME). */
export async function hasGnomeProxySettings(deps: SystemProxyDeps): Promise<boolean> {
  if (!deps.hasCommand('gsettings')) return false;
  return (await deps.run('gsettings', ['writable', SCHEMA, 'mode'])).code === 0;
}
