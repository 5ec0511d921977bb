/**
 * `flowscope capture` against a local page whose player fetches HLS playlists: a real headless
 * Chromium routed through a Flowscope the command starts itself, and the best URL printed first.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../integration/harness.js';

const bin = path.resolve('bin/flowscope.js');
const MASTER = '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000\nlow/index.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=2000000\nhigh/index.m3u8\n';
const MEDIA = '#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4.0,\nseg1.ts\n#EXTINF:4.0,\nseg2.ts\n';
let site: Server;
let base: string;
const dir = tempDir('flowscope-capture-');

beforeAll(async () => {
  site = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><button id="play">Play</button><script>
        document.getElementById('play').onclick = async () => {
          const master = await (await fetch('/live/playlist.m3u8?token=abc123&exp=9999999999')).text();
          await fetch('/live/high/chunklist_long_name_that_is_longer.m3u8');
          await fetch('/live/low/index.m3u8');
          document.title = 'playing ' + master.length;
        };
      </script>`);
    } else if (url.startsWith('/live/playlist.m3u8')) {
      res.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl' });
      res.end(MASTER);
    } else if (url.endsWith('.m3u8')) {
      res.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl' });
      res.end(MEDIA);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(site.address() as { port: number }).port}`;
});

afterAll(async () => {
  site.closeAllConnections();
  await new Promise((resolve) => site.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('flowscope capture', () => {
  it('clicks play and prints the tokenised master playlist first', async () => {
    const child = spawn(process.execPath, [bin, 'capture', `${base}/`, '--match', '\\.m3u8', '--click', '#play', '--wait', '1', '--json', '--data-dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(stderr).toMatch(/Capturing http:\/\/127\.0\.0\.1:\d+\/ through http:\/\/127\.0\.0\.1:\d+ \(a Flowscope started for this command\)/);
    expect(code).toBe(0);
    const ranked = JSON.parse(stdout) as Array<{ url: string; reasons: string[] }>;
    expect(ranked.map((r) => r.url)).toEqual([
      `${base}/live/playlist.m3u8?token=abc123&exp=9999999999`,
      `${base}/live/high/chunklist_long_name_that_is_longer.m3u8`,
      `${base}/live/low/index.m3u8`,
    ]);
    expect(ranked[0]!.reasons.join(' ')).toMatch(/token/);
  }, 60_000);
});
