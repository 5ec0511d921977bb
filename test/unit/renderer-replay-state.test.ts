import { describe, expect, it } from 'vitest';
import type { ApiClient, ApiEvents, EventName } from '../../src-shared/api/contract.js';
import type { BodyView, ExportProgress, ReplayBatchProgress } from '../../src-shared/api/types.js';
import type { Flow } from '../../src-shared/model/flow.js';
import { startIngress } from '../../src-renderer/bridge/ingress.js';
import { createAppStore } from '../../src-renderer/store/app-store.js';
import { blankDraft, draftFromFlow, headerRow, requestFromDraft, sendEnded, sendStarted, emptyEditor } from '../../src-renderer/store/editor-draft.js';
import { MAX_TRACKED, batchProgressed, exportProgressed, fractionDone } from '../../src-renderer/store/progress.js';
import { createQueries } from '../../src-renderer/store/queries.js';
import { batchQuery, type BatchForm } from '../../src-renderer/features/replay/batch-form.js';
import { parseTarget, targetFor } from '../../src-renderer/features/replay/target.js';

const batch = (patch: Partial<ReplayBatchProgress> = {}): ReplayBatchProgress => ({
  batchId: 'b1', total: 3, done: 0, state: 'running', outcomes: [], lastFlowId: null, skipped: [], ...patch,
});
const exported = (patch: Partial<ExportProgress> = {}): ExportProgress => ({ exportId: 'e1', done: 0, total: 10, state: 'running', error: null, ...patch });

describe('progress of batches and exports', () => {
  it('keeps the latest report per id, newest last', () => {
    let list = batchProgressed([], batch({ done: 1 }));
    list = batchProgressed(list, batch({ batchId: 'b2' }));
    list = batchProgressed(list, batch({ done: 2, outcomes: [{ key: '200', count: 2 }] }));
    expect(list.map((b) => [b.batchId, b.done])).toEqual([['b2', 0], ['b1', 2]]);
  });

  it('never lets a stale running report overwrite a later one or the end', () => {
    let list = batchProgressed([], batch({ done: 2 }));
    expect(batchProgressed(list, batch({ done: 1 }))).toBe(list);
    list = batchProgressed(list, batch({ done: 3, state: 'finished' }));
    expect(batchProgressed(list, batch({ done: 3, state: 'running' }))).toBe(list);
    let exports = exportProgressed([], exported({ done: 10, state: 'failed', error: 'disk full' }));
    exports = exportProgressed(exports, exported({ done: 10, state: 'running' }));
    expect(exports[0]!.state).toBe('failed');
  });

  it('forgets the oldest beyond MAX_TRACKED', () => {
    let list: ExportProgress[] = [];
    for (let i = 0; i < MAX_TRACKED + 5; i++) list = exportProgressed(list, exported({ exportId: `e${i}` }));
    expect(list).toHaveLength(MAX_TRACKED);
    expect(list[0]!.exportId).toBe('e5');
  });

  it('reports a fraction for the bar, and an empty finished batch as complete', () => {
    expect(fractionDone({ done: 1, total: 4, state: 'running' })).toBe(0.25);
    expect(fractionDone({ done: 0, total: 0, state: 'finished' })).toBe(1);
    expect(fractionDone({ done: 0, total: 0, state: 'running' })).toBe(0);
  });
});

describe('replay, export and delete events through the one ingress', () => {
  it('puts replay.progress, export.progress and flows.deleted into the store', async () => {
    const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
    const api = {
      'flows.page': async () => ({ items: [], nextCursor: null }),
      'flows.count': async () => ({ count: 0 }),
      'proxy.status': () => new Promise(() => {}),
      'ca.info': () => new Promise(() => {}),
      on(event: EventName, listener: (payload: unknown) => void) {
        const set = listeners.get(event) ?? new Set();
        listeners.set(event, set);
        set.add(listener);
        return () => set.delete(listener);
      },
    } as unknown as ApiClient;
    const push = <E extends EventName>(event: E, payload: ApiEvents[E]) => listeners.get(event)?.forEach((l) => l(payload));
    const store = createAppStore();
    const stop = startIngress(api, store, createQueries(api, store));
    push('replay.progress', batch({ done: 1 }));
    push('export.progress', exported({ done: 4 }));
    expect(store.getState().progress.batches[0]!.done).toBe(1);
    expect(store.getState().progress.exports[0]!.done).toBe(4);
    store.getState().firstPageLoaded({ items: [], nextCursor: null });
    store.getState().select(8);
    push('flows.deleted', { ids: [8] });
    expect(store.getState().selectedId).toBeNull();
    stop();
  });

  it('a page already on its way when flows were deleted does not bring them back', async () => {
    const summary = (id: number) => ({
      id, kind: 'http' as const, startedAt: id, durationMs: 1, method: 'GET', scheme: 'http' as const, host: 'a.test', port: 80, path: '/', statusCode: 200,
      responseContentType: null, responseSize: 0, errorType: null, messageCount: 0, source: 'capture' as const, replayOf: null, trafficClass: 'other' as const, blocked: false,
    });
    let answer!: (page: { items: ReturnType<typeof summary>[]; nextCursor: null }) => void;
    const listeners = new Map<EventName, (payload: unknown) => void>();
    const api = {
      'flows.page': () => new Promise((resolve) => (answer = resolve)),
      'flows.count': async () => ({ count: 2 }),
      on(event: EventName, listener: (payload: unknown) => void) {
        listeners.set(event, listener);
        return () => listeners.delete(event);
      },
    } as unknown as ApiClient;
    const store = createAppStore();
    const queries = createQueries(api, store);
    const stop = startIngress(api, store, queries);
    const loading = queries.flows.loadFirst();
    listeners.get('flows.deleted')!({ ids: [2] });
    answer({ items: [summary(2), summary(1)], nextCursor: null });
    await loading;
    expect(store.getState().flows.ids).toEqual([1]);
    stop();
  });
});

function flow(patch: Partial<Flow> = {}): Flow {
  const body = { wireSize: 0, decodedSize: 0, capturedSize: 0, truncated: false, dropped: false, contentType: null, contentEncoding: null };
  return {
    id: 12, kind: 'http', startedAt: 1, endedAt: 2, durationMs: 1, method: 'POST', url: 'http://api.test/items?x=1', scheme: 'http', host: 'api.test',
    port: 80, path: '/items?x=1', httpVersion: '1.1', statusCode: 201, statusMessage: 'Created',
    requestHeaders: [['Host', 'api.test'], ['Content-Type', 'application/json'], ['Content-Encoding', 'gzip'], ['X-Twice', 'a'], ['X-Twice', 'b']],
    responseHeaders: [], requestBody: body, responseBody: null, clientIp: null, clientPort: null, serverIp: null, serverPort: null, tls: null,
    error: null, timings: { start: 1, dns: null, connect: null, requestBodyReceived: null, responseHeaders: null, end: 2, aborted: null, wsAccepted: null, wsClosed: null },
    tags: [], source: 'capture', replayOf: null, trafficClass: 'web', blockedBy: null, upstreamProxy: null, ...patch,
  };
}

function bodyView(text: string | Uint8Array, patch: Partial<BodyView> = {}): BodyView {
  const bytes = typeof text === 'string' ? Buffer.from(text) : Buffer.from(text);
  return {
    base64: bytes.toString('base64'), size: bytes.length, truncated: false, wireSize: bytes.length, contentType: 'application/json', contentEncoding: 'gzip',
    decoded: true, decodeError: null, dropped: false, ...patch,
  };
}

describe('the request editor draft', () => {
  it('prefills from a flow: headers as captured (repeats kept), the decoded body as text, sent for main to encode again', () => {
    const draft = draftFromFlow(flow(), bodyView('{"a":1}'));
    expect(draft.headers.map((h) => [h.name, h.value])).toEqual(flow().requestHeaders);
    expect(draft.bodyText).toBe('{"a":1}');
    expect(draft.replayOf).toBe(12);
    const checked = requestFromDraft(draft);
    expect(checked.ok && checked.args).toEqual({
      request: { method: 'POST', url: 'http://api.test/items?x=1', headers: flow().requestHeaders, body: { base64: Buffer.from('{"a":1}').toString('base64'), encoded: false } },
      replayOf: 12,
    });
  });

  it('flags a truncated body and keeps binary bytes unchanged (still encoded when they could not be decoded)', () => {
    const truncated = draftFromFlow(flow(), bodyView('{"a":', { truncated: true, wireSize: 5000 }));
    expect(truncated.notes.join(' ')).toMatch(/cut at 5 B of 4\.9 KB/);
    const binary = draftFromFlow(flow(), bodyView(new Uint8Array([0x1f, 0x8b, 0xff, 0x00]), { decoded: false, decodeError: 'incorrect header check' }));
    expect(binary.bodyText).toBe('');
    expect(binary.binaryBody).toEqual({ base64: Buffer.from([0x1f, 0x8b, 0xff, 0x00]).toString('base64'), size: 4, encoded: true });
    const checked = requestFromDraft(binary);
    expect(checked.ok && checked.args.request.body).toEqual({ base64: binary.binaryBody!.base64, encoded: true });
  });

  it('leaves out HTTP/2 pseudo-headers and blank rows; sends no body when there is none', () => {
    const draft = draftFromFlow(flow({ requestHeaders: [[':authority', 'api.test'], ['accept', '*/*']] }), null);
    draft.headers.push(headerRow());
    const checked = requestFromDraft(draft);
    expect(checked.ok && checked.args.request.headers).toEqual([['accept', '*/*']]);
    expect(checked.ok && checked.args.request.body).toBeNull();
  });

  it('says what is wrong before sending: method, URL, header name, line breaks', () => {
    const error = (patch: Partial<ReturnType<typeof blankDraft>>) => {
      const checked = requestFromDraft({ ...blankDraft(), url: 'http://localhost:3000/', ...patch });
      return checked.ok ? null : checked.error;
    };
    expect(error({})).toBeNull();
    expect(error({ method: 'GE T' })).toMatch(/not an HTTP method/);
    expect(error({ url: 'localhost:3000' })).toMatch(/must start with http/);
    expect(error({ url: 'nonsense' })).toMatch(/not a URL/);
    expect(error({ headers: [headerRow('Bad Name', 'x')] })).toMatch(/"Bad Name" is not a valid header name/);
    expect(error({ headers: [headerRow('', 'orphan')] })).toMatch(/has no name/);
    expect(error({ headers: [headerRow('X', 'a\nb')] })).toMatch(/line break/);
  });

  it('records each send, newest first, and its outcome', () => {
    let state = sendStarted(emptyEditor, { key: 1, method: 'GET', url: 'http://a/', sentAt: 1, result: null, error: null });
    state = sendStarted(state, { key: 2, method: 'GET', url: 'http://a/', sentAt: 2, result: null, error: null });
    state = sendEnded(state, 1, { result: { flowId: 40, statusCode: 200, error: null, durationMs: 3 } });
    state = sendEnded(state, 2, { error: 'connection lost' });
    expect(state.sends.map((s) => [s.key, s.result?.flowId ?? s.error])).toEqual([[2, 'connection lost'], [1, 40]]);
  });
});

describe('replay targets and batch form', () => {
  it('tells an origin from a full URL, and refuses what is not an http(s) URL', () => {
    expect(parseTarget(' http://localhost:3000 ')).toEqual({ ok: true, targetUrl: 'http://localhost:3000', originOnly: true });
    expect(parseTarget('http://localhost:3000/')).toMatchObject({ ok: true, originOnly: true });
    expect(parseTarget('https://staging.test/v2/items')).toMatchObject({ ok: true, originOnly: false });
    expect(parseTarget('localhost:3000')).toMatchObject({ ok: false });
    expect(parseTarget('ftp://x')).toMatchObject({ ok: false, error: expect.stringMatching(/http:\/\/ or https:\/\//) });
    expect(parseTarget('')).toMatchObject({ ok: false });
    expect(targetFor({ targetUrl: 'http://localhost:3000', originOnly: true }, '/a?b=1')).toBe('http://localhost:3000/a?b=1');
    expect(targetFor({ targetUrl: 'http://x.test/p', originOnly: false }, '/a?b=1')).toBe('http://x.test/p');
  });

  const form = (patch: Partial<BatchForm> = {}): BatchForm => ({
    useSelection: true, from: '1', to: '5', delay: '0.5', otherTarget: false, targetText: '', keepHost: false, ...patch,
  });

  it('turns the form into replay.batch arguments', () => {
    expect(batchQuery(form(), [3, 1])).toEqual({ ok: true, query: { delayMs: 500, ids: [3, 1] } });
    expect(batchQuery(form({ useSelection: false, otherTarget: true, targetText: 'http://localhost:9', keepHost: true }), [])).toEqual({
      ok: true, query: { delayMs: 500, range: { from: 1, to: 5 }, target: { targetUrl: 'http://localhost:9', keepHost: true } },
    });
  });

  it('refuses a bad delay, range or target, saying where', () => {
    expect(batchQuery(form({ delay: '-1' }), [1])).toMatchObject({ ok: false, field: 'form' });
    expect(batchQuery(form({ delay: '' }), [1])).toMatchObject({ ok: false, field: 'form' });
    expect(batchQuery(form({ useSelection: false, from: '9', to: '2' }), [])).toMatchObject({ ok: false, error: expect.stringMatching(/before it starts/) });
    expect(batchQuery(form({ useSelection: false, from: 'x' }), [])).toMatchObject({ ok: false, field: 'form' });
    expect(batchQuery(form({ otherTarget: true, targetText: 'nope' }), [1])).toMatchObject({ ok: false, field: 'target' });
  });
});

describe('export downloads in browser mode', () => {
  it('asks the UI server for the file with the filter, ids, redaction and the progress id', async () => {
    const { exportUrl } = await import('../../src-renderer/features/transfer/run-export.js');
    expect(exportUrl({ format: 'har', ids: [3, 5], redact: true }, 'e1')).toBe('/api/export.har?ids=3%2C5&redact=1&exportId=e1');
    expect(exportUrl({ format: 'json', filter: '~m POST & ~d a.test', redact: false }, 'e2')).toBe('/api/export.json?filter=%7Em+POST+%26+%7Ed+a.test&exportId=e2');
  });
});
