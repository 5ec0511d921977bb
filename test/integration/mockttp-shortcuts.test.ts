/**
 * What engine.ts changes in mockttp for speed (mockttp-internals.ts), checked on a plain mockttp
 * server configured as ours is (maxBodySize 0): bodies still pass intact, mockttp's own events
 * still fire with what it would have reported, and body data events keep its full tracking.
 */
import http from 'node:http';
import * as mockttp from 'mockttp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepRequestBodiesStreamable, withListenHost } from '../../src-main/engine/mockttp-internals.js';
import { skipResponseBodyTracking } from '../../src-main/engine/mockttp-shortcuts.js';
import { startHttpOrigin, type HttpOrigin } from '../fixtures/index.js';

function viaProxy(proxyPort: number, url: string, body?: Buffer): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: proxyPort, method: body ? 'POST' : 'GET', path: url, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe("mockttp with Flowscope's shortcuts", () => {
  let origin: HttpOrigin;
  let server: mockttp.Mockttp;

  beforeAll(async () => {
    keepRequestBodiesStreamable();
    skipResponseBodyTracking();
    origin = await startHttpOrigin();
    server = mockttp.getLocal({ recordTraffic: false, maxBodySize: 0 });
    await server.forAnyRequest().thenPassThrough();
    await withListenHost('127.0.0.1', () => server.start());
  });

  afterAll(async () => {
    await server.stop();
    await origin.close();
  });

  it('passes bodies both ways, and still reports requests and responses (bodies empty, as maxBodySize 0 keeps)', async () => {
    const requests: mockttp.CompletedRequest[] = [];
    const responses: mockttp.CompletedResponse[] = [];
    await server.on('request', (req) => requests.push(req));
    await server.on('response', (res) => responses.push(res));
    const got = await viaProxy(server.port, `http://127.0.0.1:${origin.port}/bytes/5000`);
    expect(got.status).toBe(200);
    expect(got.body.length).toBe(5000);
    const upload = Buffer.alloc(70_000, 7);
    const echoed = await viaProxy(server.port, `http://127.0.0.1:${origin.port}/upload`, upload);
    expect(JSON.parse(echoed.body.toString('utf8'))).toMatchObject({ size: upload.length });
    await expect.poll(() => responses.length).toBe(2);
    expect(requests.map((r) => r.method)).toEqual(['GET', 'POST']);
    // A GET has no body: it counts as received with its head.
    expect(requests[0]!.timingEvents.bodyReceivedTimestamp).toBe(requests[0]!.timingEvents.startTimestamp);
    expect(responses.map((r) => [r.statusCode, r.body.buffer.length])).toEqual([[200, 0], [200, 0]]);
    expect(responses[0]!.rawHeaders).toContainEqual(['Content-Length', '5000']);
  });

  it('keeps tracking response bodies whole while anyone listens for body data', async () => {
    const seen: Buffer[] = [];
    await server.on('response-body-data', (event) => seen.push(Buffer.from(event.content)));
    const got = await viaProxy(server.port, `http://127.0.0.1:${origin.port}/hello`);
    expect(got.body.toString()).toBe('hello');
    await expect.poll(() => Buffer.concat(seen).toString()).toBe('hello');
  });
});
