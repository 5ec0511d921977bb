import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect as http2Connect } from 'node:http2';
import { request as httpsRequest } from 'node:https';
import { connect as tcpConnect } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  CHUNKED_ROUTE_PARTS,
  COMPRESSED_ROUTE_JSON,
  HEADERS_ROUTE_RAW,
  makeTestPki,
  patternBytes,
  refusedPort,
  sha256,
  startBadTlsOrigin,
  startHangingOrigin,
  startHttp2Origin,
  startHttpOrigin,
  startHttpsOrigin,
  startResettingOrigin,
  startWsOrigin,
  wsBigText,
  type HttpOrigin,
} from '../fixtures/index.js';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
}

const { caCertPem } = makeTestPki();

function send(url: string, init: { method?: string; body?: Buffer | string } = {}): Promise<Reply> {
  const request = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', ca: caCertPem }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

function errorCodeOf(promise: Promise<unknown>): Promise<string | undefined> {
  return promise.then(
    () => undefined,
    (error: NodeJS.ErrnoException) => error.code,
  );
}

/** A fresh TCP connection, not the keep-alive agent, whose pooled socket may not have seen the close yet. */
async function expectNothingListening(port: number): Promise<void> {
  const connecting = new Promise<void>((resolve, reject) => {
    const socket = tcpConnect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });
  expect(await errorCodeOf(connecting)).toBe('ECONNREFUSED');
}

describe('HTTP origin', () => {
  let origin: HttpOrigin;
  beforeAll(async () => {
    origin = await startHttpOrigin();
  });
  afterAll(async () => {
    await origin.close();
    await expectNothingListening(origin.port);
  });

  it('serves /hello and logs the request', async () => {
    const reply = await send(`${origin.url}/hello`);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^text\/plain/);
    expect(reply.body.toString()).toBe('hello');
    expect(origin.requests.at(-1)).toMatchObject({ method: 'GET', url: '/hello', httpVersion: '1.1', bodySize: 0 });
  });

  it('echoes method, url, raw headers and body, and logs the body hash', async () => {
    const reply = await send(`${origin.url}/echo?x=1`, { method: 'PUT', body: 'payload' });
    const echoed = JSON.parse(reply.body.toString()) as { method: string; url: string; headers: [string, string][]; body: string };
    expect(echoed).toMatchObject({ method: 'PUT', url: '/echo?x=1', body: 'payload' });
    expect(echoed.headers).toContainEqual(['Host', origin.url.slice('http://'.length)]);
    expect(origin.requests.at(-1)).toMatchObject({ method: 'PUT', bodySize: 7, bodySha256: sha256(Buffer.from('payload')) });
  });

  it('answers /status/:code, with no body for 204', async () => {
    const teapot = await send(`${origin.url}/status/418`);
    expect([teapot.status, teapot.body.toString()]).toEqual([418, 'status 418']);
    const empty = await send(`${origin.url}/status/204`);
    expect([empty.status, empty.body.length]).toEqual([204, 0]);
  });

  it('sends 5 MB of the byte pattern from /bytes/:n', async () => {
    const size = 5 * 1024 * 1024;
    const reply = await send(`${origin.url}/bytes/${size}`);
    expect(reply.headers['content-length']).toBe(String(size));
    expect(sha256(reply.body)).toBe(sha256(patternBytes(size)));
  });

  it('compresses /gzip, /br and /deflate, which undici fetch decodes', async () => {
    const gzip = await send(`${origin.url}/gzip`);
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(gzip.body).toString())).toEqual(COMPRESSED_ROUTE_JSON);
    for (const route of ['gzip', 'br', 'deflate']) {
      const response = await fetch(`${origin.url}/${route}`);
      expect(response.headers.get('content-encoding')).toBe(route);
      expect(await response.json()).toEqual(COMPRESSED_ROUTE_JSON);
    }
  });

  it('streams /chunked without a content-length', async () => {
    const reply = await send(`${origin.url}/chunked`);
    expect(reply.headers['transfer-encoding']).toBe('chunked');
    expect(reply.headers['content-length']).toBeUndefined();
    expect(reply.body.toString()).toBe(CHUNKED_ROUTE_PARTS.join(''));
  });

  it('keeps the order, case and repeats of /headers', async () => {
    const reply = await send(`${origin.url}/headers`);
    expect(reply.rawHeaders.slice(0, HEADERS_ROUTE_RAW.length)).toEqual(HEADERS_ROUTE_RAW);
    expect(reply.headers['set-cookie']).toHaveLength(3);
  });

  it('waits on /slow and hashes /upload', async () => {
    const started = Date.now();
    expect((await send(`${origin.url}/slow?ms=50`)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);

    const upload = patternBytes(100_000);
    const reply = await send(`${origin.url}/upload`, { method: 'POST', body: upload });
    expect(JSON.parse(reply.body.toString())).toEqual({ size: upload.length, sha256: sha256(upload) });
  });

  it('answers unknown routes with 404', async () => {
    expect((await send(`${origin.url}/nope`)).status).toBe(404);
  });
});

describe('HTTPS origin', () => {
  it('serves the routes over TLS with a leaf the test CA signed', async () => {
    const origin = await startHttpsOrigin();
    const dispatcher = new Agent({ connect: { ca: caCertPem } });
    try {
      const hello = await send(`${origin.url}/hello`);
      expect(hello.body.toString()).toBe('hello');
      const response = await fetch(`https://localhost:${origin.port}/br`, { dispatcher });
      expect(await response.json()).toEqual(COMPRESSED_ROUTE_JSON);
      expect(origin.requests.map((r) => r.url)).toEqual(['/hello', '/br']);
    } finally {
      await dispatcher.close();
      await origin.close();
    }
    await expectNothingListening(origin.port);
  });
});

describe('HTTP/2 origin', () => {
  it('serves h2 when negotiated and HTTP/1.1 otherwise, recording the version', async () => {
    const origin = await startHttp2Origin();
    const session = http2Connect(origin.url, { ca: caCertPem });
    try {
      const reply = await new Promise<{ headers: Record<string, unknown>; body: string }>((resolve, reject) => {
        const stream = session.request({ ':path': '/headers' });
        let headers: Record<string, unknown> = {};
        let body = '';
        stream.on('response', (h) => (headers = h));
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => (body += chunk));
        stream.on('end', () => resolve({ headers, body }));
        stream.on('error', reject);
      });
      expect(reply.headers[':status']).toBe(200);
      expect(reply.headers['set-cookie']).toHaveLength(3);
      expect(reply.headers['x-mixed-case']).toBe('three');
      expect(reply.body).toBe('headers');

      expect((await send(`${origin.url}/hello`)).body.toString()).toBe('hello');
      expect(origin.requests.map((r) => [r.url, r.httpVersion])).toEqual([
        ['/headers', '2.0'],
        ['/hello', '1.1'],
      ]);
    } finally {
      await origin.close();
    }
    await new Promise<void>((resolve) => (session.closed ? resolve() : session.once('close', resolve)));
    await expectNothingListening(origin.port);
  });
});

describe('WebSocket origin', () => {
  for (const tls of [false, true]) {
    it(`echoes and obeys commands (${tls ? 'wss' : 'ws'})`, async () => {
      const origin = await startWsOrigin({ tls });
      const client = new WebSocket(`${origin.url}/chat`, { ca: caCertPem, headers: { 'X-Test': 'yes' } });
      const received: { data: Buffer; isBinary: boolean }[] = [];
      client.on('message', (data: Buffer, isBinary) => received.push({ data, isBinary }));
      const pinged = new Promise<Buffer>((resolve) => client.once('ping', resolve));
      const closed = new Promise<[number, string]>((resolve) =>
        client.once('close', (code, reason) => resolve([code, reason.toString()])),
      );
      try {
        await new Promise((resolve, reject) => client.once('open', resolve).once('error', reject));
        client.send('hi');
        client.send(Buffer.from([1, 2, 3]));
        client.send('big:100000');
        client.send('ping-me');
        expect((await pinged).toString()).toBe('p');
        client.send('close-me');
        expect(await closed).toEqual([4000, 'bye']);

        expect(received.map((m) => [m.isBinary, m.data.length])).toEqual([
          [false, 2],
          [true, 3],
          [false, 100_000],
        ]);
        expect(received[2]?.data.toString()).toBe(wsBigText(100_000));
        const upgrade = origin.log.find((e) => e.type === 'upgrade');
        expect(upgrade).toMatchObject({ url: '/chat', rawHeaders: expect.arrayContaining(['X-Test', 'yes']) });
        expect(origin.log.filter((e) => e.type === 'message')).toHaveLength(5);
        expect(origin.log.some((e) => e.type === 'pong' && e.data.toString() === 'p')).toBe(true);
      } finally {
        client.terminate();
        await origin.close();
      }
      await expectNothingListening(origin.port);
    });
  }

  it('ends open connections on close()', async () => {
    const origin = await startWsOrigin();
    const client = new WebSocket(origin.url);
    await new Promise((resolve) => client.once('open', resolve));
    const closed = new Promise((resolve) => client.once('close', resolve));
    await origin.close();
    await closed;
  });
});

describe('broken origins', () => {
  it('resets the connection on the first bytes', async () => {
    const origin = await startResettingOrigin();
    try {
      expect(await errorCodeOf(send(`${origin.url}/hello`))).toBe('ECONNRESET');
    } finally {
      await origin.close();
    }
  });

  it('hangs without answering until close() drops the socket', async () => {
    const origin = await startHangingOrigin();
    const socket = tcpConnect(origin.port, '127.0.0.1');
    const ended = new Promise((resolve) => socket.once('close', resolve));
    socket.on('error', () => {});
    let answered = false;
    socket.on('data', () => (answered = true));
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(answered).toBe(false);
    await origin.close();
    await ended;
  });

  it('serves a certificate the test CA does not vouch for', async () => {
    const origin = await startBadTlsOrigin();
    try {
      expect(await errorCodeOf(send(`${origin.url}/`))).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    } finally {
      await origin.close();
    }
  });

  it('gives a port where connections are refused', async () => {
    await expectNothingListening(await refusedPort());
  });
});
