/** Linux: GNOME through a simulated gsettings store, KDE's kioslaverc in memory, and neither. */
import { describe, expect, it } from 'vitest';
import type { CommandResult } from '../../src-main/os/command.js';
import { disableSystemProxy, enableSystemProxy, restoreAfterCrash, systemProxyStatus, SystemProxyUnsupportedError, type SystemProxyDeps } from '../../src-main/os/system-proxy/index.js';
import { readIniSection, setIniKeys } from '../../src-main/os/system-proxy/ini.js';

const DATA = '/home/ada/.local/share/flowscope';
const SNAPSHOT = `${DATA}/system-proxy-snapshot.json`;
const KIOSLAVERC = '/home/ada/.config/kioslaverc';
const FLOWSCOPE = { host: '127.0.0.1', port: 8080 };
const DBUS = "dbus-send --type=signal /KIO/Scheduler org.kde.KIO.Scheduler.reparseSlaveConfiguration string:";

const GNOME_DEFAULTS: Record<string, string> = {
  'org.gnome.system.proxy mode': "'none'",
  'org.gnome.system.proxy ignore-hosts': "['localhost', '127.0.0.0/8', '::1']",
  'org.gnome.system.proxy.http host': "''",
  'org.gnome.system.proxy.http port': '8080',
  'org.gnome.system.proxy.https host': "''",
  'org.gnome.system.proxy.https port': '0',
};

const KDE_FILE = [
  '# edited by hand',
  '[$Version]',
  'update_info=kioslave.upd:change-proxy-type',
  '',
  '[Proxy Settings]',
  'AuthMode=0',
  'NoProxyFor=.corp.example',
  'ProxyType = 0',
  'httpProxy=http://proxy.corp.example 3128',
  '',
  '[Cache]',
  'MaxCacheSize=5120',
  '',
].join('\n');

interface Fake {
  gsettings?: Record<string, string>;
  files?: Record<string, string>;
  commands?: string[];
  failOn?: { line: string; result: CommandResult };
}

/** A Linux desktop: a gsettings store when `gsettings` is given, files, and the programs on the PATH. */
function fakeLinux({ gsettings, files: initial = {}, commands = ['gsettings', 'dbus-send'], failOn }: Fake) {
  const store = gsettings ? { ...gsettings } : null;
  const files = new Map(Object.entries(initial).map(([file, content]) => [file, { content, mode: undefined as number | undefined }]));
  const log: string[] = [];
  const ok = (stdout = ''): CommandResult => ({ code: 0, stdout, stderr: '' });
  const deps: SystemProxyDeps = {
    platform: 'linux',
    home: '/home/ada',
    configHome: '/home/ada/.config',
    hasCommand: (name) => (name === 'gsettings' ? store !== null : commands.includes(name)),
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
      if (command === 'dbus-send') return ok();
      const [action, schema, key, value = ''] = args;
      const name = `${schema} ${key}`;
      if (command !== 'gsettings' || !store || !(name in store)) return { code: 1, stdout: '', stderr: `No such schema “${schema}”\n` };
      if (action === 'writable') return ok('true\n');
      if (action === 'get') return ok(`${store[name]}\n`);
      store[name] = value;
      return ok();
    },
  };
  return { deps, store, files, log };
}

const text = (fake: ReturnType<typeof fakeLinux>, file: string) => fake.files.get(file)?.content;

describe('system proxy on Linux: GNOME', () => {
  it('saves the settings first, sets hosts and ports before mode, keeps the user\'s ignored hosts, and puts back exactly what was there', async () => {
    const gnome = fakeLinux({ gsettings: { ...GNOME_DEFAULTS, 'org.gnome.system.proxy ignore-hosts': "['*.corp.example']" } });
    const before = { ...gnome.store };
    const result = await enableSystemProxy(FLOWSCOPE, DATA, gnome.deps);
    expect(gnome.log).toEqual([
      'gsettings writable org.gnome.system.proxy mode',
      'gsettings get org.gnome.system.proxy.http host', 'gsettings get org.gnome.system.proxy.http port',
      'gsettings get org.gnome.system.proxy.https host', 'gsettings get org.gnome.system.proxy.https port',
      'gsettings get org.gnome.system.proxy ignore-hosts', 'gsettings get org.gnome.system.proxy mode',
      `write ${SNAPSHOT}`,
      "gsettings set org.gnome.system.proxy.http host '127.0.0.1'", 'gsettings set org.gnome.system.proxy.http port 8080',
      "gsettings set org.gnome.system.proxy.https host '127.0.0.1'", 'gsettings set org.gnome.system.proxy.https port 8080',
      "gsettings set org.gnome.system.proxy ignore-hosts ['*.corp.example', 'localhost', '127.0.0.0/8', '::1']",
      "gsettings set org.gnome.system.proxy mode 'manual'",
    ]);
    expect(gnome.files.get(SNAPSHOT)?.mode).toBe(0o600);
    expect(result).toEqual({ adoptedUpstream: null, message: 'The system proxy points at Flowscope (127.0.0.1:8080) in GNOME.' });
    expect(await systemProxyStatus(FLOWSCOPE, DATA, gnome.deps)).toEqual({
      supported: true, enabled: true, current: 'Flowscope (127.0.0.1:8080)', backends: ['gnome'], snapshotPending: true, manualSteps: null,
    });

    gnome.log.length = 0;
    expect((await disableSystemProxy(FLOWSCOPE, DATA, gnome.deps)).message).toBe('Put back your earlier proxy settings: GNOME (no proxy).');
    expect(gnome.log.filter((line) => line.startsWith('gsettings set'))).toEqual([
      "gsettings set org.gnome.system.proxy.http host ''",
      "gsettings set org.gnome.system.proxy.https host ''", 'gsettings set org.gnome.system.proxy.https port 0',
      "gsettings set org.gnome.system.proxy ignore-hosts ['*.corp.example']",
      "gsettings set org.gnome.system.proxy mode 'none'",
    ]);
    expect(gnome.store).toEqual(before);
    expect(gnome.files.has(SNAPSHOT)).toBe(false);
  });

  it('adopts a manual proxy the user had, never Flowscope itself', async () => {
    const corp = fakeLinux({ gsettings: { ...GNOME_DEFAULTS, 'org.gnome.system.proxy mode': "'manual'", 'org.gnome.system.proxy.http host': "'proxy.corp'", 'org.gnome.system.proxy.http port': '3128' } });
    expect((await enableSystemProxy(FLOWSCOPE, DATA, corp.deps)).adoptedUpstream).toBe('http://proxy.corp:3128');
    const own = fakeLinux({ gsettings: { ...GNOME_DEFAULTS, 'org.gnome.system.proxy mode': "'manual'", 'org.gnome.system.proxy.http host': "'localhost'", 'org.gnome.system.proxy.http port': '8080' } });
    expect((await enableSystemProxy(FLOWSCOPE, DATA, own.deps)).adoptedUpstream).toBeNull();
  });

  it('turned on twice, the first snapshot (the user\'s own settings) is the one kept', async () => {
    const gnome = fakeLinux({ gsettings: { ...GNOME_DEFAULTS } });
    await enableSystemProxy(FLOWSCOPE, DATA, gnome.deps);
    const first = text(gnome, SNAPSHOT);
    await enableSystemProxy({ host: '127.0.0.1', port: 9090 }, DATA, gnome.deps);
    expect(JSON.parse(text(gnome, SNAPSHOT) ?? '{}')).toMatchObject({ ...JSON.parse(first ?? '{}'), proxies: [FLOWSCOPE, { host: '127.0.0.1', port: 9090 }] });
    await disableSystemProxy({ host: '127.0.0.1', port: 9090 }, DATA, gnome.deps);
    expect(gnome.store).toEqual(GNOME_DEFAULTS);
  });

  it('a failing gsettings says its output; a snapshot that is not Flowscope\'s is refused, not guessed at', async () => {
    const locked = fakeLinux({
      gsettings: { ...GNOME_DEFAULTS },
      failOn: { line: "gsettings set org.gnome.system.proxy.http host '127.0.0.1'", result: { code: 1, stdout: '', stderr: 'The key is not writable\n' } },
    });
    await expect(enableSystemProxy(FLOWSCOPE, DATA, locked.deps)).rejects.toThrow(/^`gsettings set org\.gnome\.system\.proxy\.http host '127\.0\.0\.1'` failed \(exit 1\): The key is not writable\nTo do it by hand: Settings → Network → Network Proxy/);

    const corrupt = fakeLinux({ gsettings: { ...GNOME_DEFAULTS }, files: { [SNAPSHOT]: '{"version": 1, "saved": ' } });
    await expect(disableSystemProxy(FLOWSCOPE, DATA, corrupt.deps)).rejects.toThrow(`${SNAPSHOT} does not hold the proxy settings Flowscope saved`);
    expect(corrupt.log.some((line) => line.startsWith('gsettings set'))).toBe(false);
  });
});

describe('system proxy on Linux: KDE kioslaverc', () => {
  it('edits only the proxy keys, tells KDE, adopts the old proxy, and turning off gives back the file byte for byte', async () => {
    const kde = fakeLinux({ files: { [KIOSLAVERC]: KDE_FILE } });
    const result = await enableSystemProxy(FLOWSCOPE, DATA, kde.deps);
    expect(kde.log).toEqual([`write ${SNAPSHOT}`, `write ${KIOSLAVERC}`, DBUS]);
    expect(text(kde, KIOSLAVERC)).toBe(KDE_FILE
      .replace('NoProxyFor=.corp.example', 'NoProxyFor=.corp.example,localhost,127.0.0.1,::1')
      .replace('ProxyType = 0', 'ProxyType=1')
      .replace('httpProxy=http://proxy.corp.example 3128', 'httpProxy=http://127.0.0.1 8080\nhttpsProxy=http://127.0.0.1 8080'));
    expect(result.adoptedUpstream).toBeNull(); // ProxyType 0: the old proxy was not in use
    expect(await systemProxyStatus(FLOWSCOPE, DATA, kde.deps)).toMatchObject({ enabled: true, backends: ['kde'] });

    expect((await disableSystemProxy(FLOWSCOPE, DATA, kde.deps)).message).toBe('Put back your earlier proxy settings: KDE (no proxy).');
    expect(text(kde, KIOSLAVERC)).toBe(KDE_FILE);
  });

  it('adopts a manual KDE proxy; when KDE rewrote the file since, puts back only the proxy keys and keeps the rest', async () => {
    const manual = KDE_FILE.replace('ProxyType = 0', 'ProxyType=1');
    const kde = fakeLinux({ files: { [KIOSLAVERC]: manual } });
    expect((await enableSystemProxy(FLOWSCOPE, DATA, kde.deps)).adoptedUpstream).toBe('http://proxy.corp.example:3128');
    kde.files.set(KIOSLAVERC, { content: `${text(kde, KIOSLAVERC)}\n[Notification Messages]\nWarnOnLeaveSSLMode=false\n`, mode: undefined });
    await disableSystemProxy(FLOWSCOPE, DATA, kde.deps);
    expect(text(kde, KIOSLAVERC)).toBe(`${manual}\n[Notification Messages]\nWarnOnLeaveSSLMode=false\n`);
  });

  it('after a crash: KDE still at Flowscope is put back, GNOME the user switched off is left alone', async () => {
    const both = fakeLinux({ gsettings: { ...GNOME_DEFAULTS, 'org.gnome.system.proxy mode': "'auto'" }, files: { [KIOSLAVERC]: KDE_FILE } });
    expect(await systemProxyStatus(FLOWSCOPE, DATA, both.deps)).toMatchObject({ backends: ['gnome', 'kde'], current: 'GNOME: automatic configuration; KDE: no proxy' });
    await enableSystemProxy(FLOWSCOPE, DATA, both.deps);
    both.store!['org.gnome.system.proxy mode'] = "'none'";
    const result = await restoreAfterCrash(FLOWSCOPE, DATA, both.deps);
    expect(result?.message).toBe('Flowscope did not get to turn the system proxy off last time. Put back your earlier proxy settings: KDE (no proxy). '
      + 'Left yours alone where it was changed after Flowscope set it: GNOME (now no proxy).');
    expect(text(both, KIOSLAVERC)).toBe(KDE_FILE);
    expect(both.store!['org.gnome.system.proxy mode']).toBe("'none'");
    expect(both.files.has(SNAPSHOT)).toBe(false);
  });

  it('a failed dbus-send is said, not fatal; without dbus-send KDE programs see it on restart', async () => {
    const noBus = fakeLinux({ files: { [KIOSLAVERC]: '' }, failOn: { line: DBUS, result: { code: 1, stdout: '', stderr: 'Failed to open connection to "session" message bus\n' } } });
    expect((await enableSystemProxy(FLOWSCOPE, DATA, noBus.deps)).message).toContain('KDE: dbus-send failed (exit 1: Failed to open connection to "session" message bus), so running KDE programs pick up the change when they restart.');
    expect(text(noBus, KIOSLAVERC)).toBe('[Proxy Settings]\nProxyType=1\nhttpProxy=http://127.0.0.1 8080\nhttpsProxy=http://127.0.0.1 8080\nNoProxyFor=localhost,127.0.0.1,::1\n');
    const noDbus = fakeLinux({ files: { [KIOSLAVERC]: '' }, commands: [] });
    expect((await enableSystemProxy(FLOWSCOPE, DATA, noDbus.deps)).message).toContain('KDE: dbus-send is not installed');
    await disableSystemProxy(FLOWSCOPE, DATA, noDbus.deps);
    expect(text(noDbus, KIOSLAVERC)).toBe('');
  });
});

describe('system proxy on Linux without GNOME or KDE', () => {
  it('says it is unsupported and what to do instead', async () => {
    const bare = fakeLinux({});
    const status = await systemProxyStatus(FLOWSCOPE, DATA, bare.deps);
    expect(status).toEqual({
      supported: false, enabled: false, current: null, backends: [], snapshotPending: false,
      manualSteps: 'Neither GNOME\'s proxy settings (gsettings) nor KDE\'s (/home/ada/.config/kioslaverc) were found here. '
        + 'Point programs at Flowscope yourself: `export HTTP_PROXY=http://127.0.0.1:8080 HTTPS_PROXY=http://127.0.0.1:8080` in a terminal, or start one with `flowscope run -- <command>`.',
    });
    await expect(enableSystemProxy(FLOWSCOPE, DATA, bare.deps)).rejects.toThrow(SystemProxyUnsupportedError);
    await expect(enableSystemProxy(FLOWSCOPE, DATA, bare.deps)).rejects.toThrow(`Flowscope cannot set the system proxy on this system. ${status.manualSteps}`);
    expect(bare.files.has(SNAPSHOT)).toBe(false);
    expect(await disableSystemProxy(FLOWSCOPE, DATA, bare.deps)).toEqual({ message: 'The system proxy did not point at Flowscope; nothing was changed.' });
  });
});

describe('kioslaverc editing', () => {
  it('adds a missing section at the end, with or without a final newline, and reads it back', () => {
    expect(setIniKeys('', 'Proxy Settings', { ProxyType: '1' })).toBe('[Proxy Settings]\nProxyType=1\n');
    expect(setIniKeys('[Cache]\nA=1\n', 'Proxy Settings', { ProxyType: '1' })).toBe('[Cache]\nA=1\n\n[Proxy Settings]\nProxyType=1\n');
    expect(setIniKeys('[Cache]\nA=1', 'Proxy Settings', { ProxyType: '1' })).toBe('[Cache]\nA=1\n\n[Proxy Settings]\nProxyType=1');
    expect(setIniKeys('[Cache]\nA=1\n', 'Proxy Settings', { ProxyType: null })).toBe('[Cache]\nA=1\n');
    expect([...readIniSection('[P]\n# ProxyType=9\n  ProxyType = 2 \nProxyType=3\n[Q]\nProxyType=4', 'P')]).toEqual([['ProxyType', '2']]);
  });

  it('changes and removes keys in place, adding new ones after the section\'s last line, before its blank lines', () => {
    const source = '[P]\nA=1\nB=2\n\n[Q]\nA=9\n';
    expect(setIniKeys(source, 'P', { B: null, A: '5', C: '3' })).toBe('[P]\nA=5\nC=3\n\n[Q]\nA=9\n');
  });
});
