/**
 * The system proxy toggle on this machine for real: KDE's kioslaverc edited on disk in a temporary
 * HOME, and the real gsettings on a private keyfile store (never the user's own settings).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSystemProxyDeps, disableSystemProxy, enableSystemProxy, restoreAfterCrash, systemProxyStatus, type SystemProxyDeps } from '../../src-main/os/system-proxy/index.js';
import { tempDir } from './harness.js';

const FLOWSCOPE = { host: '127.0.0.1', port: 18080 };
const KIOSLAVERC = [
  '# Proxy kept by hand; Flowscope must not lose this comment',
  '[$Version]',
  'update_info=kioslave.upd:change-proxy-type',
  '',
  '[Cache]',
  'MaxCacheSize=5120',
  '',
  '[Proxy Settings]',
  'NoProxyFor=.corp.example',
  'ProxyType=1',
  'httpProxy=http://proxy.corp.example 3128',
  'httpsProxy=http://proxy.corp.example 3128',
  '',
  '[Notification Messages]',
  'WarnOnLeaveSSLMode=false',
  '',
].join('\n');

let root: string;
let home: string;
let dataDir: string;
const savedEnv = { GSETTINGS_BACKEND: process.env.GSETTINGS_BACKEND, XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME };

beforeAll(() => {
  root = tempDir('flowscope-system-proxy-');
  home = path.join(root, 'home');
  dataDir = path.join(root, 'data');
  mkdirSync(path.join(home, '.config'), { recursive: true });
  mkdirSync(dataDir);
  // gsettings in this process and its children writes a keyfile in the temporary HOME, never dconf.
  process.env.GSETTINGS_BACKEND = 'keyfile';
  process.env.XDG_CONFIG_HOME = path.join(home, '.config');
});

afterAll(() => {
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  rmSync(root, { recursive: true, force: true });
});

function deps(options: { gsettings: boolean }): SystemProxyDeps {
  const real = defaultSystemProxyDeps();
  return {
    ...real,
    home,
    configHome: path.join(home, '.config'),
    hasCommand: (name) => (name === 'gsettings' ? options.gsettings && real.hasCommand(name) : real.hasCommand(name)),
  };
}

function gnomeMissing(): string | null {
  if (!defaultSystemProxyDeps().hasCommand('gsettings')) return 'gsettings is not installed here';
  try {
    execFileSync('gsettings', ['writable', 'org.gnome.system.proxy', 'mode'], { stdio: 'pipe' });
    return null;
  } catch {
    return 'gsettings is here but without the org.gnome.system.proxy schema (gsettings-desktop-schemas)';
  }
}

const gsettingsGet = (schema: string, key: string) => execFileSync('gsettings', ['get', schema, key], { encoding: 'utf8' }).trim();
const kioslaverc = () => path.join(home, '.config', 'kioslaverc');
const snapshotFile = () => path.join(dataDir, 'system-proxy-snapshot.json');

describe('system proxy on this machine', () => {
  it('KDE: edits the real kioslaverc in place, adopts the proxy that was there, and gives the file back byte for byte', async () => {
    writeFileSync(kioslaverc(), KIOSLAVERC);
    chmodSync(kioslaverc(), 0o600);
    const kde = deps({ gsettings: false });

    const { adoptedUpstream, message } = await enableSystemProxy(FLOWSCOPE, dataDir, kde);
    expect(adoptedUpstream).toBe('http://proxy.corp.example:3128');
    expect(message).toMatch(/^The system proxy points at Flowscope \(127\.0\.0\.1:18080\) in KDE\./);
    expect(readFileSync(kioslaverc(), 'utf8')).toBe(KIOSLAVERC
      .replace('NoProxyFor=.corp.example', 'NoProxyFor=.corp.example,localhost,127.0.0.1,::1')
      .replace(/proxy\.corp\.example 3128/g, '127.0.0.1 18080'));
    expect(statSync(kioslaverc()).mode & 0o777).toBe(0o600);
    expect(statSync(snapshotFile()).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(snapshotFile(), 'utf8')).saved.kde.state.text).toBe(KIOSLAVERC);
    expect(await systemProxyStatus(FLOWSCOPE, dataDir, kde)).toMatchObject({ supported: true, enabled: true, backends: ['kde'], snapshotPending: true });

    expect((await disableSystemProxy(FLOWSCOPE, dataDir, kde)).message).toMatch(/^Put back your earlier proxy settings: KDE \(manual, HTTP proxy\.corp\.example:3128, HTTPS proxy\.corp\.example:3128\)\./);
    expect(readFileSync(kioslaverc(), 'utf8')).toBe(KIOSLAVERC);
    expect(statSync(kioslaverc()).mode & 0o777).toBe(0o600);
    // Atomic writes leave no temp files behind.
    expect(readdirSync(path.join(home, '.config')).filter((name) => name.startsWith('kioslaverc')).sort()).toEqual(['kioslaverc']);
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('KDE: a start after a crash puts the file back; a setting the user changed since is theirs', async () => {
    writeFileSync(kioslaverc(), KIOSLAVERC);
    const kde = deps({ gsettings: false });
    await enableSystemProxy(FLOWSCOPE, dataDir, kde);
    expect((await restoreAfterCrash(FLOWSCOPE, dataDir, kde))?.message).toMatch(/^Flowscope did not get to turn the system proxy off last time\. Put back/);
    expect(readFileSync(kioslaverc(), 'utf8')).toBe(KIOSLAVERC);

    await enableSystemProxy(FLOWSCOPE, dataDir, kde);
    const theirs = readFileSync(kioslaverc(), 'utf8').replace('ProxyType=1', 'ProxyType=0');
    writeFileSync(kioslaverc(), theirs);
    expect((await restoreAfterCrash(FLOWSCOPE, dataDir, kde))?.message).toContain('Left yours alone where it was changed after Flowscope set it: KDE (now no proxy).');
    expect(readFileSync(kioslaverc(), 'utf8')).toBe(theirs);
    expect(await restoreAfterCrash(FLOWSCOPE, dataDir, kde)).toBeNull();
  });

  it('GNOME: the real gsettings on a private keyfile store, set and put back', async (context) => {
    const missing = gnomeMissing();
    if (missing) {
      console.warn(`Skipped the real gsettings test: ${missing}.`);
      context.skip(missing);
    }
    rmSync(kioslaverc(), { force: true });
    const gnome = deps({ gsettings: true });
    execFileSync('gsettings', ['set', 'org.gnome.system.proxy', 'ignore-hosts', "['*.corp.example']"]);
    const keys: Array<[string, string]> = [
      ['org.gnome.system.proxy', 'mode'], ['org.gnome.system.proxy', 'ignore-hosts'],
      ['org.gnome.system.proxy.http', 'host'], ['org.gnome.system.proxy.http', 'port'],
      ['org.gnome.system.proxy.https', 'host'], ['org.gnome.system.proxy.https', 'port'],
    ];
    const before = keys.map(([schema, key]) => gsettingsGet(schema, key));

    expect((await enableSystemProxy(FLOWSCOPE, dataDir, gnome)).adoptedUpstream).toBeNull();
    expect(keys.map(([schema, key]) => gsettingsGet(schema, key))).toEqual([
      "'manual'", "['*.corp.example', 'localhost', '127.0.0.0/8', '::1']", "'127.0.0.1'", '18080', "'127.0.0.1'", '18080',
    ]);
    expect(readFileSync(path.join(home, '.config', 'glib-2.0', 'settings', 'keyfile'), 'utf8')).toContain("mode='manual'");
    expect(await systemProxyStatus(FLOWSCOPE, dataDir, gnome)).toMatchObject({ enabled: true, backends: ['gnome'] });

    await disableSystemProxy(FLOWSCOPE, dataDir, gnome);
    expect(keys.map(([schema, key]) => gsettingsGet(schema, key))).toEqual(before);
    expect(await systemProxyStatus(FLOWSCOPE, dataDir, gnome)).toMatchObject({ enabled: false, snapshotPending: false, current: 'GNOME: no proxy' });
  });
});
