import { describe, expect, it } from 'vitest';
import { flowToRow } from '../../src-main/store/rows.js';
import { flowRowValues } from '../../src-main/store/statements.js';
import { BatchEncoder, decodeBatch } from '../../src-main/store/wire-batch.js';
import { flowFromWire, flowToWire } from '../../src-main/store/wire-flow.js';
import { httpFlow, utf8 } from '../helpers/flow-records.js';

describe('writer batches', () => {
  it('decode to the rows, bodies, message chunks and events that were encoded, in order', () => {
    // Quotes, backslashes, non-ASCII and a lone surrogate must survive the JSON text unchanged.
    const awkward = httpFlow({ id: 7, path: '/q?x="a\\b"&é=\u{1F600}&bad=\uD800', statusMessage: null, tls: { sni: 'api.example.com', protocol: 'TLSv1.3' } });
    const plain = httpFlow({ id: 8, responseHeaders: null, responseBody: null });
    const chunk = new Uint8Array(new SharedArrayBuffer(16)).fill(9);
    const event = { time: 1_700_000_000_000, type: 'CLIENT_TLS_ERROR', clientIp: '127.0.0.1', clientPort: 50000, host: null, message: 'closed "early"' };

    const encoder = new BatchEncoder();
    encoder.addFlow(JSON.stringify(flowToWire(awkward)), { request: false, response: true }, { storage: 'raw', data: utf8('{"a":1}') }, null);
    encoder.addMessages(8, 0, 3, 4, chunk);
    encoder.addFlow(JSON.stringify(flowToWire(plain)), { request: false, response: false }, null, { storage: 'br', data: utf8('compressed') });
    encoder.addEvent(event);
    const { batch } = encoder.finish();
    // One buffer holds every body byte, so one transfer carries them all.
    expect(batch.bytes.byteLength).toBe(7 + 10);

    const items = decodeBatch(structuredClone(batch));
    expect(items.map((item) => item.kind)).toEqual(['flow', 'messages', 'flow', 'event']);
    const [first, messages, second, last] = items;
    expect(first).toMatchObject({ kind: 'flow', id: 7, values: flowRowValues(flowToRow(awkward, false, true)), response: null });
    expect(first?.kind === 'flow' && Buffer.from(first.request!.data).toString()).toBe('{"a":1}');
    expect(messages).toMatchObject({ kind: 'messages', flowId: 8, firstSeq: 0, lastSeq: 3, count: 4 });
    expect(messages?.kind === 'messages' && [...messages.data]).toEqual([...chunk]);
    expect(second).toMatchObject({ kind: 'flow', id: 8, values: flowRowValues(flowToRow(plain, false, false)), request: null });
    expect(second?.kind === 'flow' && second.response?.storage).toBe('br');
    expect(second?.kind === 'flow' && Buffer.from(second.response!.data).toString()).toBe('compressed');
    expect(last).toEqual({ kind: 'event', ...event });
  });

  it('carry every field of a flow', () => {
    const full = httpFlow({
      kind: 'websocket', tls: { sni: null, protocol: 'TLSv1.2' }, error: { type: 'TIMEOUT', message: 'No response headers within 60000 ms' },
      tags: ['a', 'b'], source: 'replay', replayOf: 3, trafficClass: 'llm', blockedBy: 'rule 1', upstreamProxy: 'http://proxy:3128',
      responseBody: { wireSize: 10, decodedSize: null, capturedSize: 5, truncated: true, dropped: true, contentType: 'text/plain', contentEncoding: 'gzip' },
      timings: { start: 1, dns: 2, connect: 3, requestBodyReceived: 4, responseHeaders: 5, end: 6, aborted: 7, wsAccepted: 8, wsClosed: 9 },
    });
    expect(flowFromWire(JSON.parse(JSON.stringify(flowToWire(full))))).toEqual(full);
    const bare = httpFlow({ responseHeaders: null, responseBody: null, tls: null, error: null, statusCode: null, statusMessage: null, endedAt: null, durationMs: null });
    expect(flowFromWire(JSON.parse(JSON.stringify(flowToWire(bare))))).toEqual(bare);
  });

  it('copy small captured bodies and pass large ones by reference, with what the writer needs to prepare them', () => {
    const small = Buffer.from(new SharedArrayBuffer(8)).fill(7);
    const large = Buffer.from(new SharedArrayBuffer(64 * 1024)).fill(8);
    const encoder = new BatchEncoder();
    encoder.addFlow(JSON.stringify(flowToWire(httpFlow())), { request: false, response: false }, { storage: 'captured', data: small, contentEncoding: null, truncated: false }, { storage: 'captured', data: large, contentEncoding: 'gzip', truncated: true });
    const { batch } = encoder.finish();
    expect(batch.bytes.byteLength).toBe(8);
    expect(batch.shared).toHaveLength(1);
    const [item] = decodeBatch(structuredClone(batch));
    expect(item?.kind === 'flow' && item.request).toMatchObject({ storage: 'captured', contentEncoding: null, truncated: false });
    expect(item?.kind === 'flow' && [...item.request!.data]).toEqual([...small]);
    expect(item?.kind === 'flow' && item.response).toMatchObject({ storage: 'captured', contentEncoding: 'gzip', truncated: true });
    // Shared memory is not copied on its way: the writer reads what capture wrote.
    large[0] = 1;
    expect(item?.kind === 'flow' && item.response?.data[0]).toBe(1);
  });

  it('sends an empty buffer when no record has bytes', () => {
    const encoder = new BatchEncoder();
    encoder.addFlow(JSON.stringify(flowToWire(httpFlow())), { request: false, response: false }, { storage: 'raw', data: new Uint8Array(0) }, null);
    const { batch } = encoder.finish();
    expect(batch.bytes.byteLength).toBe(0);
    expect(decodeBatch(batch)[0]).toMatchObject({ kind: 'flow', request: null, response: null });
  });
});
