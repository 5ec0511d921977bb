/**
 * `flowscope serve` with the policy and mode flags, as a person runs it, then `flowscope auth-log`
 * and the JSON-lines log folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpOrigin, type HttpOrigin } from '../fixtures/index.js';
import { requestViaProxy } from '../fixtures/proxy-clients.js';
import { runCli } from './cli-process.js';
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

const run = (args: string[]) => runCli(args, children);

const basic = (credentials: string) => ({ 'Proxy-Authorization': `Basic ${Buffer.from(credentials).toString('base64')}` });

describe('flowscope serve with policy flags', () => {
  it('requires the credentials, blocks, runs a reverse listener, logs flows as JSON lines, and lists authentication attempts', async () => {
    const dataDir = tempDir('flowscope-cli-policy-');
    const logDir = path.join(dataDir, 'logs');
    dirs.push(dataDir);
    const child = spawn(process.execPath, [
      bin, 'serve', '--proxy-port', '0', '--no-ui', '--data-dir', dataDir, '--proxy-auth', 'ada:s3cret', '--block', '/forbidden',
      '--mode', 'regular', '--mode', `reverse:${origin.url}@0`, '--log-dir', logDir,
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const proxyUrl = await waitFor(() => /capturing on (http:\/\/\S+)/.exec(output)?.[1], `serve to start: ${output}`, 15_000);
    const reverseUrl = /Reverse proxy to \S+ on (http:\/\/\S+)/.exec(output)?.[1];
    expect(reverseUrl).toBeDefined();

    expect((await requestViaProxy(proxyUrl, `${origin.url}/hello?a=0`)).status).toBe(407);
    expect((await requestViaProxy(proxyUrl, `${origin.url}/hello?a=1`, { headers: basic('ada:s3cret') })).status).toBe(200);
    expect((await requestViaProxy(proxyUrl, `${origin.url}/forbidden`, { headers: basic('ada:s3cret') })).status).toBe(403);
    const reverse = await new Promise<number>((resolve, reject) => http.get(`${reverseUrl}/hello?reverse=1`, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject));
    expect(reverse).toBe(200);
    // The password is never stored in clear, and flags do not change the stored settings.
    expect(readdirSync(dataDir)).not.toContain('settings.json');
    child.kill('SIGTERM');
    await once(child, 'exit');

    const log = await run(['auth-log', '--json', '--data-dir', dataDir]);
    const attempts = JSON.parse(log.stdout) as Array<{ type: string; message: string }>;
    // One failure, then a success per connection (each request here opens its own).
    expect(attempts.map((a) => a.type).sort()).toEqual(['AUTH_FAILURE', 'AUTH_SUCCESS', 'AUTH_SUCCESS']);

    const [file] = readdirSync(logDir);
    expect(file).toMatch(/^flowscope-\d{4}-\d{2}-\d{2}\.jsonl$/);
    const lines = readFileSync(path.join(logDir, file!), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { type: string; path?: string; blockedBy?: string | null });
    expect(lines.filter((l) => l.type === 'flow').map((l) => l.path)).toEqual(expect.arrayContaining(['/hello?a=1', '/forbidden', '/hello?reverse=1']));
    expect(lines.find((l) => l.path === '/forbidden')?.blockedBy).toBe('URL matches /forbidden');
  });

  it('refuses a bad value with the reason, before starting', async () => {
    const dataDir = tempDir('flowscope-cli-policy-bad-');
    dirs.push(dataDir);
    const bad = await run(['serve', '--proxy-port', '0', '--no-ui', '--data-dir', dataDir, '--deny-ip', '300.1.1.1']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/denyIps\[0\]: "300\.1\.1\.1" is not an IP address or CIDR range/);
    const auth = await run(['serve', '--proxy-port', '0', '--no-ui', '--data-dir', dataDir, '--proxy-auth', 'nocolon']);
    expect(auth.stderr).toMatch(/--proxy-auth takes USER:PASSWORD/);
  });
});
