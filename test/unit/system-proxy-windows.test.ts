/** Windows: the per-user Internet Settings values through reg.exe, against a simulated registry. */
import { describe, expect, it } from 'vitest';
import type { CommandResult } from '../../src-main/os/command.js';
import { disableSystemProxy, enableSystemProxy, restoreAfterCrash, systemProxyStatus, type SystemProxyDeps } from '../../src-main/os/system-proxy/index.js';
import { INTERNET_SETTINGS, WININET_REFRESH_SCRIPT, type RegValue } from '../../src-main/os/system-proxy/windows.js';

const DATA = 'C:\\Users\\ada\\AppData\\Roaming\\Flowscope';
const SNAPSHOT = `${DATA}/system-proxy-snapshot.json`;
const FLOWSCOPE = { host: '127.0.0.1', port: 8080 };
const KEY = 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings';
const REFRESH = `powershell.exe -NoProfile -NonInteractive -Command ${WININET_REFRESH_SCRIPT}`;

/** HKCU\...\Internet Settings as reg.exe shows and changes it. */
function fakeRegistry(values: Record<string, RegValue>, failOn?: { line: string; result: CommandResult }) {
  const registry = new Map(Object.entries(values));
  const log: string[] = [];
  const files = new Map<string, { content: string; mode: number | undefined }>();
  const ok = (stdout = ''): CommandResult => ({ code: 0, stdout, stderr: '' });
  const query = () => [
    '', `HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings`,
    ...[...registry].map(([name, value]) => `    ${name}    ${value.type}    ${value.data}`),
    '', 'HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\5.0', '',
  ].join('\r\n');

  const deps: SystemProxyDeps = {
    platform: 'win32',
    home: 'C:\\Users\\ada',
    configHome: 'C:\\Users\\ada\\.config',
    hasCommand: () => true,
    exists: (file) => files.has(file),
    readFile: (file) => files.get(file)?.content ?? '',
    writeFile: (file, content, mode) => {
      log.push(`write ${file}`);
      files.set(file, { content, mode });
    },
    removeFile: (file) => {
      files.delete(file);
    },
    run: async (command, args) => {
      const line = [command, ...args].join(' ');
      log.push(line);
      if (failOn && line === failOn.line) return failOn.result;
      if (command === 'powershell.exe') return ok();
      const [action, key, , name = '', , type = '', , data = ''] = args;
      if (command !== 'reg' || key !== KEY) return { code: 1, stdout: '', stderr: 'ERROR: The system was unable to find the specified registry key or value.\r\n' };
      if (action === 'query') return ok(query());
      if (action === 'delete') registry.delete(name);
      // reg.exe keeps a DWORD given in decimal and shows it in hex.
      if (action === 'add') registry.set(name, { type, data: type === 'REG_DWORD' ? `0x${Number(data).toString(16)}` : data });
      return ok('The operation completed successfully.\r\n');
    },
  };
  return { deps, registry, log, files };
}

const USER_SETTINGS: Record<string, RegValue> = {
  IE5_UA_Backup_Flag: { type: 'REG_SZ', data: '5.0' },
  ProxyEnable: { type: 'REG_DWORD', data: '0x1' },
  ProxyServer: { type: 'REG_SZ', data: 'http=10.1.1.1:3128;https=10.1.1.1:3129;ftp=10.1.1.1:21' },
  ProxyOverride: { type: 'REG_SZ', data: '*.corp.example;10.*' },
  AutoConfigURL: { type: 'REG_SZ', data: 'http://wpad.corp.example/proxy.pac' },
};

describe('system proxy on Windows', () => {
  it('the settings-changed notification is this exact PowerShell one-liner (no double quotes to be mangled)', () => {
    expect(WININET_REFRESH_SCRIPT).toBe(
      "$wininet = Add-Type -Name WinInet -Namespace Flowscope -PassThru -MemberDefinition '[DllImport(''wininet.dll'', SetLastError = true)] "
      + "public static extern bool InternetSetOption(IntPtr hInternet, int dwOption, IntPtr lpBuffer, int dwBufferLength);'; "
      + '[void]$wininet::InternetSetOption([IntPtr]::Zero, 39, [IntPtr]::Zero, 0); '
      + '[void]$wininet::InternetSetOption([IntPtr]::Zero, 37, [IntPtr]::Zero, 0)',
    );
    expect(WININET_REFRESH_SCRIPT).not.toContain('"');
    expect(INTERNET_SETTINGS).toBe(KEY);
  });

  it('saves the values first, then sets server, exceptions and enable, tells WinINET, and adopts the HTTP proxy that was there', async () => {
    const { deps, log, files, registry } = fakeRegistry(USER_SETTINGS);
    expect(await systemProxyStatus(FLOWSCOPE, DATA, deps)).toEqual({
      supported: true, enabled: false, backends: ['windows'], snapshotPending: false, manualSteps: null,
      current: 'Windows Internet Settings: manual, HTTP 10.1.1.1:3128, HTTPS 10.1.1.1:3129; automatic configuration script http://wpad.corp.example/proxy.pac',
    });
    log.length = 0;

    const result = await enableSystemProxy(FLOWSCOPE, DATA, deps);
    expect(log).toEqual([
      `reg query ${KEY}`,
      `write ${SNAPSHOT}`,
      `reg add ${KEY} /v ProxyServer /t REG_SZ /d 127.0.0.1:8080 /f`,
      `reg add ${KEY} /v ProxyOverride /t REG_SZ /d *.corp.example;10.*;<local> /f`,
      `reg add ${KEY} /v ProxyEnable /t REG_DWORD /d 1 /f`,
      REFRESH,
    ]);
    expect(files.get(SNAPSHOT)?.mode).toBe(0o600);
    expect(registry.get('AutoConfigURL')).toEqual(USER_SETTINGS.AutoConfigURL);
    expect(result).toEqual({
      adoptedUpstream: 'http://10.1.1.1:3128',
      message: 'The system proxy points at Flowscope (127.0.0.1:8080) in Windows Internet Settings. '
        + 'Your earlier proxy http://10.1.1.1:3128 is Flowscope\'s upstream now, so traffic still leaves through it. '
        + 'Your automatic configuration script (http://wpad.corp.example/proxy.pac) stays on, and Windows asks it before the manual proxy: programs it sends elsewhere bypass Flowscope.',
    });
    expect(await systemProxyStatus(FLOWSCOPE, DATA, deps)).toMatchObject({ enabled: true, current: 'Flowscope (127.0.0.1:8080)', snapshotPending: true });
  });

  it('turning off writes back exactly the previous values, deleting the ones that were not there', async () => {
    const before = { IE5_UA_Backup_Flag: USER_SETTINGS.IE5_UA_Backup_Flag!, ProxyEnable: { type: 'REG_DWORD', data: '0x0' } };
    const { deps, log, registry, files } = fakeRegistry(before);
    expect((await enableSystemProxy(FLOWSCOPE, DATA, deps)).adoptedUpstream).toBeNull();
    log.length = 0;

    expect((await disableSystemProxy(FLOWSCOPE, DATA, deps)).message).toBe('Put back your earlier proxy settings: Windows Internet Settings (no manual proxy).');
    expect(log).toEqual([
      `reg query ${KEY}`,
      `reg delete ${KEY} /v ProxyServer /f`,
      `reg delete ${KEY} /v ProxyOverride /f`,
      `reg add ${KEY} /v ProxyEnable /t REG_DWORD /d 0 /f`,
      REFRESH,
    ]);
    expect(Object.fromEntries(registry)).toEqual(before);
    expect(files.has(SNAPSHOT)).toBe(false);
  });

  it('after a crash, restores when the registry still points at Flowscope and leaves the user\'s own change alone', async () => {
    const still = fakeRegistry(USER_SETTINGS);
    await enableSystemProxy(FLOWSCOPE, DATA, still.deps);
    expect((await restoreAfterCrash(FLOWSCOPE, DATA, still.deps))?.message).toMatch(/^Flowscope did not get to turn the system proxy off last time\. Put back your earlier proxy settings: Windows Internet Settings \(manual, HTTP 10\.1\.1\.1:3128/);
    expect(Object.fromEntries(still.registry)).toEqual(USER_SETTINGS);

    const changed = fakeRegistry(USER_SETTINGS);
    await enableSystemProxy(FLOWSCOPE, DATA, changed.deps);
    changed.registry.set('ProxyEnable', { type: 'REG_DWORD', data: '0x0' });
    const theirs = Object.fromEntries(changed.registry);
    changed.log.length = 0;
    expect((await restoreAfterCrash(FLOWSCOPE, DATA, changed.deps))?.message).toBe('Flowscope did not get to turn the system proxy off last time. '
      + 'Left yours alone where it was changed after Flowscope set it: Windows Internet Settings (now no manual proxy; automatic configuration script http://wpad.corp.example/proxy.pac).');
    expect(changed.log).toEqual([`reg query ${KEY}`]);
    expect(Object.fromEntries(changed.registry)).toEqual(theirs);
    expect(changed.files.has(SNAPSHOT)).toBe(false);
  });

  it('never adopts Flowscope\'s own address, nor a proxy that is switched off', async () => {
    const own = fakeRegistry({ ProxyEnable: { type: 'REG_DWORD', data: '0x1' }, ProxyServer: { type: 'REG_SZ', data: 'localhost:8080' } });
    expect((await enableSystemProxy({ host: '0.0.0.0', port: 8080 }, DATA, own.deps)).adoptedUpstream).toBeNull();
    const off = fakeRegistry({ ProxyEnable: { type: 'REG_DWORD', data: '0x0' }, ProxyServer: { type: 'REG_SZ', data: '10.1.1.1:3128' } });
    expect((await enableSystemProxy(FLOWSCOPE, DATA, off.deps)).adoptedUpstream).toBeNull();
    const plain = fakeRegistry({ ProxyEnable: { type: 'REG_DWORD', data: '0x1' }, ProxyServer: { type: 'REG_SZ', data: 'proxy.corp:8000' } });
    expect((await enableSystemProxy(FLOWSCOPE, DATA, plain.deps)).adoptedUpstream).toBe('http://proxy.corp:8000');
  });

  it('a refused reg add fails with reg\'s output; a failed notification is said but not fatal', async () => {
    const denied = { code: 1, stdout: '', stderr: 'ERROR: Access is denied.\r\n' };
    const refused = fakeRegistry(USER_SETTINGS, { line: `reg add ${KEY} /v ProxyServer /t REG_SZ /d 127.0.0.1:8080 /f`, result: denied });
    await expect(enableSystemProxy(FLOWSCOPE, DATA, refused.deps)).rejects.toThrow(/^`reg add .* \/v ProxyServer .*` failed \(exit 1\): ERROR: Access is denied\.\nTo do it by hand: Settings → Network & internet → Proxy/);
    expect(Object.fromEntries(refused.registry)).toEqual(USER_SETTINGS);

    const blocked = { code: 1, stdout: '', stderr: 'Add-Type : Cannot add type. Definition of new types is not supported in this language mode.' };
    const quiet = fakeRegistry({}, { line: REFRESH, result: blocked });
    const { message } = await enableSystemProxy(FLOWSCOPE, DATA, quiet.deps);
    expect(message).toContain('Windows was not told the settings changed (PowerShell exit 1: Add-Type : Cannot add type. Definition of new types is not supported in this language mode.); programs already running pick it up when restarted.');
    expect(quiet.registry.get('ProxyEnable')).toEqual({ type: 'REG_DWORD', data: '0x1' });
  });
});
