/** macOS: networksetup on every enabled network service, through a simulated networksetup. */
import { describe, expect, it } from 'vitest';
import { CommandFailedError, type CommandResult } from '../../src-main/os/command.js';
import { disableSystemProxy, enableSystemProxy, restoreAfterCrash, systemProxyStatus, type SystemProxyDeps } from '../../src-main/os/system-proxy/index.js';
import type { MacProxy } from '../../src-main/os/system-proxy/macos.js';

const DATA = '/Users/ada/Library/Application Support/Flowscope';
const SNAPSHOT = `${DATA}/system-proxy-snapshot.json`;
const FLOWSCOPE = { host: '127.0.0.1', port: 8080 };

interface Service {
  web: MacProxy;
  secure: MacProxy;
  bypass: string[];
}

const proxy = (enabled: boolean, server: string, port: number): MacProxy => ({ enabled, server, port, authenticated: false });

/** Two enabled services and a disabled one, as `networksetup` keeps them. */
function fakeMac(failOn?: { line: string; result: CommandResult }) {
  const services: Record<string, Service> = {
    'Wi-Fi': { web: proxy(false, '192.168.1.9', 8888), secure: proxy(false, '', 0), bypass: [] },
    Ethernet: { web: proxy(true, '10.0.0.5', 3128), secure: proxy(true, '10.0.0.5', 3128), bypass: ['*.local', '169.254/16'] },
    'Bluetooth PAN': { web: proxy(false, '', 0), secure: proxy(false, '', 0), bypass: [] },
  };
  const log: string[] = [];
  const files = new Map<string, { content: string; mode: number | undefined }>();
  const ok = (stdout = ''): CommandResult => ({ code: 0, stdout, stderr: '' });
  const show = (p: MacProxy) => `Enabled: ${p.enabled ? 'Yes' : 'No'}\nServer: ${p.server}\nPort: ${p.port}\nAuthenticated Proxy Enabled: ${p.authenticated ? 1 : 0}\n`;

  const deps: SystemProxyDeps = {
    platform: 'darwin',
    home: '/Users/ada',
    configHome: '/Users/ada/.config',
    hasCommand: () => true,
    exists: (file) => files.has(file),
    readFile: (file) => files.get(file)?.content ?? '',
    writeFile: (file, content, mode) => {
      log.push(`write ${file}`);
      files.set(file, { content, mode });
    },
    removeFile: (file) => {
      log.push(`remove ${file}`);
      files.delete(file);
    },
    run: async (command, args) => {
      const line = [command, ...args].join(' ');
      log.push(line);
      if (failOn && line === failOn.line) return failOn.result;
      const [action = '', name = '', ...rest] = args;
      if (action === '-listallnetworkservices') return ok('An asterisk (*) denotes that a network service is disabled.\nWi-Fi\n*Bluetooth PAN\nEthernet\n');
      const service = services[name];
      if (!service) return { code: 4, stdout: `** Error: The parameters were not valid.\n`, stderr: '' };
      const part = action.includes('secure') ? service.secure : service.web;
      if (action === '-getwebproxy' || action === '-getsecurewebproxy') return ok(show(part));
      if (action === '-getproxybypassdomains') return ok(service.bypass.length > 0 ? `${service.bypass.join('\n')}\n` : `There aren't any bypass domains set on ${name}.\n`);
      if (action === '-setwebproxy' || action === '-setsecurewebproxy') Object.assign(part, { enabled: true, server: rest[0], port: Number(rest[1]) });
      else if (action.endsWith('proxystate')) part.enabled = rest[0] === 'on';
      else if (action === '-setproxybypassdomains') service.bypass = rest[0] === 'Empty' ? [] : rest;
      else return { code: 4, stdout: '** Error: unknown option\n', stderr: '' };
      return ok();
    },
  };
  return { deps, services, log, files };
}

const setCommands = (log: string[]) => log.filter((line) => / -set/.test(line));

describe('system proxy on macOS', () => {
  it('reads every enabled service and says what each uses', async () => {
    const { deps } = fakeMac();
    expect(await systemProxyStatus(FLOWSCOPE, DATA, deps)).toEqual({
      supported: true,
      enabled: false,
      current: 'Wi-Fi: no proxy; Ethernet: HTTP 10.0.0.5:3128, HTTPS 10.0.0.5:3128',
      backends: ['networksetup: Wi-Fi, Ethernet'],
      snapshotPending: false,
      manualSteps: null,
    });
  });

  it('saves the settings first, then sets web and secure web proxy on each enabled service, and adopts the proxy that was there', async () => {
    const { deps, log, files, services } = fakeMac();
    const before = structuredClone(services);
    const result = await enableSystemProxy({ host: '0.0.0.0', port: 8080 }, DATA, deps);

    const firstChange = log.findIndex((line) => / -set/.test(line));
    expect(log.indexOf(`write ${SNAPSHOT}`)).toBeGreaterThan(-1);
    expect(log.indexOf(`write ${SNAPSHOT}`)).toBeLessThan(firstChange);
    expect(log.slice(0, firstChange)).toEqual([
      'networksetup -listallnetworkservices',
      'networksetup -getwebproxy Wi-Fi', 'networksetup -getsecurewebproxy Wi-Fi', 'networksetup -getproxybypassdomains Wi-Fi',
      'networksetup -getwebproxy Ethernet', 'networksetup -getsecurewebproxy Ethernet', 'networksetup -getproxybypassdomains Ethernet',
      `write ${SNAPSHOT}`,
    ]);
    expect(setCommands(log)).toEqual([
      'networksetup -setwebproxy Wi-Fi 127.0.0.1 8080', 'networksetup -setwebproxystate Wi-Fi on',
      'networksetup -setsecurewebproxy Wi-Fi 127.0.0.1 8080', 'networksetup -setsecurewebproxystate Wi-Fi on',
      'networksetup -setproxybypassdomains Wi-Fi localhost 127.0.0.1 ::1',
      'networksetup -setwebproxy Ethernet 127.0.0.1 8080', 'networksetup -setwebproxystate Ethernet on',
      'networksetup -setsecurewebproxy Ethernet 127.0.0.1 8080', 'networksetup -setsecurewebproxystate Ethernet on',
      'networksetup -setproxybypassdomains Ethernet *.local 169.254/16 localhost 127.0.0.1 ::1',
    ]);
    expect(log.some((line) => line.includes('Bluetooth'))).toBe(false);

    const snapshot = files.get(SNAPSHOT);
    expect(snapshot?.mode).toBe(0o600);
    expect(JSON.parse(snapshot?.content ?? '{}')).toMatchObject({
      version: 1,
      proxies: [FLOWSCOPE],
      saved: { 'networksetup:Wi-Fi': { label: 'Wi-Fi', state: before['Wi-Fi'] }, 'networksetup:Ethernet': { label: 'Ethernet', state: before.Ethernet } },
    });
    expect(result.adoptedUpstream).toBe('http://10.0.0.5:3128');
    expect(result.message).toBe('The system proxy points at Flowscope (127.0.0.1:8080) in Wi-Fi, Ethernet. Your earlier proxy http://10.0.0.5:3128 is Flowscope\'s upstream now, so traffic still leaves through it.');
    expect(await systemProxyStatus(FLOWSCOPE, DATA, deps)).toMatchObject({ enabled: true, current: 'Flowscope (127.0.0.1:8080)', snapshotPending: true });
  });

  it('turning off puts back exactly what each service had and deletes the snapshot', async () => {
    const { deps, log, files, services } = fakeMac();
    const before = structuredClone(services);
    await enableSystemProxy(FLOWSCOPE, DATA, deps);
    log.length = 0;

    const { message } = await disableSystemProxy(FLOWSCOPE, DATA, deps);
    expect(setCommands(log)).toEqual([
      'networksetup -setwebproxy Wi-Fi 192.168.1.9 8888', 'networksetup -setwebproxystate Wi-Fi off',
      'networksetup -setsecurewebproxystate Wi-Fi off',
      'networksetup -setproxybypassdomains Wi-Fi Empty',
      'networksetup -setwebproxy Ethernet 10.0.0.5 3128', 'networksetup -setwebproxystate Ethernet on',
      'networksetup -setsecurewebproxy Ethernet 10.0.0.5 3128', 'networksetup -setsecurewebproxystate Ethernet on',
      'networksetup -setproxybypassdomains Ethernet *.local 169.254/16',
    ]);
    // A service that never had a secure web proxy keeps Flowscope's address, switched off:
    // networksetup has no way to set an empty server.
    expect({ ...services, 'Wi-Fi': { ...services['Wi-Fi'], secure: before['Wi-Fi']?.secure } }).toEqual(before);
    expect(services['Wi-Fi']?.secure.enabled).toBe(false);
    expect(files.has(SNAPSHOT)).toBe(false);
    expect(message).toBe('Put back your earlier proxy settings: Wi-Fi (no proxy), Ethernet (HTTP 10.0.0.5:3128, HTTPS 10.0.0.5:3128).');
  });

  it('after a crash, puts back a service still pointing at Flowscope and leaves one the user changed since', async () => {
    const { deps, files, services } = fakeMac();
    await enableSystemProxy(FLOWSCOPE, DATA, deps);
    // Flowscope crashed; then the user set their own proxy on Ethernet.
    Object.assign(services.Ethernet?.web ?? {}, { server: '10.9.9.9', port: 8000 });
    Object.assign(services.Ethernet?.secure ?? {}, { server: '10.9.9.9', port: 8000 });
    const ethernetNow = structuredClone(services.Ethernet);

    const result = await restoreAfterCrash({ host: '127.0.0.1', port: 9090 }, DATA, deps);
    expect(result?.message).toBe('Flowscope did not get to turn the system proxy off last time. Put back your earlier proxy settings: Wi-Fi (no proxy). '
      + 'Left yours alone where it was changed after Flowscope set it: Ethernet (now HTTP 10.9.9.9:8000, HTTPS 10.9.9.9:8000).');
    expect(services['Wi-Fi']?.web).toEqual(proxy(false, '192.168.1.9', 8888));
    expect(services.Ethernet).toEqual(ethernetNow);
    expect(files.has(SNAPSHOT)).toBe(false);
    expect(await restoreAfterCrash(FLOWSCOPE, DATA, deps)).toBeNull();
  });

  it('never adopts Flowscope itself, whatever loopback name the OS holds', async () => {
    const { deps, services } = fakeMac();
    for (const service of [services['Wi-Fi'], services.Ethernet]) {
      Object.assign(service?.web ?? {}, proxy(true, 'localhost', 8080));
      Object.assign(service?.secure ?? {}, proxy(true, '127.0.0.1', 8080));
    }
    const result = await enableSystemProxy(FLOWSCOPE, DATA, deps);
    expect(result.adoptedUpstream).toBeNull();
    // Already pointing at Flowscope and nothing saved from before: turning off turns it off.
    expect((await disableSystemProxy(FLOWSCOPE, DATA, deps)).message).toBe('Turned the proxy off in Wi-Fi, Ethernet (there was no record of what was set before).');
    expect(services.Ethernet?.web.enabled).toBe(false);
  });

  it('a failing networksetup says its output and how to do it by hand, and what was already changed is put back', async () => {
    const failure = { code: 14, stdout: '** Error: Unable to commit changes to network database.\n', stderr: '' };
    const { deps, files, services, log } = fakeMac({ line: 'networksetup -setsecurewebproxy Ethernet 127.0.0.1 8080', result: failure });
    const before = structuredClone(services);
    const error = await enableSystemProxy(FLOWSCOPE, DATA, deps).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CommandFailedError);
    expect((error as Error).message).toBe('`networksetup -setsecurewebproxy Ethernet 127.0.0.1 8080` failed (exit 14): ** Error: Unable to commit changes to network database.\n'
      + 'To do it by hand: System Settings → Network → (your network) → Details → Proxies: Web Proxy (HTTP) and Secure Web Proxy (HTTPS) at 127.0.0.1 and Flowscope\'s port, or turn them off.\n'
      + 'Flowscope put your earlier settings back.');
    // Ethernet was half set (HTTP only): that half is put back too.
    expect(log).toContain('networksetup -setwebproxy Ethernet 10.0.0.5 3128');
    expect(services.Ethernet).toEqual(before.Ethernet);
    expect(services['Wi-Fi']?.web).toEqual(before['Wi-Fi']?.web);
    expect(files.has(SNAPSHOT)).toBe(false);
  });
});
