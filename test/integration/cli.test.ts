import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import path from 'node:path';
import { readFileSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpOrigin, startHttpsOrigin, writeTestCaFile, type HttpOrigin } from '../fixtures/index.js';
import { requestViaProxy } from '../fixtures/proxy-clients.js';
import { tempDir, waitFor } from './harness.js';

const bin = path.resolve('bin/flowscope.js');
let origin: HttpOrigin;
const dirs: string[] = [];
const children: ChildProcess[] = [];

beforeAll(async () => {
  origin = await startHttpOrigin();
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await origin?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function newDataDir(): string {
  const dir = tempDir('flowscope-cli-');
  dirs.push(dir);
  return dir;
}

function run(args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 20_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts `flowscope serve` and resolves once it prints where it listens. */
async function serve(args: string[]): Promise<{ child: ChildProcess; proxyUrl: string; output: () => string }> {
  const child = spawn(process.execPath, [bin, 'serve', '--proxy-port', '0', '--ui-port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const proxyUrl = await waitFor(() => /capturing on (http:\/\/\S+)/.exec(output)?.[1], `serve to start (output so far: ${output})`, 15_000);
  return { child, proxyUrl, output: () => output };
}

describe('flowscope serve, status, list, show', () => {
  it('captures, reports status, lists and shows flows, and stops cleanly on SIGTERM', async () => {
    const dataDir = newDataDir();
    const { child, proxyUrl, output } = await serve(['--data-dir', dataDir]);
    expect(output()).toContain(path.join(dataDir, 'ca-cert.pem'));
    await requestViaProxy(proxyUrl, `${origin.url}/hello`);
    await requestViaProxy(proxyUrl, `${origin.url}/echo`, { method: 'POST', body: 'payload' });

    const status = await waitFor(() => {
      const s = JSON.parse(run(['status', '--data-dir', dataDir, '--json']).stdout) as { flowCount: number; running: boolean; uiUrl: string };
      return s.flowCount === 2 ? s : undefined;
    }, 'status to count 2 flows');
    expect(status).toMatchObject({ running: true, pid: child.pid, proxyUrl });
    // The UI address printed by serve carries the token, and status gives the same address.
    const uiUrl = /^UI: (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)$/m.exec(output())![1]!;
    expect(status).toMatchObject({ uiUrl });
    const api = new URL('/api/flows?limit=5', uiUrl);
    const listed = (await (await fetch(api, { headers: { authorization: `Bearer ${new URL(uiUrl).searchParams.get('token')}` } })).json()) as { items: unknown[] };
    expect(listed.items).toHaveLength(2);

    const list = run(['list', '--data-dir', dataDir]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/GET\s+200.*\/hello/);
    expect(list.stdout).toMatch(/POST\s+200.*\/echo/);

    const [newest] = JSON.parse(run(['list', '--data-dir', dataDir, '--json']).stdout) as Array<{ id: number }>;
    const shown = run(['show', String(newest!.id), '--data-dir', dataDir]);
    expect(shown.stdout).toContain(`POST ${origin.url}/echo`);
    expect(shown.stdout).toContain('payload');

    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(output()).toContain('Every captured flow is saved');
    const after = JSON.parse(run(['status', '--data-dir', dataDir, '--json']).stdout) as { running: boolean; flowCount: number };
    expect(after).toMatchObject({ running: false, flowCount: 2 });
  });

  it('restarting on the same data directory keeps the CA and the flows', async () => {
    const dataDir = newDataDir();
    const first = await serve(['--data-dir', dataDir]);
    await requestViaProxy(first.proxyUrl, `${origin.url}/hello`);
    const fingerprint = /CA SHA-256:\s+(\S+)/.exec(first.output())![1];
    first.child.kill('SIGINT');
    await once(first.child, 'exit');

    const second = await serve(['--data-dir', dataDir]);
    expect(/CA SHA-256:\s+(\S+)/.exec(second.output())![1]).toBe(fingerprint);
    await requestViaProxy(second.proxyUrl, `${origin.url}/hello`);
    second.child.kill('SIGINT');
    await once(second.child, 'exit');
    expect(JSON.parse(run(['list', '--data-dir', dataDir, '--json']).stdout)).toHaveLength(2);
  });

  it('SIGKILL during capture leaves a database that opens with every flow committed before the last batch', async () => {
    const dataDir = newDataDir();
    const { child, proxyUrl } = await serve(['--data-dir', dataDir]);
    for (let i = 0; i < 50; i++) await requestViaProxy(proxyUrl, `${origin.url}/hello?i=${i}`);
    await new Promise((resolve) => setTimeout(resolve, 500)); // several batch intervals
    // Keep traffic flowing while the process dies.
    const inFlight = Array.from({ length: 20 }, (_, i) => requestViaProxy(proxyUrl, `${origin.url}/slow?ms=50&j=${i}`).catch(() => undefined));
    child.kill('SIGKILL');
    await once(child, 'exit');
    await Promise.all(inFlight);

    const db = new Database(path.join(dataDir, 'flows.db'), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const paths = db.prepare("SELECT path FROM flows WHERE path LIKE '/hello?i=%'").pluck().all() as string[];
      expect(new Set(paths).size).toBe(50);
    } finally {
      db.close();
    }
  });

  it('--upstream-ca trusts an origin CA for upstream TLS (through NODE_EXTRA_CA_CERTS in a relaunch)', async () => {
    const dataDir = newDataDir();
    const httpsOrigin = await startHttpsOrigin();
    try {
      const { child, proxyUrl } = await serve(['--data-dir', dataDir, '--upstream-ca', writeTestCaFile(dataDir)]);
      const ca = readFileSync(path.join(dataDir, 'ca-cert.pem'), 'utf8');
      const res = await requestViaProxy(proxyUrl, `${httpsOrigin.url}/hello`, { ca });
      expect(res.status).toBe(200);
      expect(res.body.toString()).toBe('hello');
      child.kill('SIGTERM');
      expect((await once(child, 'exit'))[0]).toBe(0);
    } finally {
      await httpsOrigin.close();
    }
    const missing = run(['serve', '--data-dir', dataDir, '--upstream-ca', '/nonexistent/ca.pem']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Cannot read the upstream CA file /nonexistent/ca.pem');
  });

  it('a taken port is one clear line naming the port and a free one', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const result = run(['serve', '--data-dir', newDataDir(), '--proxy-port', String(port), '--ui-port', '0']);
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toMatch(new RegExp(`^flowscope: Port ${port} on 127\\.0\\.0\\.1 is in use by another program\\. Use --proxy-port \\d+, which is free\\.$`));
    } finally {
      blocker.close();
    }
  });

  it('a second serve on the same data directory is refused, and bad options are explained', async () => {
    const dataDir = newDataDir();
    const { child } = await serve(['--data-dir', dataDir]);
    const second = run(['serve', '--data-dir', dataDir, '--proxy-port', '0', '--ui-port', '0']);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`already capturing into ${dataDir}`);
    child.kill('SIGINT');
    await once(child, 'exit');

    const badSize = run(['serve', '--max-body-size', 'lots']);
    expect(badSize.code).not.toBe(0);
    expect(badSize.stderr).toContain('"lots" is not a size');
    expect(run(['show', '999', '--data-dir', dataDir]).stderr).toContain('there is no flow 999');
  });
});
