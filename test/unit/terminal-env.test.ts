import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { rootCertificates } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { writeCaBundle } from '../../src-main/os/terminal/ca-bundle.js';
import { interceptEnv, interceptVariables, nodeRequireOption, type InterceptEnvOptions } from '../../src-main/os/terminal/intercept-env.js';
import { findOnPath, launchTerminal, terminalLaunch } from '../../src-main/os/terminal/new-terminal.js';
import { makeTestPki } from '../fixtures/index.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'flowscope-terminal-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const PROXY = 'http://127.0.0.1:8080';
function options(baseEnv: NodeJS.ProcessEnv, platform: NodeJS.Platform = 'linux'): InterceptEnvOptions {
  return { proxyUrl: PROXY, caCertPath: '/data/ca-cert.pem', bundlePath: '/data/terminal-ca-bundle.pem', preloadPath: '/data/terminal-node-preload.cjs', baseEnv, platform };
}

describe('interceptEnv', () => {
  it('sets the proxy, the CA for Node, the bundle for every other runtime, the preload and the markers', () => {
    const env = interceptEnv(options({ PATH: '/usr/bin', HOME: '/home/u' }));
    for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'npm_config_proxy', 'npm_config_https_proxy', 'GLOBAL_AGENT_HTTP_PROXY', 'CGI_HTTP_PROXY', 'FLOWSCOPE_PROXY']) {
      expect(env[name], name).toBe(PROXY);
    }
    expect(env.NODE_EXTRA_CA_CERTS).toBe('/data/ca-cert.pem');
    for (const name of ['SSL_CERT_FILE', 'CURL_CA_BUNDLE', 'REQUESTS_CA_BUNDLE', 'GIT_SSL_CAINFO', 'AWS_CA_BUNDLE', 'CARGO_HTTP_CAINFO', 'PERL_LWP_SSL_CA_FILE', 'DENO_CERT', 'PIP_CERT']) {
      expect(env[name], name).toBe('/data/terminal-ca-bundle.pem');
    }
    expect(env.NODE_OPTIONS).toBe('--require /data/terminal-node-preload.cjs');
    expect(env.FLOWSCOPE_ACTIVE).toBe('1');
    expect(env.PATH).toBe('/usr/bin');
    expect(env.HOME).toBe('/home/u');
    // An HTTP-only proxy must not become the proxy for every other scheme.
    expect(env.ALL_PROXY).toBeUndefined();
    expect(env.NO_PROXY).toBeUndefined();
    expect(env.no_proxy).toBeUndefined();
  });

  it("keeps the user's NODE_OPTIONS and adds the preload once", () => {
    const first = interceptEnv(options({ NODE_OPTIONS: '--max-old-space-size=4096 --enable-source-maps' }));
    expect(first.NODE_OPTIONS).toBe('--max-old-space-size=4096 --enable-source-maps --require /data/terminal-node-preload.cjs');
    // A `flowscope run` inside an intercepted terminal starts from the intercepted environment.
    expect(interceptEnv(options(first)).NODE_OPTIONS).toBe(first.NODE_OPTIONS);
  });

  it('quotes a preload path with spaces the way Node reads NODE_OPTIONS', () => {
    expect(nodeRequireOption('/Users/jo/Library/Application Support/Flowscope/p.cjs')).toBe('--require "/Users/jo/Library/Application Support/Flowscope/p.cjs"');
    expect(nodeRequireOption('C:\\Users\\Jo Smith\\p.cjs')).toBe('--require "C:\\\\Users\\\\Jo Smith\\\\p.cjs"');
    expect(nodeRequireOption('C:\\Users\\jo\\p.cjs')).toBe('--require C:\\Users\\jo\\p.cjs');
  });

  it("keeps the user's NO_PROXY entries under both spellings and adds none", () => {
    const env = interceptEnv(options({ no_proxy: 'internal.corp, .svc', NO_PROXY: 'internal.corp,10.0.0.1:8443' }));
    expect(env.NO_PROXY).toBe('internal.corp,10.0.0.1:8443,.svc');
    expect(env.no_proxy).toBe(env.NO_PROXY);
    expect(env.NO_PROXY).not.toContain('localhost');
  });

  it('leaves one entry per variable on Windows, whatever case the user wrote it in', () => {
    const env = interceptEnv(options({ Path: 'C:\\Windows', Node_Options: '--inspect', Http_Proxy: 'http://old:3128', No_Proxy: 'corp' }, 'win32'));
    const keys = Object.keys(env).map((key) => key.toUpperCase());
    expect(new Set(keys).size).toBe(keys.length);
    const value = (name: string) => Object.entries(env).find(([key]) => key.toUpperCase() === name)?.[1];
    expect(value('NODE_OPTIONS')).toBe('--inspect --require /data/terminal-node-preload.cjs');
    expect(value('HTTP_PROXY')).toBe(PROXY);
    expect(value('NO_PROXY')).toBe('corp');
    expect(value('PATH')).toBe('C:\\Windows');
  });

  it('lists only what it sets as the variables', () => {
    const variables = interceptVariables(options({ PATH: '/usr/bin', SECRET: 'x' }));
    expect(variables.PATH).toBeUndefined();
    expect(variables.SECRET).toBeUndefined();
    expect(variables.HTTPS_PROXY).toBe(PROXY);
  });
});

describe('writeCaBundle', () => {
  it("holds Node's roots, the system's and the Flowscope CA, readable by all, rewritten only when it changes", () => {
    const dir = tempDir();
    const ca = makeTestPki().caCertPem;
    const file = writeCaBundle(dir, ca);
    expect(file).toBe(path.join(dir, 'terminal-ca-bundle.pem'));
    const text = readFileSync(file, 'utf8');
    const squash = (pem: string) => pem.replace(/\s+/g, '');
    expect(squash(text)).toContain(squash(ca));
    expect(squash(text)).toContain(squash(rootCertificates[0]!));
    expect(squash(text)).toContain(squash(rootCertificates.at(-1)!));
    const count = text.match(/BEGIN CERTIFICATE/g)!.length;
    expect(count).toBeGreaterThan(rootCertificates.length);
    expect(statSync(file).mode & 0o777).toBe(0o644);

    const old = new Date('2020-01-01T00:00:00Z');
    utimesSync(file, old, old);
    writeCaBundle(dir, ca);
    expect(statSync(file).mtimeMs).toBe(old.getTime());
  });

  it('refuses a CA that is not PEM', () => {
    expect(() => writeCaBundle(tempDir(), 'not a certificate')).toThrow(/not a PEM certificate/);
  });
});

describe('terminalLaunch', () => {
  const only = (...names: string[]) => (program: string) => (names.includes(program) ? `/usr/bin/${program}` : null);

  it("opens the distribution's default terminal first on Linux, then the known ones in order", () => {
    expect(terminalLaunch('linux', {}, { scriptDir: '/d', find: only('xterm', 'x-terminal-emulator', 'gnome-terminal') })).toEqual({ command: '/usr/bin/x-terminal-emulator', args: [] });
    expect(terminalLaunch('linux', {}, { scriptDir: '/d', find: only('xterm', 'gnome-terminal') })).toEqual({ command: '/usr/bin/gnome-terminal', args: [] });
    // These open windows from a server process that would not have our environment.
    expect(terminalLaunch('linux', {}, { scriptDir: '/d', find: only('xterm', 'konsole') })).toEqual({ command: '/usr/bin/konsole', args: ['--nofork'] });
    expect(terminalLaunch('freebsd', {}, { scriptDir: '/d', find: only('xfce4-terminal', 'xterm') })).toEqual({ command: '/usr/bin/xfce4-terminal', args: ['--disable-server'] });
    expect(terminalLaunch('linux', {}, { scriptDir: '/d', find: only('xterm') })).toEqual({ command: '/usr/bin/xterm', args: [] });
    expect(terminalLaunch('linux', {}, { scriptDir: '/d', find: only() })).toBeNull();
  });

  it('starts PowerShell (or cmd) in a new console window on Windows', () => {
    expect(terminalLaunch('win32', {}, { scriptDir: 'C:\\d', find: only('pwsh.exe', 'powershell.exe') })).toEqual({ command: 'cmd.exe', args: ['/d', '/c', 'start', 'pwsh.exe'] });
    expect(terminalLaunch('win32', {}, { scriptDir: 'C:\\d', find: only('powershell.exe') })).toEqual({ command: 'cmd.exe', args: ['/d', '/c', 'start', 'powershell.exe'] });
    expect(terminalLaunch('win32', {}, { scriptDir: 'C:\\d', find: only() })).toEqual({ command: 'cmd.exe', args: ['/d', '/c', 'start', 'cmd.exe'] });
  });

  it('opens Terminal.app on macOS with a script that exports the variables, quoted, then becomes the login shell', () => {
    const dir = tempDir();
    const variables = { HTTPS_PROXY: PROXY, NODE_OPTIONS: `--require "/Users/jo/App Support/p.cjs"`, ODD: `it's $HOME \`id\``, 'BAD-NAME': 'x' };
    const launch = terminalLaunch('darwin', variables, { scriptDir: dir, find: only() })!;
    const script = path.join(dir, 'flowscope-terminal.command');
    expect(launch).toMatchObject({ command: 'open', args: ['-a', 'Terminal', script], script: { path: script } });
    expect(launch.script!.content).not.toContain('BAD-NAME');

    // Run it with a "login shell" that prints what it was given.
    writeFileSync(script, launch.script!.content, { mode: 0o700 });
    const shell = path.join(dir, 'fake-shell.sh');
    writeFileSync(shell, '#!/bin/sh\necho "args:$*"\nprintf "%s\\n" "$HTTPS_PROXY" "$NODE_OPTIONS" "$ODD"\n', { mode: 0o700 });
    const output = execFileSync('sh', [script], { env: { PATH: process.env.PATH, SHELL: shell, TERM: 'dumb' }, encoding: 'utf8' });
    expect(output.split('\n').filter((line) => !line.includes('\x1b'))).toEqual(expect.arrayContaining(['args:-l', PROXY, variables.NODE_OPTIONS, variables.ODD]));
  });
});

describe('findOnPath', () => {
  it('finds an executable file on PATH and skips what is not one', () => {
    const dir = tempDir();
    const other = tempDir();
    mkdirSync(path.join(other, 'xterm'));
    writeFileSync(path.join(other, 'konsole'), '');
    writeFileSync(path.join(dir, 'xterm'), '#!/bin/sh\n');
    writeFileSync(path.join(dir, 'konsole'), '#!/bin/sh\n');
    chmodSync(path.join(dir, 'xterm'), 0o755);
    chmodSync(path.join(dir, 'konsole'), 0o755);
    const env = { PATH: `${other}:${dir}` };
    expect(findOnPath('xterm', env, 'linux')).toBe(path.join(dir, 'xterm'));
    expect(findOnPath('konsole', env, 'linux')).toBe(path.join(dir, 'konsole'));
    expect(findOnPath('gnome-terminal', env, 'linux')).toBeNull();
  });
});

describe('launchTerminal', () => {
  it('starts the chosen terminal with the environment it is given, and says what to do when it cannot', async () => {
    const dir = tempDir();
    const seen = path.join(dir, 'seen.txt');
    writeFileSync(path.join(dir, 'x-terminal-emulator'), `#!/bin/sh\nprintf '%s %s' "$FLOWSCOPE_ACTIVE" "$HTTPS_PROXY" > '${seen}'\n`, { mode: 0o755 });
    const variables = { FLOWSCOPE_ACTIVE: '1', HTTPS_PROXY: PROXY };
    const launch = terminalLaunch('linux', variables, { scriptDir: dir, find: (program) => findOnPath(program, { PATH: dir }, 'linux') })!;
    await launchTerminal(launch, { PATH: process.env.PATH, ...variables });
    const deadline = Date.now() + 5000;
    while (!existsSync(seen) || readFileSync(seen, 'utf8') === '') {
      if (Date.now() > deadline) throw new Error('the fake terminal did not run');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(readFileSync(seen, 'utf8')).toBe(`1 ${PROXY}`);

    await expect(launchTerminal({ command: path.join(dir, 'missing-terminal'), args: [] }, {})).rejects.toThrow(/Could not open a terminal .*flowscope run --/);
  });
});
