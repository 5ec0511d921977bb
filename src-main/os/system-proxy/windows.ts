/**
 * The current user's WinINET proxy (what Edge, Chrome and most Windows programs use): three values
 * under Internet Settings, written with reg.exe. The PAC script (AutoConfigURL) and auto-detect are
 * the user's and stay untouched.
 */
import { mustRun } from '../command.js';
import { defineBackend, hostPort, isRecord, parseHostPort, type ProxyBackend, type ProxyTargets } from './backend.js';
import type { SystemProxyDeps } from './deps.js';

export const INTERNET_SETTINGS = 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings';
const MANUAL_STEPS = 'Settings → Network & internet → Proxy → Manual proxy setup: use a proxy server 127.0.0.1 with Flowscope\'s port, or turn it off.';
const VALUES = ['ProxyServer', 'ProxyOverride', 'ProxyEnable'] as const;

/**
 * Tells running programs the settings changed (INTERNET_OPTION_SETTINGS_CHANGED = 39, then
 * INTERNET_OPTION_REFRESH = 37); without it they keep the old proxy until restarted. No double
 * quotes inside, so Windows' argument quoting passes it to PowerShell unchanged.
 */
export const WININET_REFRESH_SCRIPT = [
  "$wininet = Add-Type -Name WinInet -Namespace Flowscope -PassThru -MemberDefinition '[DllImport(''wininet.dll'', SetLastError = true)] public static extern bool InternetSetOption(IntPtr hInternet, int dwOption, IntPtr lpBuffer, int dwBufferLength);'",
  '[void]$wininet::InternetSetOption([IntPtr]::Zero, 39, [IntPtr]::Zero, 0)',
  '[void]$wininet::InternetSetOption([IntPtr]::Zero, 37, [IntPtr]::Zero, 0)',
].join('; ');

export interface RegValue {
  type: string;
  data: string;
}

export interface WindowsState {
  ProxyServer: RegValue | null;
  ProxyOverride: RegValue | null;
  ProxyEnable: RegValue | null;
  /** Only read, to say that a PAC script is there. */
  AutoConfigURL: string | null;
}

/** Lines of `reg query` such as "    ProxyServer    REG_SZ    127.0.0.1:8080". */
export function parseRegQuery(stdout: string): Map<string, RegValue> {
  const values = new Map<string, RegValue>();
  for (const line of stdout.split(/\r?\n/)) {
    const match = /^\s+(.+?) {4}(REG_[A-Z_]+)(?: {4}(.*))?$/.exec(line);
    if (match?.[1] && match[2]) values.set(match[1], { type: match[2], data: match[3] ?? '' });
  }
  return values;
}

/** ProxyServer is "host:port" for every protocol, or "http=host:port;https=host:port;...". */
function targetsOf(state: WindowsState): ProxyTargets {
  const enabled = state.ProxyEnable !== null && Number(state.ProxyEnable.data) !== 0;
  const server = state.ProxyServer?.data ?? '';
  if (!enabled || server === '') return { http: null, https: null };
  if (!server.includes('=')) return { http: parseHostPort(server), https: parseHostPort(server) };
  const byProtocol = new Map(server.split(';').map((part) => [part.split('=')[0]?.trim().toLowerCase(), part.slice(part.indexOf('=') + 1)]));
  const http = byProtocol.get('http');
  const https = byProtocol.get('https');
  return { http: http ? parseHostPort(http) : null, https: https ? parseHostPort(https) : null };
}

const isRegValue = (value: unknown): value is RegValue | null =>
  value === null || (isRecord(value) && typeof value.type === 'string' && typeof value.data === 'string');

export function windowsBackend(deps: SystemProxyDeps): ProxyBackend {
  const add = (name: string, type: string, data: string) =>
    mustRun(deps.run, 'reg', ['add', INTERNET_SETTINGS, '/v', name, '/t', type, '/d', data, '/f'], MANUAL_STEPS);
  const refresh = async (): Promise<string[]> => {
    const result = await deps.run('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', WININET_REFRESH_SCRIPT]);
    if (result.code === 0) return [];
    const output = `${result.stderr}${result.stdout}`.trim();
    return [`Windows was not told the settings changed (PowerShell exit ${result.code}${output ? `: ${output}` : ''}); programs already running pick it up when restarted.`];
  };
  const pacNote = (state: WindowsState) => (state.AutoConfigURL
    ? [`Your automatic configuration script (${state.AutoConfigURL}) stays on, and Windows asks it before the manual proxy: programs it sends elsewhere bypass Flowscope.`]
    : []);

  return defineBackend<WindowsState>({
    id: 'windows',
    label: 'Windows Internet Settings',
    service: null,
    isState: (value): value is WindowsState => isRecord(value) && VALUES.every((name) => isRegValue(value[name]))
      && (value.AutoConfigURL === null || typeof value.AutoConfigURL === 'string'),
    async read() {
      const values = parseRegQuery((await mustRun(deps.run, 'reg', ['query', INTERNET_SETTINGS], MANUAL_STEPS)).stdout);
      return {
        ProxyServer: values.get('ProxyServer') ?? null,
        ProxyOverride: values.get('ProxyOverride') ?? null,
        ProxyEnable: values.get('ProxyEnable') ?? null,
        AutoConfigURL: values.get('AutoConfigURL')?.data ?? null,
      };
    },
    targets: targetsOf,
    describe(state) {
      const { http, https } = targetsOf(state);
      const manual = http || https ? `manual, HTTP ${http ? hostPort(http) : 'direct'}, HTTPS ${https ? hostPort(https) : 'direct'}` : 'no manual proxy';
      return state.AutoConfigURL ? `${manual}; automatic configuration script ${state.AutoConfigURL}` : manual;
    },
    async enable(proxy, current) {
      const exceptions = (current.ProxyOverride?.data ?? '').split(';').filter(Boolean);
      await add('ProxyServer', 'REG_SZ', hostPort(proxy));
      if (!exceptions.includes('<local>')) await add('ProxyOverride', 'REG_SZ', [...exceptions, '<local>'].join(';'));
      await add('ProxyEnable', 'REG_DWORD', '1');
      return [...pacNote(current), ...(await refresh())];
    },
    async restore(saved, current) {
      for (const name of VALUES) {
        const before = saved[name];
        const now = current[name];
        if (before === null && now !== null) {
          await mustRun(deps.run, 'reg', ['delete', INTERNET_SETTINGS, '/v', name, '/f'], MANUAL_STEPS);
        } else if (before !== null && (before.type !== now?.type || before.data !== now.data)) {
          // reg query prints a DWORD as 0x1; reg add takes it in decimal.
          await add(name, before.type, before.type === 'REG_DWORD' ? String(Number(before.data)) : before.data);
        }
      }
      return refresh();
    },
    async turnOff() {
      await add('ProxyEnable', 'REG_DWORD', '0');
      return refresh();
    },
  });
}
