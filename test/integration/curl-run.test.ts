/**
 * Runs the commands toCurl writes with the real curl in bash, against an origin that records the
 * request as it arrived, and checks the origin got the request the command was made from.
 *
 * Header order: curl always sends Host first and its own Content-Length after the headers given
 * with -H; every other header keeps its place. The comparison moves those two the same way.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawHeaders } from '../../src-shared/model/flow.js';
import { toCurl, type CurlRequest } from '../../src-shared/util/curl.js';
import { listenOnLoopback, type OriginServer } from '../fixtures/listen.js';

const run = promisify(execFile);

interface Received {
  method: string;
  path: string;
  headers: RawHeaders;
  body: Buffer;
}

let origin: OriginServer;
let received: Received[] = [];
let home: string;

beforeAll(async () => {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const headers: RawHeaders = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
      received.push({ method: req.method!, path: req.url!, headers, body: Buffer.concat(chunks) });
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end(req.method === 'HEAD' ? undefined : 'ok');
    });
  });
  origin = await listenOnLoopback(server, 'http');
  home = await mkdtemp(path.join(tmpdir(), 'flowscope-curl-'));
});

afterAll(async () => {
  await origin?.close();
  if (home) await rm(home, { recursive: true, force: true });
});

/** Runs the command as a user would paste it into bash; no proxy and no ~/.curlrc of this machine. */
async function send(request: CurlRequest, options: { bodyFile?: string } = {}): Promise<Received> {
  received = [];
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, CURL_HOME: home, no_proxy: '*', NO_PROXY: '*' };
  await run('bash', ['-c', `${toCurl(request, options)} --silent --show-error --output /dev/null`], { env, timeout: 10_000 });
  expect(received).toHaveLength(1);
  return received[0]!;
}

/** What curl sends for these headers: Host first, Content-Length (its own) last, pseudo-headers never. */
function expectedHeaders(headers: RawHeaders, bodyLength: number | null): RawHeaders {
  const kept = headers.filter(([name]) => !name.startsWith(':') && name.toLowerCase() !== 'content-length');
  const isHost = ([name]: [string, string]) => name.toLowerCase() === 'host';
  return [...kept.filter(isHost), ...kept.filter((h) => !isHost(h)), ...(bodyLength === null ? [] : [['Content-Length', String(bodyLength)] as [string, string]])];
}

function request(method: string, pathAndQuery: string, headers: RawHeaders, body: Uint8Array | null): CurlRequest {
  return { method, url: `${origin.url}${pathAndQuery}`, headers: [['Host', `127.0.0.1:${origin.port}`], ...headers], body };
}

const browser: RawHeaders = [['User-Agent', 'Mozilla/5.0 (X11; Linux x86_64)'], ['Accept', 'text/html,*/*;q=0.8']];

describe('curl commands from toCurl, run by bash and curl', () => {
  it('sends a GET with an odd path and headers exactly', async () => {
    const odd = `/search/../a%20b/it's/"q"/$HOME/[x]/{y}?q=%24(rm%20-rf%20~)&arr[]=1&x="y"&z='w'`;
    const sent = request('GET', odd, [...browser, ['X-Shell', '$(echo pwned) `id` $HOME \\ "q"'], ['Cookie', 'a=b; c="d e"']], null);
    const got = await send(sent);
    expect(got.method).toBe('GET');
    expect(got.path).toBe(odd);
    expect(got.headers).toEqual(expectedHeaders(sent.headers, null));
    expect(got.body.length).toBe(0);
  });

  it('sends a JSON POST with quotes and shell syntax in it, byte for byte', async () => {
    const json = `{"cmd":"$(rm -rf /)","tick":"\`reboot\`","quote":"it's","dq":"say \\"hi\\"","nl":"a\nb\tc","u":"café ✓"}`;
    const body = new TextEncoder().encode(json);
    const sent = request('POST', '/api/items', [...browser, ['Content-Type', 'application/json'], ['Content-Length', String(body.length)]], body);
    const got = await send(sent);
    expect(got.method).toBe('POST');
    expect(got.body.toString('utf8')).toBe(json);
    expect(got.headers).toEqual(expectedHeaders(sent.headers, body.length));
  });

  const binary = new Uint8Array([0x00, 0xff, 0x00, 0x27, 0x25, 0x5c, 0x0a, 0x0d, 0x89, 0x50, 0x4e, 0x47, 0x00]);

  it('sends a binary body with NUL and 0xFF bytes through printf', async () => {
    const sent = request('POST', '/upload', [['Content-Type', 'application/octet-stream']], binary);
    expect(toCurl(sent)).toContain('printf');
    const got = await send(sent);
    expect(new Uint8Array(got.body)).toEqual(binary);
    expect(got.headers).toEqual(expectedHeaders(sent.headers, binary.length));
  });

  it("sends a binary body without NUL as $'...'", async () => {
    const bytes = new Uint8Array([0xff, 0xfe, 0x27, 0x5c, 0x01, 0x7f, 0x41, 0x0a]);
    const sent = request('PATCH', '/bin', [...browser, ['Content-Type', 'application/octet-stream']], bytes);
    expect(toCurl(sent)).toContain("$'");
    const got = await send(sent);
    expect(got.method).toBe('PATCH');
    expect(new Uint8Array(got.body)).toEqual(bytes);
  });

  it('sends a binary body from a file', async () => {
    const file = path.join(home, "it's a body.bin");
    await writeFile(file, binary);
    const sent = request('POST', '/upload', [['Content-Type', 'application/octet-stream']], binary);
    const got = await send(sent, { bodyFile: file });
    expect(new Uint8Array(got.body)).toEqual(binary);
  });

  it('sends a header with an empty value, and no User-Agent or Accept the request did not have', async () => {
    const sent = request('GET', '/empty', [['X-Empty', ''], ['X-After', 'yes']], null);
    const got = await send(sent);
    expect(got.headers).toEqual([['Host', `127.0.0.1:${origin.port}`], ['X-Empty', ''], ['X-After', 'yes']]);
  });

  it('sends a PUT with a text body and a DELETE without one', async () => {
    const put = await send(request('PUT', '/items/7', [...browser, ['Content-Type', 'text/plain']], new TextEncoder().encode('new\nvalue')));
    expect(put.method).toBe('PUT');
    expect(put.body.toString()).toBe('new\nvalue');
    const del = await send(request('DELETE', '/items/7', browser, null));
    expect(del.method).toBe('DELETE');
    expect(del.headers.some(([name]) => name.toLowerCase() === 'content-length')).toBe(false);
  });

  it('sends a HEAD and ends (no waiting for a body)', async () => {
    const sent = request('HEAD', '/head', browser, null);
    const got = await send(sent);
    expect(got.method).toBe('HEAD');
    expect(got.headers).toEqual(expectedHeaders(sent.headers, null));
  });

  it('keeps a Host header that differs from the URL', async () => {
    const sent: CurlRequest = { method: 'GET', url: `${origin.url}/vhost`, headers: [['Host', 'api.example.com'], ...browser], body: null };
    const got = await send(sent);
    expect(got.headers[0]).toEqual(['Host', 'api.example.com']);
  });

  it('sends a body that starts with @ as data, and an empty body announced by Content-Length: 0', async () => {
    const at = await send(request('POST', '/at', [['Content-Type', 'text/plain']], new TextEncoder().encode('@/etc/passwd')));
    expect(at.body.toString()).toBe('@/etc/passwd');
    const empty = await send(request('POST', '/empty', [['Content-Length', '0']], null));
    expect(empty.method).toBe('POST');
    expect(empty.headers).toEqual([['Host', `127.0.0.1:${origin.port}`], ['Content-Length', '0']]);
  });

  it('sends a chunked body chunked, as the request was', async () => {
    const body = new TextEncoder().encode('part one, part two');
    const sent = request('POST', '/chunked', [...browser, ['Content-Type', 'text/plain'], ['Transfer-Encoding', 'chunked']], body);
    const got = await send(sent);
    expect(got.body.toString()).toBe('part one, part two');
    expect(got.headers).toEqual(expectedHeaders(sent.headers, null));
  });

  it('sends an HTTP/2 request over HTTP/1.1 without its pseudo-headers', async () => {
    const sent: CurlRequest = {
      method: 'GET',
      url: `${origin.url}/h2?x=1`,
      headers: [[':method', 'GET'], [':authority', `127.0.0.1:${origin.port}`], [':scheme', 'http'], [':path', '/h2?x=1'], ['user-agent', 'ua'], ['accept', '*/*']],
      body: null,
    };
    const got = await send(sent);
    expect(got.path).toBe('/h2?x=1');
    expect(got.headers).toEqual([['Host', `127.0.0.1:${origin.port}`], ['user-agent', 'ua'], ['accept', '*/*']]);
  });
});
