import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  refusedPort, startBadTlsOrigin, startHangingOrigin, startHttpOrigin, startHttpsOrigin, startResettingOrigin,
  type HttpOrigin, type OriginServer,
} from '../fixtures/index.js';
import { connectTunnel, requestViaProxy } from '../fixtures/proxy-clients.js';
import { startTestProxy, waitFor, type TestProxy } from './harness.js';

let proxy: TestProxy;
const origins: OriginServer[] = [];

beforeAll(async () => {
  proxy = await startTestProxy({ responseTimeoutMs: 1000 });
});

afterAll(async () => {
  await Promise.all([proxy?.close(), ...origins.map((o) => o.close())]);
});

async function track<T extends OriginServer>(origin: Promise<T>): Promise<T> {
  const started = await origin;
  origins.push(started);
  return started;
}

async function newestFlowAfter(before: number) {
  return (await proxy.flows(before + 1))[0]!;
}

describe('failed upstreams answer 502/504 with an explanation and still leave a flow', () => {
  it('refused connection', async () => {
    const port = await refusedPort();
    const before = proxy.runtime.store.countFlows();
    const res = await requestViaProxy(proxy.proxyUrl, `http://127.0.0.1:${port}/x`);
    expect(res.status).toBe(502);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body.toString()).toContain('the connection was refused');
    const flow = await newestFlowAfter(before);
    expect(flow.error?.type).toBe('CONNECTION_REFUSED');
    expect(flow.statusCode).toBe(502);
  });

  it('reset connection', async () => {
    const origin = await track(startResettingOrigin());
    const before = proxy.runtime.store.countFlows();
    const res = await requestViaProxy(proxy.proxyUrl, `${origin.url}/x`);
    expect(res.status).toBe(502);
    expect((await newestFlowAfter(before)).error?.type).toBe('CONNECTION_RESET');
  });

  it('hung origin times out with 504, and the proxy lets go of the upstream connection', async () => {
    const origin = await track(startHangingOrigin());
    const before = proxy.runtime.store.countFlows();
    const started = Date.now();
    const res = await requestViaProxy(proxy.proxyUrl, `${origin.url}/x`);
    expect(res.status).toBe(504);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const flow = await newestFlowAfter(before);
    expect(flow.error?.type).toBe('TIMEOUT');
    expect(flow.statusCode).toBe(504);
    await waitFor(() => origin.openConnections() === 0, 'the upstream connection to close');
  });

  it('origin with an untrusted certificate is a TLS_ERROR, never passed through unverified', async () => {
    const origin = await track(startBadTlsOrigin());
    const before = proxy.runtime.store.countFlows();
    const res = await requestViaProxy(proxy.proxyUrl, `${origin.url}/x`, { ca: proxy.ca });
    expect(res.status).toBe(502);
    expect(res.body.toString()).toContain('certificate');
    expect((await newestFlowAfter(before)).error?.type).toBe('TLS_ERROR');
  });

  it('a request to the proxy itself is refused as a loop, not forwarded forever', async () => {
    const res = await requestViaProxy(proxy.proxyUrl, `${proxy.proxyUrl}/loop`);
    expect(res.status).toBe(502);
    expect(res.body.toString()).toContain('loop');
  });

  it('unresolvable host is a DNS_ERROR', async () => {
    const before = proxy.runtime.store.countFlows();
    const res = await requestViaProxy(proxy.proxyUrl, 'http://flowscope-test.invalid/x');
    expect(res.status).toBe(502);
    expect((await newestFlowAfter(before)).error?.type).toBe('DNS_ERROR');
  });

  it('client going away is ABORTED', async () => {
    const origin = await track(startHttpOrigin()) as HttpOrigin;
    const before = proxy.runtime.store.countFlows();
    const proxyUrl = new URL(proxy.proxyUrl);
    const req = http.request({ host: proxyUrl.hostname, port: proxyUrl.port, path: `${origin.url}/slow?ms=3000`, agent: false });
    req.on('error', () => undefined);
    req.end();
    await waitFor(() => origin.requests.length > 0 || undefined, 'the origin to receive the request');
    req.destroy();
    const flow = await newestFlowAfter(before);
    expect(flow.error?.type).toBe('ABORTED');
    expect(flow.statusCode).toBeNull();
  });
});

describe('malformed requests', () => {
  it('get a 400, leave a PROTOCOL_ERROR flow, and the proxy keeps serving', async () => {
    const before = proxy.runtime.store.countFlows();
    const { port, hostname } = new URL(proxy.proxyUrl);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), hostname, () => socket.write('GET http://127.0.0.1:1/ HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n'));
      let data = '';
      socket.on('data', (chunk) => (data += chunk.toString()));
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    const flow = await newestFlowAfter(before);
    expect(flow.error?.type).toBe('PROTOCOL_ERROR');
    const origin = await track(startHttpOrigin()) as HttpOrigin;
    expect((await requestViaProxy(proxy.proxyUrl, `${origin.url}/hello`)).status).toBe(200);
  });
});

describe('upstream certificate checks', () => {
  it('are skipped only for the hosts the user named', async () => {
    const origin = await track(startBadTlsOrigin());
    const lenient = await startTestProxy({ insecureHosts: ['127.0.0.1'] });
    try {
      const res = await requestViaProxy(lenient.proxyUrl, `${origin.url}/x`, { ca: lenient.ca });
      expect(res.status).not.toBe(502);
      const other = await requestViaProxy(lenient.proxyUrl, `${origin.url.replace('127.0.0.1', 'localhost')}/x`, { ca: lenient.ca });
      expect(other.status).toBe(502);
    } finally {
      await lenient.close();
    }
  });
});

describe('clients that do not trust the CA', () => {
  it('leave a CLIENT_TLS_ERROR event', async () => {
    const origin = await track(startHttpsOrigin());
    const tunnel = await connectTunnel(proxy.proxyUrl, '127.0.0.1', origin.port);
    const failure = await new Promise<Error>((resolve) => {
      const socket = tls.connect({ socket: tunnel, servername: 'localhost' });
      socket.once('error', resolve);
      socket.once('secureConnect', () => resolve(new Error('unexpectedly trusted')));
    });
    expect(failure.message).toMatch(/self.signed|unable to verify|certificate/i);
    const event = await waitFor(() => {
      proxy.runtime.store.flush();
      return proxy.runtime.store.listEvents({ limit: 10 }).find((e) => e.type === 'CLIENT_TLS_ERROR');
    }, 'a CLIENT_TLS_ERROR event');
    expect(event.host).toBe('localhost');
    expect(event.message).toContain('Flowscope CA');
  });
});
