/**
 * `flowscope replay`, `replay-range`, `export` and `import` as a person runs them: against a
 * running `flowscope serve` (through its API) and on a data directory with no proxy running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Har } from 'har-format';
import { startHttpOrigin, type HttpOrigin } from '../fixtures/index.js';
import { requestViaProxy } from '../fixtures/proxy-clients.js';
import { validateHar } from '../helpers/har-schema.js';
import { runCli } from './cli-process.js';
import { tempDir, waitFor } from './harness.js';

const bin = path.resolve('bin/flowscope.js');
let origin: HttpOrigin;
let other: HttpOrigin;
const dirs: string[] = [];
const children: ChildProcess[] = [];

beforeAll(async () => {
  [origin, other] = await Promise.all([startHttpOrigin(), startHttpOrigin()]);
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await Promise.all([origin?.close(), other?.close()]);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const run = (args: string[]) => runCli(args, children);

async function serve(dataDir: string): Promise<{ child: ChildProcess; proxyUrl: string }> {
  const child = spawn(process.execPath, [bin, 'serve', '--proxy-port', '0', '--ui-port', '0', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const proxyUrl = await waitFor(() => /capturing on (http:\/\/\S+)/.exec(output)?.[1], `serve to start (output so far: ${output})`, 15_000);
  return { child, proxyUrl };
}

async function listIds(dataDir: string): Promise<number[]> {
  const { stdout } = await run(['list', '--data-dir', dataDir, '--json']);
  return (JSON.parse(stdout) as Array<{ id: number }>).map((f) => f.id);
}

describe('with flowscope serve running', () => {
  const dataDir = tempDir('flowscope-cli-transfer-');
  dirs.push(dataDir);
  let child: ChildProcess;

  beforeAll(async () => {
    const started = await serve(dataDir);
    child = started.child;
    await requestViaProxy(started.proxyUrl, `${origin.url}/echo?n=1`, { method: 'POST', body: 'one' });
    await requestViaProxy(started.proxyUrl, `${origin.url}/status/404?n=2`);
    await requestViaProxy(started.proxyUrl, `${origin.url}/hello?n=3`);
    await waitFor(async () => (await listIds(dataDir)).length === 3, 'three flows');
  });

  afterAll(async () => {
    child.kill('SIGTERM');
    await once(child, 'exit');
  });

  it('replays one flow, to its own URL or an alternate origin', async () => {
    const [, , first] = await listIds(dataDir);
    const own = await run(['replay', String(first), '--data-dir', dataDir]);
    expect(own.stderr).toBe('');
    expect(own.stdout).toMatch(new RegExp(`^flow ${first} replayed as flow \\d+: 200  \\d+ ms\\n$`));
    expect(origin.requests.at(-1)).toMatchObject({ method: 'POST', url: '/echo?n=1' });

    const moved = await run(['replay', String(first), '--target-url', other.url, '--data-dir', dataDir]);
    expect(moved.code).toBe(0);
    expect(other.requests.at(-1)).toMatchObject({ method: 'POST', url: '/echo?n=1' });
  });

  it('replays a range in order with a delay and sums it up', async () => {
    const ids = (await listIds(dataDir)).sort((a, b) => a - b);
    const result = await run(['replay-range', String(ids[0]), String(ids[2]), '--delay', '0.1', '--data-dir', dataDir]);
    expect(result.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^flow \d+ replayed as flow \d+: 200/),
      expect.stringMatching(/^flow \d+ replayed as flow \d+: 404/),
      expect.stringMatching(/^flow \d+ replayed as flow \d+: 200/),
      'Replayed 3 of 3 flows: 200 x2, 404 x1.',
    ]);
    expect(origin.requests.slice(-3).map((r) => r.url)).toEqual(['/echo?n=1', '/status/404?n=2', '/hello?n=3']);
  });

  it('exports while capturing and imports through the running proxy', async () => {
    const file = path.join(dataDir, 'out.har');
    const exported = await run(['export', '--format', 'har', '--filter', '~u n=', '-o', file, '--data-dir', dataDir]);
    expect(exported.stderr).toMatch(/Exported \d+ flows to /);
    const har = JSON.parse(readFileSync(file, 'utf8')) as Har;
    expect(validateHar(har)).toEqual([]);
    const before = (await listIds(dataDir)).length;
    const imported = await run(['import', file, '--data-dir', dataDir]);
    expect(imported.stdout).toMatch(new RegExp(`^Imported ${har.log.entries.length} flows \\(HAR\\) as flows \\d+ to \\d+\\.`));
    expect((await listIds(dataDir)).length).toBe(before + har.log.entries.length);
  });
});

describe('with no proxy running', () => {
  it('replays and imports on the store directly, and refuses a malformed file without storing anything', async () => {
    const dataDir = tempDir('flowscope-cli-offline-');
    dirs.push(dataDir);
    const { child, proxyUrl } = await serve(dataDir);
    await requestViaProxy(proxyUrl, `${origin.url}/hello?offline=1`);
    await waitFor(async () => (await listIds(dataDir)).length === 1, 'one flow');
    child.kill('SIGTERM');
    await once(child, 'exit');

    const [id] = await listIds(dataDir);
    const replay = await run(['replay', String(id), '--data-dir', dataDir]);
    expect(replay.stdout).toMatch(/replayed as flow \d+: 200/);
    expect(origin.requests.at(-1)!.url).toBe('/hello?offline=1');

    const json = path.join(dataDir, 'all.ndjson');
    await run(['export', '--format', 'json', '-o', json, '--data-dir', dataDir]);
    const lines = readFileSync(json, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    const broken = path.join(dataDir, 'broken.ndjson');
    writeFileSync(broken, `${lines[0]}\nnot json\n`);
    const refused = await run(['import', broken, '--data-dir', dataDir]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/broken\.ndjson was not imported, nothing was stored: Line 2/);
    expect(await listIds(dataDir)).toHaveLength(2);

    const imported = await run(['import', json, '--data-dir', dataDir]);
    expect(imported.stdout).toMatch(/^Imported 2 flows \(Flowscope JSON\)/);
    expect(await listIds(dataDir)).toHaveLength(4);

    // /dev/full takes the open and fails every write with ENOSPC: a full disk, for real.
    const full = await run(['export', '--format', 'json', '-o', '/dev/full', '--data-dir', dataDir]);
    expect(full.code).toBe(1);
    expect(full.stderr).toMatch(/The export failed: .*ENOSPC.*Check that the disk has room/);
    expect(existsSync('/dev/full')).toBe(true);

    const wrongTarget = await run(['replay', String(id), '--target-url', 'localhost:3000', '--data-dir', dataDir]);
    expect(wrongTarget.code).toBe(1);
    expect(wrongTarget.stderr).toMatch(/must start with http:\/\/ or https:\/\//);
  });
});
