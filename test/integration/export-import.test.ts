/**
 * Export and import over real captured traffic: the HAR validates against the HAR 1.2 schema and
 * re-imports to the same flows, Flowscope JSON round-trips losslessly, secrets can be redacted,
 * and a malformed file changes nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Har } from 'har-format';
import type { ExportQuery } from '../../src-shared/api/types.js';
import type { Flow } from '../../src-shared/model/flow.js';
import { DEFAULT_SETTINGS } from '../../src-shared/model/settings.js';
import { createApiService } from '../../src-main/service/api-service.js';
import type { ApiService } from '../../src-main/service/api-service-types.js';
import { startHttpOrigin, startWsOrigin, type HttpOrigin, type WsOrigin } from '../fixtures/index.js';
import { requestViaProxy, webSocketViaProxy } from '../fixtures/proxy-clients.js';
import { validateHar } from '../helpers/har-schema.js';
import { startTestProxy, waitFor, type TestProxy } from './harness.js';

let proxy: TestProxy;
let origin: HttpOrigin;
let wsOrigin: WsOrigin;
let service: ApiService;
let capturedIds: number[];

async function exportText(query: ExportQuery): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await service.exportTo(query, out);
  out.end();
  return Buffer.concat(chunks).toString('utf8');
}

beforeAll(async () => {
  proxy = await startTestProxy();
  [origin, wsOrigin] = await Promise.all([startHttpOrigin(), startWsOrigin()]);
  service = createApiService(proxy.runtime, { settings: DEFAULT_SETTINGS });
  await requestViaProxy(proxy.proxyUrl, `${origin.url}/echo?q=1`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: 'Bearer s3cret', Cookie: 'sid=1' }, body: '{"a":1}',
  });
  await requestViaProxy(proxy.proxyUrl, `${origin.url}/gzip`);
  await requestViaProxy(proxy.proxyUrl, `${origin.url}/bytes/300`);
  await requestViaProxy(proxy.proxyUrl, `${origin.url}/headers`);
  const ws = await webSocketViaProxy(proxy.proxyUrl, `${wsOrigin.url}/chat`);
  ws.send('hello socket');
  await new Promise((resolve) => ws.once('message', resolve));
  ws.send(Buffer.from([0, 1, 2, 255]));
  await new Promise((resolve) => ws.once('message', resolve));
  ws.close(1000, 'done');
  await once(ws, 'close');
  // The close frame is reported around the end of the flow: wait until it is stored too.
  await waitFor(() => {
    proxy.runtime.store.flush();
    const socket = proxy.runtime.store.pageSummaries({ limit: 10 }).items.find((f) => f.kind === 'websocket');
    return socket && proxy.runtime.store.getFlow(socket.id)?.endedAt && proxy.runtime.store.getWsMessages(socket.id, { limit: 10 }).length === 5;
  }, 'the WebSocket flow to close with its close frame');
  capturedIds = (await proxy.flows(5)).map((f) => f.id).reverse();
});

afterAll(async () => {
  service?.dispose();
  await proxy?.close();
  await Promise.all([origin?.close(), wsOrigin?.close()]);
});

/** What an imported flow must keep of the original. */
function essentials(flow: Flow) {
  return {
    kind: flow.kind, method: flow.method, url: flow.url, statusCode: flow.statusCode,
    requestHeaders: flow.requestHeaders, responseHeaders: flow.responseHeaders,
  };
}

describe('HAR export', () => {
  it('validates against the HAR 1.2 schema, with decoded bodies and WebSocket messages', async () => {
    const har = JSON.parse(await exportText({ format: 'har', redact: false })) as Har;
    expect(validateHar(har)).toEqual([]);
    expect(har.log.entries).toHaveLength(5);
    const [echo, gzip, bytes, , ws] = har.log.entries as Array<Har['log']['entries'][number] & Record<string, unknown>>;
    expect(echo!.request).toMatchObject({ method: 'POST', url: `${origin.url}/echo?q=1`, postData: { mimeType: 'application/json', text: '{"a":1}' } });
    expect(echo!.request.queryString).toEqual([{ name: 'q', value: '1' }]);
    expect(JSON.parse(gzip!.response.content.text!)).toBeTruthy();
    expect(bytes!.response.content).toMatchObject({ encoding: 'base64', size: 300 });
    expect((ws!._webSocketMessages as unknown[]).length).toBe(5);
    expect((ws!._webSocketMessages as unknown[]).slice(0, 4)).toEqual([
      expect.objectContaining({ type: 'send', opcode: 1, data: 'hello socket' }),
      expect.objectContaining({ type: 'receive', opcode: 1, data: 'hello socket' }),
      expect.objectContaining({ type: 'send', opcode: 2, data: Buffer.from([0, 1, 2, 255]).toString('base64') }),
      expect.objectContaining({ type: 'receive', opcode: 2, data: Buffer.from([0, 1, 2, 255]).toString('base64') }),
    ]);
  });

  it('re-imports to the same flows', async () => {
    const text = await exportText({ format: 'har', redact: false });
    const result = await service.handlers['import.flows']({ filename: 'session.har', text });
    expect(result).toMatchObject({ format: 'har', imported: 5 });
    for (let i = 0; i < 5; i++) {
      const original = await service.handlers['flows.get']({ id: capturedIds[i]! });
      const imported = await service.handlers['flows.get']({ id: result.firstId! + i });
      expect(imported.source).toBe('import');
      expect(essentials(imported)).toEqual(essentials(original));
    }
    const gzipBody = await service.handlers['flows.body']({ id: result.firstId! + 1, side: 'response' });
    const originalBody = await service.handlers['flows.body']({ id: capturedIds[1]!, side: 'response' });
    expect(gzipBody!.base64).toBe(originalBody!.base64);
    const page = await service.handlers['flows.page']({ limit: 50, filter: '~imported' });
    expect(page.items.map((s) => s.id).sort()).toEqual([0, 1, 2, 3, 4].map((i) => result.firstId! + i).sort());
    await service.handlers['flows.delete']({ ids: page.items.map((s) => s.id) });
  });

  it('redacts credentials when asked', async () => {
    const text = await exportText({ format: 'har', redact: true, ids: [capturedIds[0]!] });
    const [entry] = (JSON.parse(text) as Har).log.entries;
    expect(entry!.request.headers).toContainEqual({ name: 'Authorization', value: '[redacted]' });
    expect(entry!.request.headers).toContainEqual({ name: 'Cookie', value: '[redacted]' });
    expect(entry!.request.cookies).toEqual([]);
    // Headers only: /echo repeats the request in its response body, which redaction leaves as it is.
    expect(JSON.stringify(entry!.request)).not.toMatch(/s3cret|sid=1/);
  });
});

describe('Flowscope JSON', () => {
  it('round-trips every field, body and message', async () => {
    const text = await exportText({ format: 'json', redact: false });
    expect(text.trim().split('\n')).toHaveLength(5);
    const result = await service.handlers['import.flows']({ filename: 'session.ndjson', text });
    for (let i = 0; i < 5; i++) {
      const original = await service.handlers['flows.get']({ id: capturedIds[i]! });
      const imported = await service.handlers['flows.get']({ id: result.firstId! + i });
      expect({ ...imported, id: 0, source: 'capture', tags: [] }).toEqual({ ...original, id: 0, tags: [] });
      for (const side of ['request', 'response'] as const) {
        expect(await service.handlers['flows.body']({ id: result.firstId! + i, side, decoded: false }))
          .toEqual(await service.handlers['flows.body']({ id: capturedIds[i]!, side, decoded: false }));
      }
    }
    const messages = await service.handlers['flows.messages']({ id: result.lastId!, limit: 100 });
    const originals = await service.handlers['flows.messages']({ id: capturedIds[4]!, limit: 100 });
    expect(messages.map((m) => ({ ...m, flowId: 0 }))).toEqual(originals.map((m) => ({ ...m, flowId: 0 })));
    await service.handlers['flows.delete']({ ids: [0, 1, 2, 3, 4].map((i) => result.firstId! + i) });
  });

  it('exports only the filtered or selected flows', async () => {
    const filtered = (await exportText({ format: 'json', redact: false, filter: '~u gzip' })).trim().split('\n');
    expect(filtered).toHaveLength(1);
    const selected = (await exportText({ format: 'json', redact: false, ids: [capturedIds[2]!, capturedIds[3]!] })).trim().split('\n');
    expect(selected.map((line) => (JSON.parse(line) as { flow: Flow }).flow.id)).toEqual([capturedIds[2], capturedIds[3]]);
  });
});

describe('export.save (the desktop app)', () => {
  it('writes where the dialog says, with progress; cancel saves nothing; a failed write leaves no partial file', async () => {
    let answer: string | null = path.join(proxy.dataDir, 'saved.har');
    const desktop = createApiService(proxy.runtime, { settings: DEFAULT_SETTINGS, saveDialog: async () => answer });
    const progress: unknown[] = [];
    desktop.subscribe((event, payload) => event === 'export.progress' && progress.push(payload));
    try {
      expect(await desktop.handlers['export.save']({ format: 'har', redact: false, exportId: 'x' })).toEqual({ path: answer, count: 5 });
      expect(validateHar(JSON.parse(readFileSync(answer, 'utf8')))).toEqual([]);
      expect(progress.at(-1)).toEqual({ exportId: 'x', done: 5, total: 5, state: 'finished', error: null });
      answer = null;
      expect(await desktop.handlers['export.save']({ format: 'json', redact: false, exportId: 'y' })).toBeNull();
      answer = path.join(proxy.dataDir, 'no-such-folder', 'out.ndjson');
      await expect(desktop.handlers['export.save']({ format: 'json', redact: false, exportId: 'z' })).rejects.toThrow(/The export to .*out\.ndjson failed: .*ENOENT/);
      expect(existsSync(answer)).toBe(false);
    } finally {
      desktop.dispose();
    }
    await expect(service.handlers['export.save']({ format: 'har', redact: false, exportId: 'b' })).rejects.toThrow(/download \/api\/export\.har/);
  });
});

describe('a malformed import', () => {
  it('is refused with the line that is wrong, and nothing is stored', async () => {
    const good = (await exportText({ format: 'json', redact: false, ids: [capturedIds[0]!] })).trim();
    const before = (await service.handlers['flows.count']({})).count;
    await expect(service.handlers['import.flows']({ filename: 'broken.ndjson', text: `${good}\n${good}\n{"flowscope":1,"flow":{}}\n` }))
      .rejects.toThrow(/broken\.ndjson was not imported, nothing was stored: Line 3/);
    await expect(service.handlers['import.flows']({ filename: 'x.har', text: '{"log": {"entries": [{"request": ' }))
      .rejects.toThrow(/x\.har was not imported/);
    expect((await service.handlers['flows.count']({})).count).toBe(before);
  });
});
