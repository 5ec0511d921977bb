/**
 * Traffic policy over real sockets: block rules, proxy authentication (logged), client lists, the
 * concurrency limit, the request body limit, idle timeouts and traffic classes.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Flow } from '../../src-shared/model/flow.js';
import { DEFAULT_SETTINGS, type Settings } from '../../src-shared/model/settings.js';
import { hashPatchSecrets } from '../../src-main/policy/secrets.js';
import { createApiService } from '../../src-main/service/api-service.js';
import { validateArgs } from '../../src-shared/api/validate.js';
import { startHttpOrigin, startHttpsOrigin, type HttpOrigin } from '../fixtures/index.js';
import { connectTunnel, requestViaProxy } from '../fixtures/proxy-clients.js';
import { startTestProxy, waitFor, type TestProxy } from './harness.js';

let proxy: TestProxy;
let origin: HttpOrigin;
let secure: HttpOrigin;

beforeAll(async () => {
  proxy = await startTestProxy();
  [origin, secure] = await Promise.all([startHttpOrigin(), startHttpsOrigin()]);
});

afterAll(async () => {
  await proxy?.close();
  await Promise.all([origin?.close(), secure?.close()]);
});

afterEach(() => proxy.runtime.applySettings(DEFAULT_SETTINGS));

function apply(patch: Parameters<typeof hashPatchSecrets>[0]): void {
  proxy.runtime.applySettings({ ...DEFAULT_SETTINGS, ...(hashPatchSecrets(patch) as Partial<Settings>) });
}

/** The newest stored flow whose URL contains `part`. */
async function flowOf(part: string) {
  return waitFor(() => {
    proxy.runtime.store.flush();
    const summary = proxy.runtime.store.pageSummaries({ limit: 50 }).items.find((s) => s.path.includes(part));
    return summary && proxy.runtime.store.getFlow(summary.id);
  }, `the flow of ${part}`) as Promise<Flow>;
}

function events(type: string) {
  proxy.runtime.store.flush();
  return proxy.runtime.store.listEvents({ limit: 100 }).filter((e) => e.type === type);
}

describe('block rules', () => {
  it('answer 403 with a page naming the rule, and keep a flow marked blocked', async () => {
    apply({ blockRules: [{ pattern: 'ads\\.|/track', kind: 'regex', action: 'deny' }] });
    const blocked = await requestViaProxy(proxy.proxyUrl, `${origin.url}/track?id=1`);
    expect(blocked.status).toBe(403);
    expect(blocked.body.toString()).toContain('URL matches ads\\.|/track');
    expect(origin.requests.some((r) => r.url.startsWith('/track'))).toBe(false);
    expect(await flowOf('/track?id=1')).toMatchObject({ statusCode: 403, blockedBy: 'URL matches ads\\.|/track' });
    expect(proxy.runtime.store.pageSummaries({ limit: 10, filter: '~blocked' }).items.map((s) => s.path)).toContain('/track?id=1');
    expect((await requestViaProxy(proxy.proxyUrl, `${origin.url}/hello`)).status).toBe(200);
  });

  it('can close the connection instead, and match with the filter language', async () => {
    apply({ blockRules: [{ pattern: '~m DELETE & ~u /echo', kind: 'filter', action: 'close' }] });
    await expect(requestViaProxy(proxy.proxyUrl, `${origin.url}/echo?x=1`, { method: 'DELETE' })).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(await flowOf('/echo?x=1')).toMatchObject({ blockedBy: 'filter ~m DELETE & ~u /echo', error: { message: expect.stringMatching(/closed without an answer/) } });
    expect((await requestViaProxy(proxy.proxyUrl, `${origin.url}/echo?x=2`, { method: 'GET' })).status).toBe(200);
  });
});

describe('proxy authentication', () => {
  const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

  it('answers 407 with the challenge without (or with wrong) credentials, lets the right ones through, and logs each attempt', async () => {
    apply({ proxyAuth: { type: 'basic', user: 'ada', password: 's3cret' } });
    const missing = await requestViaProxy(proxy.proxyUrl, `${origin.url}/hello?auth=0`);
    expect(missing.status).toBe(407);
    expect(missing.headers['proxy-authenticate']).toMatch(/^Basic realm="Flowscope"/);
    expect((await requestViaProxy(proxy.proxyUrl, `${origin.url}/hello?auth=1`, { headers: { 'Proxy-Authorization': basic('ada', 'nope') } })).status).toBe(407);
    const ok = await requestViaProxy(proxy.proxyUrl, `${origin.url}/echo?auth=2`, { headers: { 'Proxy-Authorization': basic('ada', 's3cret') } });
    expect(ok.status).toBe(200);
    // The proxy's credential stays with the proxy.
    expect(JSON.stringify(JSON.parse(ok.body.toString()).headers)).not.toMatch(/proxy-authorization/i);

    const failures = events('AUTH_FAILURE');
    expect(failures.map((e) => e.message)).toEqual(expect.arrayContaining([
      expect.stringMatching(/no Proxy-Authorization header/), expect.stringMatching(/wrong password for user "ada"/),
    ]));
    expect(failures[0]).toMatchObject({ clientIp: expect.stringMatching(/127\.0\.0\.1/) });
    expect(events('AUTH_SUCCESS')[0]).toMatchObject({ message: expect.stringMatching(/Authenticated as ada/) });
  });

  it('checks CONNECT: a tunnel without the token is refused, with it HTTPS works', async () => {
    apply({ proxyAuth: { type: 'bearer', token: 'tok-123' } });
    const port = Number(new URL(secure.url).port);
    await expect(connectTunnel(proxy.proxyUrl, 'localhost', port)).rejects.toThrow(/answered 407/);
    const tunnel = await new Promise<number>((resolve, reject) => {
      const proxyUrl = new URL(proxy.proxyUrl);
      const req = http.request({ host: proxyUrl.hostname, port: proxyUrl.port, method: 'CONNECT', path: `localhost:${port}`, headers: { 'Proxy-Authorization': 'Bearer tok-123' }, agent: false });
      req.once('connect', (res, socket) => {
        socket.destroy();
        resolve(res.statusCode ?? 0);
      });
      req.once('error', reject);
      req.end();
    });
    expect(tunnel).toBe(200);
    expect(events('AUTH_SUCCESS')[0]?.message).toMatch(/with the token for localhost:\d+/);
  });
});

describe('client lists', () => {
  it('refuse a denied address before anything is read, and log it', async () => {
    apply({ denyIps: ['127.0.0.0/8'] });
    const proxyUrl = new URL(proxy.proxyUrl);
    const closed = await new Promise<string>((resolve) => {
      const socket = net.connect({ host: proxyUrl.hostname, port: Number(proxyUrl.port) }, () => socket.write('GET http://x.test/ HTTP/1.1\r\nHost: x.test\r\n\r\n'));
      let answer = '';
      socket.on('data', (d) => (answer += d.toString()));
      socket.on('close', () => resolve(answer));
      socket.on('error', () => undefined);
    });
    expect(closed).toBe('');
    await waitFor(() => events('CLIENT_REFUSED').length > 0, 'the refusal to be logged');
    expect(events('CLIENT_REFUSED')[0]!.message).toMatch(/127\.0\.0\.1 is in the deny list \(127\.0\.0\.0\/8\)/);
    apply({ allowIps: ['10.0.0.0/8'] });
    await expect(requestViaProxy(proxy.proxyUrl, `${origin.url}/hello`)).rejects.toThrow();
    apply({ allowIps: ['127.0.0.1', '::1'] });
    expect((await requestViaProxy(proxy.proxyUrl, `${origin.url}/hello?allowed=1`)).status).toBe(200);
  });
});

describe('limits', () => {
  it('never lets the origin see more than N requests at once, and queues the rest', async () => {
    let inFlight = 0;
    let most = 0;
    const slow = http.createServer((req, res) => {
      most = Math.max(most, ++inFlight);
      setTimeout(() => {
        inFlight--;
        res.end('done');
      }, 60);
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(slow.address() as net.AddressInfo).port}`;
    try {
      apply({ limits: { ...DEFAULT_SETTINGS.limits, maxConcurrent: 2 } });
      const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => requestViaProxy(proxy.proxyUrl, `${url}/n${i}`)));
      expect(answers.every((a) => a.status === 200)).toBe(true);
      expect(most).toBe(2);
    } finally {
      slow.closeAllConnections();
      await new Promise((resolve) => slow.close(resolve));
    }
  });

  it('answers 413 to a request body over the limit, declared or streamed', async () => {
    apply({ limits: { ...DEFAULT_SETTINGS.limits, maxRequestBodyBytes: 100 } });
    const declared = await requestViaProxy(proxy.proxyUrl, `${origin.url}/upload?big=1`, { method: 'POST', body: 'x'.repeat(500) });
    expect(declared.status).toBe(413);
    const streamed = await requestViaProxy(proxy.proxyUrl, `${origin.url}/upload?big=2`, { method: 'POST', headers: { 'Transfer-Encoding': 'chunked' }, body: 'y'.repeat(50_000) });
    expect(streamed.status).toBe(413);
    expect((await requestViaProxy(proxy.proxyUrl, `${origin.url}/upload?small=1`, { method: 'POST', body: 'ok' })).status).toBe(200);
  });

  it('gives a 504 and a TIMEOUT flow when the upstream goes quiet past the idle timeout', async () => {
    apply({ limits: { ...DEFAULT_SETTINGS.limits, idleTimeoutSeconds: 1 } });
    const started = Date.now();
    const answer = await requestViaProxy(proxy.proxyUrl, `${origin.url}/slow?ms=2500`);
    expect(answer.status).toBe(504);
    expect(Date.now() - started).toBeLessThan(2400);
    expect(await flowOf('/slow?ms=2500')).toMatchObject({ statusCode: 504, error: { type: 'TIMEOUT', message: expect.stringMatching(/sent nothing for 1 s/) } });
  });
});

describe('settings.set', () => {
  it('applies policy at once, says so, and stores the password only as a hash', async () => {
    const service = createApiService(proxy.runtime, { settings: DEFAULT_SETTINGS });
    try {
      const change = await service.handlers['settings.set']({ settings: { blockRules: [{ pattern: '/via-settings', kind: 'regex', action: 'deny' }], proxyAuth: { type: 'basic', user: 'bo', password: 'pa55' } } });
      expect(change.applied).toEqual(['1 block rule(s) apply from the next request on.', 'Proxy authentication (basic) is required from the next connection on.']);
      // The UI never sees the hash; sending the placeholder back keeps the stored password.
      expect(change.settings.proxyAuth).toEqual({ type: 'basic', user: 'bo', passwordHash: 'scrypt$kept$kept' });
      expect((await service.handlers['settings.get']({})).settings.proxyAuth).toEqual({ type: 'basic', user: 'bo', passwordHash: 'scrypt$kept$kept' });
      const stored = readFileSync(path.join(proxy.dataDir, 'settings.json'), 'utf8');
      expect(stored).not.toContain('pa55');
      expect(stored).toMatch(/"passwordHash": "scrypt\$/);
      const auth = { 'Proxy-Authorization': `Basic ${Buffer.from('bo:pa55').toString('base64')}` };
      expect((await requestViaProxy(proxy.proxyUrl, `${origin.url}/via-settings`, { headers: auth })).status).toBe(403);
      expect((await requestViaProxy(proxy.proxyUrl, `${origin.url}/hello?via=settings`, { headers: auth })).status).toBe(200);
      service.handlers['settings.set']({ settings: { proxyAuth: { type: 'basic', user: 'bo', passwordHash: 'scrypt$kept$kept' }, llmHosts: ['x.test'] } });
      expect((await requestViaProxy(proxy.proxyUrl, `${origin.url}/hello?kept=1`, { headers: auth })).status).toBe(200);
      expect(readFileSync(path.join(proxy.dataDir, 'settings.json'), 'utf8')).not.toContain('kept$kept');
      const restart = await service.handlers['settings.set']({ settings: { modes: ['regular', 'reverse:http://localhost:3000@9999'], proxyAuth: { type: 'none' } } });
      expect(restart.needsRestart).toEqual(['The listeners (regular, reverse:http://localhost:3000@9999) change after a restart.']);
      // Transports validate first (the same message names the field)...
      expect(() => validateArgs('settings.set', { settings: { allowIps: ['10.0.0.0/33'] } })).toThrow(/allowIps\[0\]: "10\.0\.0\.0\/33": the prefix length must be 0 to 32/);
      // ...and the service refuses what it could not run, before saving anything.
      await expect(async () => service.handlers['settings.set']({ settings: { allowIps: ['10.0.0.0/33'] } })).rejects.toThrow(/prefix length must be 0 to 32\. Nothing was changed/);
      expect(readFileSync(path.join(proxy.dataDir, 'settings.json'), 'utf8')).not.toContain('10.0.0.0/33');
    } finally {
      service.dispose();
    }
  });
});

describe('traffic classes', () => {
  it('classifies MCP by path or JSON-RPC body, local traffic as other, and user LLM hosts as llm', async () => {
    const rpc = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} });
    await requestViaProxy(proxy.proxyUrl, `${origin.url}/echo?rpc=1`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: rpc });
    await requestViaProxy(proxy.proxyUrl, `${origin.url}/mcp/hello?p=1`);
    await requestViaProxy(proxy.proxyUrl, `${origin.url}/hello?plain=1`);
    expect((await flowOf('rpc=1')).trafficClass).toBe('mcp');
    expect((await flowOf('/mcp/hello')).trafficClass).toBe('mcp');
    expect((await flowOf('plain=1')).trafficClass).toBe('other');
    apply({ llmHosts: ['127.0.0.1'] });
    await requestViaProxy(proxy.proxyUrl, `${origin.url}/hello?llm=1`);
    expect((await flowOf('llm=1')).trafficClass).toBe('llm');
    proxy.runtime.store.flush();
    expect(proxy.runtime.store.pageSummaries({ limit: 20, filter: '~class llm' }).items.map((s) => s.path)).toEqual(['/hello?llm=1']);
  });
});
