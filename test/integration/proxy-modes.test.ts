/**
 * Proxy modes over real sockets: a reverse proxy in front of a backend (beside the forward proxy),
 * a pool of upstream proxies that rotates and skips a dead one, and TLS passthrough tunnels whose
 * certificate is the origin's own.
 */
import http from 'node:http';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Settings } from '../../src-shared/model/settings.js';
import { makeTestPki, refusedPort, startHttpOrigin, startHttpsOrigin, type HttpOrigin } from '../fixtures/index.js';
import { connectTunnel, requestViaProxy } from '../fixtures/proxy-clients.js';
import { startUpstreamProxy, type UpstreamProxy } from '../fixtures/upstream-proxy.js';
import { startTestProxy, waitFor, type TestProxy } from './harness.js';

let origin: HttpOrigin;
let secure: HttpOrigin;
const proxies: TestProxy[] = [];

beforeAll(async () => {
  [origin, secure] = await Promise.all([startHttpOrigin(), startHttpsOrigin()]);
});

afterAll(async () => {
  await Promise.all(proxies.map((p) => p.close()));
  await Promise.all([origin?.close(), secure?.close()]);
});

async function flowing(settings: Partial<Settings>): Promise<TestProxy> {
  const proxy = await startTestProxy({ settings: { ...DEFAULT_SETTINGS, ...settings } });
  proxies.push(proxy);
  return proxy;
}

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

function hostSeen(origin: HttpOrigin): string | undefined {
  const raw = origin.requests.at(-1)!.rawHeaders;
  return raw[raw.findIndex((h) => h.toLowerCase() === 'host') + 1];
}

describe('reverse mode', () => {
  it('forwards everything to the backend beside the forward proxy, with the backend Host unless kept', async () => {
    const proxy = await flowing({ modes: ['regular', `reverse:${origin.url}@0`] });
    const [forward, reverse] = proxy.runtime.listeners;
    expect(forward!.mode.kind).toBe('regular');
    expect(reverse!.mode).toMatchObject({ kind: 'reverse', target: origin.url });
    expect(await get(`${reverse!.url}/echo?via=reverse`)).toMatchObject({ status: 200 });
    expect(origin.requests.at(-1)!.url).toBe('/echo?via=reverse');
    expect(hostSeen(origin)).toBe(new URL(origin.url).host);
    expect((await requestViaProxy(forward!.url, `${origin.url}/hello?via=forward`)).status).toBe(200);

    const [flow] = await proxy.flows(2).then((flows) => flows.filter((f) => f.path === '/echo?via=reverse'));
    expect(flow).toMatchObject({ url: `${origin.url}/echo?via=reverse`, host: '127.0.0.1', statusCode: 200 });

    const keeping = await flowing({ modes: [`reverse:${origin.url}@0`], keepHostHeader: true });
    const listener = keeping.runtime.engine;
    await get(`${listener.url}/hello?kept=1`);
    expect(hostSeen(origin)).toBe(new URL(listener.url).host);
  });
});

describe('upstream proxies', () => {
  let first: UpstreamProxy;
  let second: UpstreamProxy;

  beforeAll(async () => {
    [first, second] = await Promise.all([startUpstreamProxy(), startUpstreamProxy()]);
  });

  afterAll(async () => {
    await Promise.all([first?.close(), second?.close()]);
  });

  it('rotates round-robin through the pool, skips a dead proxy, and records the proxy on each flow', async () => {
    const dead = `http://127.0.0.1:${await refusedPort()}`;
    const proxy = await flowing({ upstreamProxies: [dead, first.url, `http://user:pw@127.0.0.1:${new URL(second.url).port}`] });
    for (let i = 0; i < 4; i++) expect((await requestViaProxy(proxy.proxyUrl, `${origin.url}/hello?pool=${i}`)).status).toBe(200);
    expect(first.carried.length).toBe(2);
    expect(second.carried.length).toBe(2);
    expect(second.credentials.every((c) => c === `Basic ${Buffer.from('user:pw').toString('base64')}`)).toBe(true);
    const flows = (await proxy.flows(4)).filter((f) => f.path.startsWith('/hello?pool='));
    expect(new Set(flows.map((f) => f.upstreamProxy))).toEqual(new Set([first.url, second.url]));
    expect(flows.some((f) => f.upstreamProxy?.includes('pw'))).toBe(false);
  });

  it('answers 502 with the reason when no proxy in the pool is usable', async () => {
    const proxy = await flowing({ upstreamProxies: [`http://127.0.0.1:${await refusedPort()}`] });
    const answer = await requestViaProxy(proxy.proxyUrl, `${origin.url}/hello?nopool=1`);
    expect(answer.status).toBe(502);
    expect(answer.body.toString()).toMatch(/No upstream proxy is usable: http:\/\/127\.0\.0\.1:\d+ \(connection refused\)/);
  });
});

describe('TLS passthrough', () => {
  it('relays listed hosts untouched (the client sees the origin\'s own certificate) and records a tunnel flow', async () => {
    const proxy = await flowing({ tlsPassthroughHosts: ['localhost'] });
    const port = Number(new URL(secure.url).port);
    const tunnel = await connectTunnel(proxy.proxyUrl, 'localhost', port);
    const socket = tls.connect({ socket: tunnel, servername: 'localhost', ca: makeTestPki().caCertPem });
    await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
    const issuer = socket.getPeerCertificate().issuer;
    socket.write('GET /hello HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    const reply = await new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (d) => (text += d));
      socket.on('end', () => resolve(text));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 200/);
    expect(issuer.CN).toBe('Flowscope Test Origin CA');
    const flow = await waitFor(() => {
      proxy.runtime.store.flush();
      const summary = proxy.runtime.store.pageSummaries({ limit: 5 }).items.find((s) => s.kind === 'tunnel');
      return summary && proxy.runtime.store.getFlow(summary.id);
    }, 'the tunnel flow');
    expect(flow).toMatchObject({ kind: 'tunnel', method: 'CONNECT', host: 'localhost', port, tags: ['tls-passthrough'] });
    expect(flow!.requestBody.wireSize).toBeGreaterThan(100);
    expect(flow!.responseBody!.wireSize).toBeGreaterThan(500);
  });

  it('decrypts only the listed hosts when asked: others are relayed with their own certificate', async () => {
    const proxy = await flowing({ tlsInterceptOnlyHosts: ['*.decrypt-me.test'] });
    const port = Number(new URL(secure.url).port);
    const tunnel = await connectTunnel(proxy.proxyUrl, 'localhost', port);
    const socket = tls.connect({ socket: tunnel, servername: 'localhost', ca: makeTestPki().caCertPem });
    await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
    expect(socket.getPeerCertificate().issuer.CN).toBe('Flowscope Test Origin CA');
    socket.destroy();
  });
});
