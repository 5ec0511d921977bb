/**
 * Browser mode's server over real sockets: token and origin checks, the REST API and the
 * WebSocket RPC against a real Flowscope capturing real traffic.
 */
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import forge from 'node-forge';
import WebSocket from 'ws';
import type { ApiEvents, EventName } from '../../src-shared/api/contract.js';
import type { RpcReply } from '../../src-shared/api/rpc.js';
import { DEFAULT_SETTINGS } from '../../src-shared/model/settings.js';
import { createApiService } from '../../src-main/service/api-service.js';
import type { ApiService } from '../../src-main/service/api-service-types.js';
import { loadSettings } from '../../src-main/service/settings-file.js';
import { loadOrCreateToken, tokenFilePath } from '../../src-main/service/ui-token.js';
import { allowedHosts } from '../../src-main/transports/http/auth.js';
import { startUiServer, UiPortInUseError, type UiServer } from '../../src-main/transports/http/server.js';
import { startHttpOrigin, type HttpOrigin } from '../fixtures/index.js';
import { requestViaProxy } from '../fixtures/proxy-clients.js';
import { startTestProxy, tempDir, waitFor, type TestProxy } from './harness.js';

let proxy: TestProxy;
let origin: HttpOrigin;
let service: ApiService;
let server: UiServer;
let token: string;
let base: string;
/** The session cookie a browser gets by opening the printed UI address. */
let session: string;
const rendererDir = tempDir('flowscope-renderer-');

beforeAll(async () => {
  mkdirSync(path.join(rendererDir, 'assets'));
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Flowscope</title><script type="module" src="./assets/app.js"></script>');
  writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log("ui")');
  writeFileSync(path.join(path.dirname(rendererDir), 'outside-secret.txt'), 'secret');
  proxy = await startTestProxy();
  origin = await startHttpOrigin();
  service = createApiService(proxy.runtime, { settings: DEFAULT_SETTINGS, stateIntervalMs: 200 });
  token = loadOrCreateToken(proxy.dataDir);
  server = await startUiServer({ host: '127.0.0.1', port: 0, token, service, rendererDir });
  base = `http://127.0.0.1:${server.port}`;
  session = (await fetch(server.url, { redirect: 'manual' })).headers.get('set-cookie')!.split(';')[0]!;
});

afterAll(async () => {
  await server?.close();
  service?.dispose();
  await proxy?.close();
  await origin?.close();
  rmSync(rendererDir, { recursive: true, force: true });
});

const bearer = () => ({ authorization: `Bearer ${token}` });

async function capture(paths: string[]): Promise<void> {
  for (const p of paths) await requestViaProxy(proxy.proxyUrl, `${origin.url}${p}`);
}

/** A WebSocket RPC client as the page would open it: same origin, the cookie the UI URL set. */
async function rpcClient(headers: Record<string, string> = { origin: base, cookie: session }) {
  const socket = new WebSocket(`ws://127.0.0.1:${server.port}/api/ws`, { headers });
  const pushes: Array<{ event: EventName; payload: unknown }> = [];
  const replies = new Map<number, RpcReply>();
  socket.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as RpcReply | { event: EventName; payload: unknown };
    if ('event' in frame) pushes.push(frame);
    else replies.set(frame.id, frame);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    socket.once('error', reject);
  });
  let next = 1;
  return {
    socket,
    pushes,
    async call(call: string, args?: unknown): Promise<RpcReply> {
      const id = next++;
      socket.send(JSON.stringify({ id, call, args }));
      return waitFor(() => replies.get(id), `reply ${id} to ${call}`);
    },
    pushed<E extends EventName>(event: E): Array<ApiEvents[E]> {
      return pushes.filter((p) => p.event === event).map((p) => p.payload as ApiEvents[E]);
    },
  };
}

describe('who may use the UI server', () => {
  it('keeps the token in the data directory, readable by this user only', () => {
    expect(statSync(tokenFilePath(proxy.dataDir)).mode & 0o777).toBe(0o600);
    expect(loadOrCreateToken(proxy.dataDir)).toBe(token);
  });

  it('refuses the page without the token and explains where to find it', async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('flowscope serve');
  });

  it('swaps the token in the UI URL for a session cookie of this run and port, then serves the page with the CSP', async () => {
    const res = await fetch(server.url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/');
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    // Browsers send 127.0.0.1 cookies to every port: the cookie must not carry the install token,
    // and a second Flowscope on another port must not overwrite it.
    expect(cookie.startsWith(`flowscope_session_${server.port}=`)).toBe(true);
    expect(cookie).not.toContain(token);
    expect((await fetch(`${base}/api/status`, { headers: { cookie: `flowscope_session_${server.port}=${token}` } })).status).toBe(401);
    const page = await fetch(`${base}/`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Flowscope</title>');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const script = await fetch(`${base}/assets/app.js`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(script.headers.get('content-type')).toMatch(/javascript/);
  });

  it('refuses a wrong token, a foreign Origin, a cross-site fetch and a foreign Host name', async () => {
    expect((await fetch(`${base}/api/status`, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    const foreign = await fetch(`${base}/api/status`, { headers: { ...bearer(), origin: 'http://evil.example' } });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    expect((await fetch(`${base}/api/status`, { headers: { ...bearer(), 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
    expect((await fetch(`${base}/api/status`, { headers: { cookie: session, 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
    // fetch will not send a Host header of our choosing; a DNS-rebinding page's requests would.
    const rebound = await new Promise<number>((resolve, reject) => {
      http.get(`${base}/api/status`, { headers: { ...bearer(), host: `attacker.example:${server.port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      }).on('error', reject);
    });
    expect(rebound).toBe(403);
  });

  it('lets the printed address in when it is opened from a link on another site, and nothing else from there', async () => {
    // fetch sets its own Sec-Fetch-Mode; a browser following a link sends these.
    const navigation = { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' };
    const get = (url: string, headers: Record<string, string>) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        http.get(url, { headers }, (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        }).on('error', reject);
      });
    expect((await get(server.url, navigation)).status).toBe(302);
    const withoutToken = await get(`${base}/`, { ...navigation, cookie: session });
    expect(withoutToken.status).toBe(403);
    expect(withoutToken.body).toContain('Paste the UI address');
  });

  it('answers to its address only, or to every address of this machine when bound to all of them', () => {
    expect([...allowedHosts('127.0.0.1', 8081, 'box')].sort()).toEqual(['127.0.0.1:8081', '[::1]:8081', 'localhost:8081']);
    const everywhere = allowedHosts('0.0.0.0', 8081, 'box');
    expect(everywhere).toContain('box:8081');
    expect(everywhere).toContain('127.0.0.1:8081');
    // Browsers leave out the default port.
    expect(allowedHosts('127.0.0.1', 80, 'box')).toContain('localhost');
  });

  it('serves nothing outside the built renderer', async () => {
    for (const p of ['/../outside-secret.txt', '/%2e%2e/outside-secret.txt', '/assets/..%2f..%2foutside-secret.txt']) {
      const res = await fetch(`${base}${p}`, { headers: bearer() });
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain('secret\n');
    }
  });

  it('refuses WebSocket upgrades without the token or from a foreign origin', async () => {
    await expect(rpcClient({ origin: base })).rejects.toThrow('HTTP 401');
    await expect(rpcClient({ origin: 'http://evil.example', cookie: session })).rejects.toThrow('HTTP 403');
  });

  it('says which port is free when the UI port is taken', async () => {
    const error = await startUiServer({ host: '127.0.0.1', port: server.port, token, service, rendererDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UiPortInUseError);
    expect((error as Error).message).toMatch(new RegExp(`Port ${server.port} on 127.0.0.1 \\(the UI\\) is in use.*--ui-port \\d+`));
  });
});

describe('the REST API', () => {
  it('lists, shows and returns bodies of captured flows, and clears them', async () => {
    await capture(['/echo?rest=1', '/status/404']);
    await proxy.flows(2);
    const page = (await (await fetch(`${base}/api/flows?limit=10`, { headers: bearer() })).json()) as { items: Array<{ id: number; path: string; statusCode: number }> };
    const [notFound, echo] = page.items;
    expect(notFound).toMatchObject({ path: '/status/404', statusCode: 404 });
    const flow = (await (await fetch(`${base}/api/flows/${echo!.id}`, { headers: bearer() })).json()) as { url: string; method: string };
    expect(flow).toMatchObject({ method: 'GET', url: `${origin.url}/echo?rest=1` });
    const body = await fetch(`${base}/api/flows/${echo!.id}/response/body`, { headers: bearer() });
    expect(body.headers.get('content-type')).toBe('application/octet-stream');
    expect(body.headers.get('x-flowscope-content-type')).toBe('application/json');
    expect(JSON.parse(await body.text())).toMatchObject({ url: '/echo?rest=1' });
    const missing = await fetch(`${base}/api/flows/999999`, { headers: bearer() });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: 'NOT_FOUND', message: expect.stringContaining('no flow 999999') } });
    const bad = await fetch(`${base}/api/flows?limit=0`, { headers: bearer() });
    expect(bad.status).toBe(400);

    expect((await fetch(`${base}/api/flows`, { method: 'DELETE', headers: bearer() })).status).toBe(200);
    const after = (await (await fetch(`${base}/api/flows`, { headers: bearer() })).json()) as { items: unknown[] };
    expect(after.items).toEqual([]);
  });

  it('replays, exports as a download with progress, imports an upload and deletes', async () => {
    await capture(['/echo?move=1']);
    const [captured] = await proxy.flows(1);
    const other = await startHttpOrigin();
    try {
      const replay = await fetch(`${base}/api/flows/${captured!.id}/replay`, {
        method: 'POST', headers: { ...bearer(), 'content-type': 'application/json' }, body: JSON.stringify({ targetUrl: other.url }),
      });
      expect(await replay.json()).toMatchObject({ statusCode: 200, error: null, flowId: expect.any(Number) });
      expect(other.requests.at(-1)!.url).toBe('/echo?move=1');
    } finally {
      await other.close();
    }
    const badTarget = await fetch(`${base}/api/flows/${captured!.id}/replay`, { method: 'POST', headers: bearer(), body: '{"targetUrl":"ftp://x"}' });
    expect(badTarget.status).toBe(400);

    const progress: Array<ApiEvents['export.progress']> = [];
    const unsubscribe = service.subscribe((event, payload) => event === 'export.progress' && progress.push(payload as ApiEvents['export.progress']));
    const download = await fetch(`${base}/api/export.har?ids=${captured!.id}&redact=1&exportId=e1`, { headers: { cookie: session } });
    expect(download.headers.get('content-disposition')).toMatch(/^attachment; filename="flowscope-.*\.har"$/);
    const har = await download.text();
    unsubscribe();
    expect((JSON.parse(har) as { log: { entries: unknown[] } }).log.entries).toHaveLength(1);
    expect(progress.at(-1)).toEqual({ exportId: 'e1', done: 1, total: 1, state: 'finished', error: null });
    const badExport = await fetch(`${base}/api/export.har?ids=a,b`, { headers: bearer() });
    expect(badExport.status).toBe(400);

    const upload = await fetch(`${base}/api/import?filename=up.har`, { method: 'POST', headers: bearer(), body: har });
    const imported = (await upload.json()) as { imported: number; firstId: number };
    expect(imported).toMatchObject({ format: 'har', imported: 1 });
    const refused = await fetch(`${base}/api/import?filename=bad.har`, { method: 'POST', headers: bearer(), body: '{"log":{}}' });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/^bad\.har was not imported/);

    expect(await (await fetch(`${base}/api/flows/${imported.firstId}`, { method: 'DELETE', headers: bearer() })).json()).toEqual({ deleted: 1 });
    expect((await fetch(`${base}/api/flows/${imported.firstId}`, { headers: bearer() })).status).toBe(404);
  });
});

describe('the WebSocket RPC', () => {
  it('answers calls, pushes new flows in batches, and maps errors to { code, message }', async () => {
    const client = await rpcClient();
    await capture(['/hello', '/echo?rpc=1', '/status/500']);
    const added = await waitFor(() => {
      const ids = client.pushed('flows.added').flat();
      return ids.length >= 3 ? ids : undefined;
    }, 'three flows pushed');
    expect(added.map((s) => s.path)).toEqual(['/hello', '/echo?rpc=1', '/status/500']);

    const flow = await client.call('flows.get', { id: added[1]!.id });
    expect(flow).toMatchObject({ result: { path: '/echo?rpc=1', statusCode: 200 } });
    const body = (await client.call('flows.body', { id: added[1]!.id, side: 'response' })) as { result: { base64: string; contentType: string } };
    expect(JSON.parse(Buffer.from(body.result.base64, 'base64').toString())).toMatchObject({ url: '/echo?rpc=1' });
    expect(await client.call('flows.page', { limit: 0 })).toMatchObject({ error: { code: 'BAD_ARGUMENT', message: expect.stringContaining('limit') } });
    expect(await client.call('flows.drop', {})).toMatchObject({ error: { code: 'UNKNOWN_CALL' } });
    expect(await client.call('flows.get', { id: 424242 })).toMatchObject({ error: { code: 'NOT_FOUND' } });
    await waitFor(() => client.pushed('proxy.state').length > 0, 'a proxy state push');
    expect(client.pushed('proxy.state')[0]).toMatchObject({ listening: true, port: proxy.runtime.engine.port });
    client.socket.close();
  });

  it('pushes flows that finish together in one batch', async () => {
    const client = await rpcClient();
    const before = client.pushed('flows.added').length;
    // Three flows enqueued in one turn of the event loop are one push, 50-100 ms later.
    const flow = (await proxy.flows(1))[0]!;
    for (let i = 0; i < 3; i++) proxy.runtime.feed.enqueueFlow({ ...flow, id: proxy.runtime.store.allocateFlowId(), path: `/batched/${i}` });
    const pushes = await waitFor(() => {
      const batches = client.pushed('flows.added').slice(before).filter((batch) => batch.some((s) => s.path.startsWith('/batched/')));
      return batches.length > 0 ? batches : undefined;
    }, 'the batched push');
    expect(pushes).toHaveLength(1);
    expect(pushes[0]!.map((s) => s.path)).toEqual(['/batched/0', '/batched/1', '/batched/2']);
    client.socket.close();
  });

  it('keeps the CA key to itself: exports the certificate only, in every format', async () => {
    const client = await rpcClient();
    const exported = (await client.call('ca.export', { format: 'pem' })) as { result: { base64: string } };
    const pem = Buffer.from(exported.result.base64, 'base64').toString();
    expect(pem).toContain('BEGIN CERTIFICATE');
    expect(pem).not.toContain('PRIVATE KEY');
    const p12 = (await client.call('ca.export', { format: 'p12' })) as { result: { base64: string } };
    const parsed = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(forge.util.decode64(p12.result.base64)), '');
    expect(parsed.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!]).toHaveLength(1);
    for (const bagType of [forge.pki.oids.keyBag!, forge.pki.oids.pkcs8ShroudedKeyBag!]) {
      expect(parsed.getBags({ bagType })[bagType] ?? []).toEqual([]);
    }
    expect(JSON.stringify(await client.call('ca.info', {}))).not.toContain('PRIVATE KEY');
    client.socket.close();
  });

  it('stores settings, applies what it can now, and says what needs a restart', async () => {
    const client = await rpcClient();
    const change = await client.call('settings.set', { settings: { maxBodySize: 4096, proxyPort: 9999, retention: { maxFlows: 1000, maxAgeDays: null, maxDbMegabytes: null } } });
    expect(change).toMatchObject({
      result: {
        settings: { maxBodySize: 4096, proxyPort: 9999, retention: { maxFlows: 1000 } },
        applied: [expect.stringContaining('4096 bytes'), expect.stringContaining('retention')],
        needsRestart: [expect.stringContaining('9999')],
      },
    });
    expect(proxy.runtime.engine.capture.maxBodySize).toBe(4096);
    expect(loadSettings(proxy.dataDir).settings).toMatchObject({ maxBodySize: 4096, proxyPort: 9999 });
    expect(await client.call('settings.set', { settings: { proxyPort: 'x' } })).toMatchObject({ error: { code: 'BAD_ARGUMENT' } });
    client.socket.close();
  });

  it('leaves a setting given as a flag alone for this run, and says so only when it changes', async () => {
    const flagged = createApiService(proxy.runtime, {
      settings: { ...DEFAULT_SETTINGS, proxyPort: 0 },
      stored: DEFAULT_SETTINGS,
      fromFlags: ['proxyPort'],
    });
    try {
      expect(flagged.handlers['settings.get']({})).toMatchObject({ settings: { proxyPort: 8080 }, fromFlags: ['proxyPort'] });
      // The form sends every field back: an unchanged flagged one is not news.
      expect(await flagged.handlers['settings.set']({ settings: { ...DEFAULT_SETTINGS } })).toMatchObject({ needsRestart: [] });
      const changed = await flagged.handlers['settings.set']({ settings: { proxyPort: 9090 } });
      expect(changed).toMatchObject({ settings: { proxyPort: 9090 }, needsRestart: [expect.stringContaining('proxyPort is set by a command-line flag')] });
    } finally {
      flagged.dispose();
    }
  });

  it('moves a damaged settings file aside and says so', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'settings.json'), '{"proxyPort": "eighty"}');
    const loaded = loadSettings(dir);
    expect(loaded.settings).toEqual(DEFAULT_SETTINGS);
    expect(loaded.warning).toMatch(/could not be used \(proxyPort must be a whole number\.\)\. It was moved to .*settings\.json\.damaged-\d+/);
    const aside = /moved to (\S+);/.exec(loaded.warning!)![1]!;
    expect(readFileSync(aside, 'utf8')).toContain('eighty');
    rmSync(dir, { recursive: true, force: true });
  });
});
