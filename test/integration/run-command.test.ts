/**
 * `flowscope run` over real sockets: curl and Node (https.get, http.get, fetch) started through
 * runCommand reach local HTTPS and HTTP origins through a real Flowscope, trusting its CA, and
 * their flows land in the store. The origins' CA is trusted by Flowscope only (startTestProxy),
 * so a request that went direct would fail its certificate check.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowSummary } from '../../src-shared/model/flow.js';
import { runCommand } from '../../src-main/cli/run.js';
import { readRuntimeFile } from '../../src-main/service/runtime-file.js';
import { FlowStore } from '../../src-main/store/index.js';
import { startHttpOrigin, startHttpsOrigin, type HttpOrigin } from '../fixtures/index.js';
import { startTestProxy, tempDir, waitFor, type TestProxy } from './harness.js';

let proxy: TestProxy;
let httpsOrigin: HttpOrigin;
let httpOrigin: HttpOrigin;
const dirs: string[] = [];

beforeAll(async () => {
  [proxy, httpsOrigin, httpOrigin] = await Promise.all([startTestProxy(), startHttpsOrigin(), startHttpOrigin()]);
});

afterAll(async () => {
  await Promise.all([proxy?.close(), httpsOrigin?.close(), httpOrigin?.close()]);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function newDir(prefix: string): string {
  const dir = tempDir(prefix);
  dirs.push(dir);
  return dir;
}

class Collect extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

const PROXY_NAMES = ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'ALL_PROXY', 'all_proxy', 'NO_PROXY', 'no_proxy', 'NODE_OPTIONS'];

/** This machine's environment without any proxy settings or curlrc: only what runCommand adds, plus `extra`. */
function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const home = newDir('flowscope-run-home-');
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, CURL_HOME: home };
  for (const name of PROXY_NAMES) delete env[name];
  return { ...env, ...extra };
}

const RUN_JS = path.resolve('dist/src-main/cli/run.js');

/**
 * runCommand compiled, in a process of its own, as `flowscope run` runs: a proxy in this process
 * is not "another Flowscope" to readRuntimeFile, so the running-proxy path needs a separate one.
 */
function spawnRun(dataDir: string, argv: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  expect(existsSync(RUN_JS), `${RUN_JS} is missing: run \`npx tsc -b tsconfig.build.json\` first`).toBe(true);
  const script = `import { runCommand } from ${JSON.stringify(pathToFileURL(RUN_JS).href)};
process.exitCode = await runCommand(process.argv[1], JSON.parse(process.argv[2]));`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, dataDir, JSON.stringify(argv)], { env: userEnv(extraEnv), stdio: ['ignore', 'pipe', 'pipe'] });
  const result = { out: '', err: '' };
  child.stdout.on('data', (chunk: Buffer) => (result.out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (result.err += chunk.toString()));
  return { child, result };
}

async function run(dataDir: string, argv: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  const { child, result } = spawnRun(dataDir, argv, extraEnv);
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, ...result };
}

function findFlow(store: FlowStore, marker: string): FlowSummary | undefined {
  store.flush();
  return store.pageSummaries({ limit: 200 }).items.find((flow) => flow.path.includes(`via=${marker}`));
}

/** The stored flow whose path carries ?via=<marker>. */
function capturedFlow(marker: string): Promise<FlowSummary> {
  return waitFor(() => findFlow(proxy.runtime.store, marker), `the flow via=${marker} in the store`);
}

/** Fetches with https.get, http.get and global fetch; prints one line per request: how, status, body. */
const NODE_CLIENT = `
const get = (url) => new Promise((resolve, reject) => {
  const mod = url.startsWith('https:') ? require('https') : require('http');
  mod.get(url, (res) => { let body = ''; res.on('data', (d) => (body += d)); res.on('end', () => resolve(res.statusCode + ' ' + body)); }).on('error', reject);
});
const viaFetch = async (url) => { const res = await fetch(url); return res.status + ' ' + (await res.text()); };
(async () => {
  for (const [how, url] of JSON.parse(process.argv[1])) {
    console.log(how + ' ' + (how.endsWith('fetch') ? await viaFetch(url) : await get(url)));
  }
})().catch((error) => { console.error('client failed:', error.cause?.message ?? error.message); process.exit(3); });
`;

function nodeClient(requests: Array<[string, string]>): string[] {
  return [process.execPath, '-e', NODE_CLIENT, JSON.stringify(requests)];
}

describe('flowscope run through a running Flowscope', () => {
  it('runs curl against an HTTPS origin on localhost: no certificate error, the flow is stored', async () => {
    const result = await run(proxy.dataDir, ['curl', '-sS', `https://localhost:${httpsOrigin.port}/hello?via=curl-https`]);
    expect(result.err).toContain(`capturing through the Flowscope at ${proxy.proxyUrl}`);
    expect(result).toMatchObject({ code: 0, out: 'hello' });
    const flow = await capturedFlow('curl-https');
    expect(flow).toMatchObject({ scheme: 'https', host: 'localhost', port: httpsOrigin.port, statusCode: 200 });
  });

  it('runs curl against plain HTTP on 127.0.0.1 through the proxy (curl 7.88 proxies loopback unless NO_PROXY names it)', async () => {
    const result = await run(proxy.dataDir, ['curl', '-sS', `${httpOrigin.url}/hello?via=curl-http`]);
    expect(result).toMatchObject({ code: 0, out: 'hello' });
    expect(await capturedFlow('curl-http')).toMatchObject({ scheme: 'http', statusCode: 200 });
  });

  it("routes Node's https.get, http.get and global fetch through the proxy", async () => {
    const https = `https://localhost:${httpsOrigin.port}/hello`;
    const result = await run(proxy.dataDir, nodeClient([
      ['https.get', `${https}?via=node-https-get`],
      ['https-fetch', `${https}?via=node-https-fetch`],
      ['http.get', `${httpOrigin.url}/hello?via=node-http-get`],
      ['http-fetch', `${httpOrigin.url}/hello?via=node-http-fetch`],
    ]));
    expect(result.err).not.toContain('client failed');
    expect(result.err).not.toContain('not routed through Flowscope');
    expect(result.out.trim().split('\n')).toEqual(['https.get 200 hello', 'https-fetch 200 hello', 'http.get 200 hello', 'http-fetch 200 hello']);
    expect(result.code).toBe(0);
    for (const marker of ['node-https-get', 'node-https-fetch']) {
      expect(await capturedFlow(marker)).toMatchObject({ scheme: 'https', host: 'localhost', statusCode: 200 });
    }
    for (const marker of ['node-http-get', 'node-http-fetch']) {
      expect(await capturedFlow(marker)).toMatchObject({ scheme: 'http', host: '127.0.0.1', port: httpOrigin.port, statusCode: 200 });
    }
  });

  it("keeps the user's NO_PROXY: curl and Node reach a host named there directly, and nothing is captured", async () => {
    const direct = `${httpOrigin.url}/hello?via=direct`;
    const curl = await run(proxy.dataDir, ['curl', '-sS', `${direct}-curl`], { NO_PROXY: '127.0.0.1' });
    const node = await run(proxy.dataDir, nodeClient([['http.get', `${direct}-get`], ['http-fetch', `${direct}-fetch`]]), { no_proxy: '127.0.0.1' });
    expect(curl).toMatchObject({ code: 0, out: 'hello' });
    expect(node).toMatchObject({ code: 0, out: 'http.get 200 hello\nhttp-fetch 200 hello\n' });
    expect(httpOrigin.requests.filter((request) => request.url.includes('via=direct'))).toHaveLength(3);
    // A captured request afterwards: once it is stored, anything sent before it would be too.
    await run(proxy.dataDir, ['curl', '-sS', `${httpOrigin.url}/hello?via=after-direct`]);
    await capturedFlow('after-direct');
    expect(findFlow(proxy.runtime.store, 'direct-')).toBeUndefined();
  });

  it("returns the command's exit code, 128 + the signal's number when a signal ended it", async () => {
    expect((await run(proxy.dataDir, ['sh', '-c', 'exit 7'])).code).toBe(7);
    expect((await run(proxy.dataDir, ['sh', '-c', 'kill -TERM $$'])).code).toBe(128 + 15);
  });

  it('returns 127 and says so when the command does not exist', async () => {
    const result = await run(proxy.dataDir, ['flowscope-no-such-command', '--flag']);
    expect(result.code).toBe(127);
    expect(result.err).toContain('flowscope run: command not found: flowscope-no-such-command');
  });
});

describe('flowscope run with no Flowscope running (in this process)', () => {
  it('starts one on the data directory for the command, then stops it with the flows stored (a path with a space and a backslash)', async () => {
    const dataDir = path.join(newDir('flowscope-run-auto-'), 'Application Support', 'odd\\name');
    mkdirSync(dataDir, { recursive: true });
    const out = new Collect();
    const err = new Collect();
    const code = await runCommand(dataDir, nodeClient([['http-fetch', `${httpOrigin.url}/hello?via=auto-fetch`], ['http.get', `${httpOrigin.url}/hello?via=auto-get`]]), { out, err, baseEnv: userEnv() });
    const result = { code, out: out.text, err: err.text };
    expect(result.err).toContain(`no Flowscope was running on ${dataDir}`);
    expect(result.err).not.toContain('not routed through Flowscope');
    expect(result).toMatchObject({ code: 0, out: 'http-fetch 200 hello\nhttp.get 200 hello\n' });
    expect(readRuntimeFile(dataDir)).toBeNull();
    expect(existsSync(path.join(dataDir, 'proxy.lock'))).toBe(false);

    const store = FlowStore.open(path.join(dataDir, 'flows.db'));
    try {
      expect(findFlow(store, 'auto-fetch')).toMatchObject({ scheme: 'http', statusCode: 200 });
      expect(findFlow(store, 'auto-get')).toMatchObject({ scheme: 'http', statusCode: 200 });
    } finally {
      store.close();
    }
  });
});

describe('flowscope run and signals', () => {
  it('passes SIGTERM on to the command and returns what the command made of it', async () => {
    const { child, result } = spawnRun(proxy.dataDir, ['sh', '-c', 'trap "echo got TERM; exit 5" TERM; echo ready; while :; do sleep 0.05; done']);
    await waitFor(() => result.out.includes('ready'), `the command to start (stderr: ${result.err})`, 15_000);
    child.kill('SIGTERM');
    const [code] = (await once(child, 'close')) as [number | null];
    expect(result.out).toContain('got TERM');
    expect(code).toBe(5);
  });
});

describe('the Node preload on its own', () => {
  const preload = path.resolve('src-main/os/terminal/node-preload.cjs');
  const report = `const http = require('http');
console.log(http.globalAgent.constructor.name);
http.get(process.argv.at(-1), (res) => { res.resume(); res.on('end', () => console.log('status', res.statusCode)); });`;

  function node(scriptFile: string | null, env: NodeJS.ProcessEnv) {
    const args = ['--require', preload, ...(scriptFile ? [scriptFile] : ['-e', report]), `${httpOrigin.url}/hello?via=preload`];
    return new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = spawn(process.execPath, args, { env: userEnv({ FLOWSCOPE_ACTIVE: '1', ...env }), stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      child.once('close', (code) => resolve({ code, out, err }));
    });
  }

  it('warns once and leaves Node as it was when it cannot route (a SOCKS proxy)', async () => {
    const result = await node(null, { http_proxy: 'socks5://127.0.0.1:1080', HTTP_PROXY: 'socks5://127.0.0.1:1080' });
    expect(result.err.match(/flowscope: /g)).toHaveLength(1);
    expect(result.err).toContain('only http:// proxies are supported');
    expect(result).toMatchObject({ code: 0, out: 'Agent\nstatus 200\n' });
  });

  it('leaves Flowscope itself alone, so that a `flowscope serve` typed into an intercepted terminal does not proxy through itself', async () => {
    const dir = path.join(newDir('flowscope-preload-'), 'bin');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'flowscope.js'), report);
    const flowscope = await node(path.join(dir, 'flowscope.js'), { http_proxy: proxy.proxyUrl });
    expect(flowscope).toMatchObject({ code: 0, out: 'Agent\nstatus 200\n', err: '' });
    const other = await node(null, { http_proxy: proxy.proxyUrl });
    expect(other).toMatchObject({ code: 0, out: 'ProxyHttpAgent\nstatus 200\n', err: '' });
  });
});
