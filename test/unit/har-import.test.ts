import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseHar } from '../../src-shared/har/from-har.js';
import { ImportFormatError } from '../../src-shared/har/import-error.js';
import type { FlowRecord } from '../../src-shared/model/transfer.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/har/${name}`, import.meta.url), 'utf8');
const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The error parseHar throws for this file. */
function importError(har: string): ImportFormatError {
  try {
    parseHar(har);
  } catch (error) {
    expect(error).toBeInstanceOf(ImportFormatError);
    return error as ImportFormatError;
  }
  throw new Error('parseHar accepted the file');
}

/** A HAR document with these entries; each entry gets the fields every exporter writes unless it sets them. */
function har(...entries: unknown[]): string {
  return JSON.stringify({ log: { version: '1.2', creator: { name: 'test', version: '1' }, entries } });
}

const minimal = { startedDateTime: '2024-05-13T10:00:00.000Z', request: { method: 'GET', url: 'http://example.com/' } };

describe('HAR import of a Chrome export', () => {
  const records = parseHar(fixture('chrome.har'));
  const [page, post, image, failed, socket] = records as [FlowRecord, FlowRecord, FlowRecord, FlowRecord, FlowRecord];

  it('reads every network entry, leaving out the data: URL', () => {
    expect(records.map((r) => `${r.flow.method} ${r.flow.url} ${r.flow.statusCode}`)).toEqual([
      'GET https://shop.example.com/?ref=mail 200',
      'POST https://api.shop.example.com/v2/cart/items 201',
      'GET https://shop.example.com/img/dot.png 200',
      'POST http://127.0.0.1:9/collect null',
      'GET wss://shop.example.com/live?v=2 101',
    ]);
    for (const { flow } of records) expect(flow).toMatchObject({ id: 0, source: 'import', replayOf: null, tags: [] });
  });

  it('keeps an HTTP/2 request as Chrome saw it, pseudo-headers and all', () => {
    expect(page.flow).toMatchObject({
      kind: 'http', scheme: 'https', host: 'shop.example.com', port: 443, path: '/?ref=mail', httpVersion: '2.0',
      statusMessage: '', serverIp: '203.0.113.10', serverPort: 443, clientPort: null, error: null,
    });
    expect(page.flow.requestHeaders.slice(0, 4)).toEqual([
      [':authority', 'shop.example.com'], [':method', 'GET'], [':path', '/?ref=mail'], [':scheme', 'https'],
    ]);
    expect(page.flow.requestHeaders).toContainEqual(['cookie', 'cart=7f3a; theme=dark']);
    expect(page.flow.responseHeaders).toContainEqual(['content-encoding', 'br']);
  });

  it('stores the decoded body HAR holds as plain bytes, whatever Content-Encoding said', () => {
    expect(text(page.responseBody?.bytes)).toContain('<h1>Café deals</h1>');
    expect(page.responseBody).toMatchObject({ encoding: null, truncated: false });
    expect(page.flow.responseBody).toEqual({
      wireSize: 105, decodedSize: 105, capturedSize: 105, truncated: false, dropped: false,
      contentType: 'text/html; charset=utf-8', contentEncoding: null,
    });
    expect(page.requestBody).toBeNull();
    expect(page.flow.requestBody).toMatchObject({ wireSize: 0, capturedSize: 0, truncated: false });
  });

  it('lays the timing phases end to end from startedDateTime', () => {
    const start = Date.parse('2024-05-13T10:21:03.112Z');
    expect(page.flow.startedAt).toBe(start);
    expect(page.flow.durationMs).toBeCloseTo(182.43, 3);
    const t = page.flow.timings;
    expect(t.dns! - start).toBeCloseTo(3.1 + 12.2, 3);
    expect(t.connect! - start).toBeCloseTo(3.1 + 12.2 + 40.1, 3);
    expect(t.requestBodyReceived! - start).toBeCloseTo(55.7, 3);
    expect(t.responseHeaders! - start).toBeCloseTo(166.2, 3);
    expect(t.end! - start).toBeCloseTo(182.43, 3);
    expect(post.flow.timings.dns).toBeNull();
  });

  it('reads a JSON POST and an IPv6 server address', () => {
    expect(text(post.requestBody?.bytes)).toBe('{"sku":"TEA-042","qty":2,"note":"gift ✓"}');
    expect(post.flow.requestBody).toMatchObject({ wireSize: 43, contentType: 'application/json' });
    expect(text(post.responseBody?.bytes)).toBe('{"id":981,"cartTotal":2}\r\n');
    expect(post.flow).toMatchObject({ httpVersion: '1.1', statusMessage: 'Created', serverIp: '2001:db8::10' });
    expect(post.flow.requestHeaders).toContainEqual(['Authorization', 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl']);
  });

  it('decodes a base64 image', () => {
    expect([...image.responseBody!.bytes.slice(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(image.responseBody!.bytes).toHaveLength(70);
    expect(image.flow.responseBody).toMatchObject({ wireSize: 70, contentType: 'image/png' });
    expect(image.flow.serverIp).toBeNull();
  });

  it("reads a failed request's error from _error", () => {
    expect(failed.flow).toMatchObject({
      statusCode: null, statusMessage: null, responseHeaders: null, responseBody: null,
      error: { type: 'CONNECTION_REFUSED', message: 'net::ERR_CONNECTION_REFUSED' },
    });
    expect(failed.responseBody).toBeNull();
    expect(text(failed.requestBody?.bytes)).toBe('event=buy');
  });

  it('reads a WebSocket with its messages', () => {
    expect(socket.flow).toMatchObject({ kind: 'websocket', scheme: 'wss', port: 443, path: '/live?v=2', statusCode: 101 });
    expect(socket.flow.timings.wsAccepted).toBe(socket.flow.timings.responseHeaders);
    expect(socket.messages.map((m) => [m.seq, m.direction, m.type, m.size, m.flowId])).toEqual([
      [0, 'client-to-server', 'text', 22, 0],
      [1, 'server-to-client', 'text', 46, 0],
      [2, 'server-to-client', 'binary', 6, 0],
    ]);
    expect(text(socket.messages[0]!.payload)).toBe('{"subscribe":"prices"}');
    expect(text(socket.messages[1]!.payload)).toBe('{"sku":"TEA-042","price":4.5,"currency":"€"}');
    expect([...socket.messages[2]!.payload]).toEqual([0, 1, 2, 3, 4, 0xff]);
    expect(socket.messages[0]!.time).toBeCloseTo(1715595664512.345, 2);
  });
});

describe('HAR import of a Firefox export', () => {
  const records = parseHar(fixture('firefox.har'));
  const [login, api, avatar, notModified] = records as [FlowRecord, FlowRecord, FlowRecord, FlowRecord];

  it('reads every entry, with local times and their offsets', () => {
    expect(records.map((r) => `${r.flow.method} ${r.flow.url} ${r.flow.statusCode}`)).toEqual([
      'POST https://forum.example.org/login?next=%2Fhome 302',
      'GET https://forum.example.org/api/threads?tag=caf%C3%A9&page=1 200',
      'GET http://static.example.org/avatar/ann.png 200',
      'GET http://static.example.org/avatar/ann.png 304',
    ]);
    expect(login.flow.startedAt).toBe(Date.UTC(2024, 4, 13, 10, 30, 10, 408));
    expect(login.flow.durationMs).toBe(133);
    expect(login.flow.timings.responseHeaders! - login.flow.startedAt).toBe(132);
  });

  it('reads a form POST as the text it sent', () => {
    expect(text(login.requestBody?.bytes)).toBe('user=ann+lee&password=p%40ss+w0rd%21&keep=on');
    expect(login.flow).toMatchObject({ httpVersion: '2.0', statusMessage: 'Found', serverIp: '198.51.100.7', clientPort: null });
    expect(login.flow.requestBody).toMatchObject({ wireSize: 44, contentType: 'application/x-www-form-urlencoded' });
    expect(login.flow.responseHeaders).toContainEqual(['set-cookie', 'sid=Qm9vdHM; Path=/; Secure; HttpOnly; SameSite=Lax']);
    // The redirect had an empty body: known to be empty, not left out.
    expect(login.responseBody).toBeNull();
    expect(login.flow.responseBody).toMatchObject({ wireSize: 0, capturedSize: 0, truncated: false });
  });

  it('reads JSON, base64 images and a 304', () => {
    expect(JSON.parse(text(api.responseBody?.bytes))).toEqual({ threads: [{ id: 1, title: 'Café au lait' }], next: null });
    expect(api.flow.responseBody).toMatchObject({ contentType: 'application/json; charset=utf-8', contentEncoding: null });
    expect([...avatar.responseBody!.bytes.slice(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(avatar.flow).toMatchObject({ scheme: 'http', port: 80, httpVersion: '1.1' });
    expect(avatar.flow.timings.dns! - avatar.flow.startedAt).toBe(6);
    expect(notModified.flow).toMatchObject({ statusCode: 304, statusMessage: 'Not Modified', error: null });
    expect(notModified.responseBody).toBeNull();
  });
});

describe('HAR import of an HTTP Toolkit export', () => {
  const records = parseHar(fixture('httptoolkit.har'));
  const [graphql, upload, download, aborted, chat] = records as [FlowRecord, FlowRecord, FlowRecord, FlowRecord, FlowRecord];

  it('reads every entry', () => {
    expect(records.map((r) => `${r.flow.method} ${r.flow.url} ${r.flow.statusCode}`)).toEqual([
      'POST http://localhost:3000/graphql 200',
      'PUT http://localhost:3000/upload/blob.bin 204',
      'GET https://downloads.example.com/big.iso?mirror=eu 200',
      'GET http://localhost:3000/slow null',
      'GET ws://localhost:8080/chat 101',
    ]);
  });

  it('keeps lower-case header names and reads the phases it timed', () => {
    expect(graphql.flow.requestHeaders).toEqual([
      ['content-type', 'application/json'], ['x-api-key', 'k-12345'], ['accept', '*/*'], ['content-length', '48'],
      ['user-agent', 'node-fetch'], ['host', 'localhost:3000'],
    ]);
    expect(text(graphql.requestBody?.bytes)).toBe('{"query":"{ user(id: 1) { name } }","vars":null}');
    expect(text(graphql.responseBody?.bytes)).toBe('{"data":{"user":{"name":"Ann"}}}');
    const t = graphql.flow.timings;
    expect([t.dns, t.connect]).toEqual([null, null]);
    expect(t.requestBodyReceived! - t.start).toBeCloseTo(1.2, 3);
    expect(t.end! - t.start).toBeCloseTo(45.3, 3);
    expect(graphql.flow.startedAt).toBe(Date.UTC(2024, 4, 13, 10, 2, 44, 871));
  });

  it('reads a binary request body from _content', () => {
    expect([...upload.requestBody!.bytes]).toEqual([0, 1, 2, 3, 4, 0xff]);
    expect(upload.flow.statusCode).toBe(204);
    expect(upload.responseBody).toBeNull();
  });

  it('keeps the size of a body the file left out, and marks it as not there', () => {
    expect(download.responseBody).toBeNull();
    expect(download.flow.responseBody).toEqual({
      wireSize: 1048576, decodedSize: 1048576, capturedSize: 0, truncated: true, dropped: false,
      contentType: 'application/x-iso9660-image', contentEncoding: null,
    });
  });

  it('gives an aborted request an error, so it does not look pending', () => {
    expect(aborted.flow.statusCode).toBeNull();
    expect(aborted.flow.error).toEqual({ type: 'OTHER', message: 'The imported file has no response for this request.' });
    expect(aborted.flow.durationMs).toBe(5001.5);
  });

  it('reads a WebSocket with its messages and when it closed', () => {
    expect(chat.flow).toMatchObject({ kind: 'websocket', scheme: 'ws', host: 'localhost', port: 8080 });
    expect(chat.messages.map((m) => [m.direction, m.type])).toEqual([
      ['client-to-server', 'text'], ['server-to-client', 'text'], ['server-to-client', 'binary'],
    ]);
    expect(text(chat.messages[0]!.payload)).toBe('hello from the client');
    expect(text(chat.messages[1]!.payload)).toBe('echo: hello from the client');
    expect([...chat.messages[2]!.payload]).toEqual([0xde, 0xad, 0xbe, 0xef]);
    expect(chat.flow.timings.wsClosed).toBe(1715594570250);
  });
});

describe('HAR import tolerance', () => {
  it('reads an entry with nothing but the request, and says it has no response', () => {
    const [record] = parseHar(har(minimal));
    expect(record!.flow).toMatchObject({
      method: 'GET', url: 'http://example.com/', path: '/', port: 80, httpVersion: '1.1', requestHeaders: [],
      statusCode: null, responseHeaders: null, endedAt: null, durationMs: null,
    });
    expect(record!.flow.error?.type).toBe('OTHER');
  });

  it('takes negative sizes, offsets without a colon, a byte order mark, and vendor fields', () => {
    const entry = {
      ...minimal,
      startedDateTime: '2024-05-13T12:00:00.000+0200',
      _initiator: { type: 'other' },
      _priority: 'High',
      request: { ...minimal.request, headers: [{ name: 'X-Num', value: 5 }, { value: 'no name' }], bodySize: -1, headersSize: -1 },
      response: { status: 200, statusText: 'OK', headers: [], content: { size: -1, mimeType: 'x-unknown' }, bodySize: -1 },
      timings: { blocked: -1, dns: -1, connect: -1, send: -1, wait: -1, receive: -1 },
    };
    const [record] = parseHar(`\uFEFF${har(entry)}`);
    expect(record!.flow.startedAt).toBe(Date.UTC(2024, 4, 13, 10));
    expect(record!.flow.requestHeaders).toEqual([['X-Num', '5']]);
    expect(record!.flow.responseBody).toMatchObject({ wireSize: 0, truncated: false, contentType: null });
  });

  it('rebuilds a form body from params when there is no text', () => {
    const entry = {
      ...minimal,
      request: { ...minimal.request, method: 'POST', postData: { mimeType: 'application/x-www-form-urlencoded', params: [{ name: 'a b', value: 'c&d' }, { name: 'e' }] } },
    };
    expect(text(parseHar(har(entry))[0]!.requestBody?.bytes)).toBe('a+b=c%26d&e=');
    // Multipart params without text cannot be turned back into the body that was sent.
    const multipart = { ...entry, request: { ...entry.request, postData: { mimeType: 'multipart/form-data; boundary=x', params: [{ name: 'f', fileName: 'a.txt' }] } } };
    expect(parseHar(har(multipart))[0]!.requestBody).toBeNull();
  });

  it('keeps the id of a flow exported by Flowscope as a tag', () => {
    const [record] = parseHar(har({ ...minimal, _flowscope: { id: 812, source: 'capture', tags: ['engine:1'] } }));
    expect(record!.flow.tags).toEqual(['imported-id:812']);
    expect(record!.flow.source).toBe('import');
  });
});

describe('HAR import errors say what is wrong and where', () => {
  it('points at the line and column where a file stops being JSON', () => {
    const error = importError('{\n  "log": {\n    "entries": [\n      {"request": x}\n    ]\n  }\n}');
    expect(error.message).toBe("The file is not JSON: unexpected 'x' at line 4, column 19.");
    expect(error.location).toBe('line 4, column 19');
    expect(importError('{"log": {"entries": [').message).toMatch(/^The file is not JSON: the text ends before the JSON does at line 1, column 22\.$/);
  });

  it('says when JSON is not HAR', () => {
    expect(importError('{"hello": 1}').message).toBe('The file is JSON but not a HAR file: it has no "log" object.');
    expect(importError('{"log": {}}').message).toBe('The HAR file has no log.entries list.');
  });

  it.each([
    [{ startedDateTime: minimal.startedDateTime }, 'request is missing.'],
    [{ ...minimal, request: { url: 'http://example.com/' } }, 'request.method is missing.'],
    [{ ...minimal, request: { method: 'GET' } }, 'request.url is missing.'],
    [{ ...minimal, request: { method: 'GET', url: 'not a url' } }, 'request.url "not a url" is not a URL.'],
    [{ request: minimal.request }, 'startedDateTime is missing.'],
    [{ ...minimal, startedDateTime: 'last tuesday' }, 'startedDateTime "last tuesday" is not a date.'],
    [{ ...minimal, response: { status: 200, content: { text: '***', encoding: 'base64' } } }, 'response.content.text is marked base64 but is not: This is not base64: "*" at position 1.'],
    [{ ...minimal, response: { status: 200, content: { text: 'x', encoding: 'quoted-printable' } } }, 'response.content.encoding "quoted-printable" is not supported: HAR bodies are text or base64.'],
    [{ ...minimal, _webSocketMessages: [{ type: 'send', time: 1, opcode: 0, data: '' }] }, '_webSocketMessages[0].opcode 0 is not a WebSocket message type (1 text, 2 binary, 8 close, 9 ping, 10 pong).'],
    [{ ...minimal, _webSocketMessages: [{ type: 'up', time: 1, opcode: 1, data: '' }] }, '_webSocketMessages[0].type must be "send" or "receive".'],
  ])('refuses entry 3 when %j', (entry, problem) => {
    const error = importError(har(minimal, minimal, entry));
    expect(error.message).toBe(`HAR entry 3 (log.entries[2]): ${problem}`);
    expect(error.location).toBe('log.entries[2]');
  });
});
