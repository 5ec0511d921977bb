import type { Entry, Har } from 'har-format';
import { describe, expect, it } from 'vitest';
import { parseHar } from '../../src-shared/har/from-har.js';
import { REDACTED, isSecretHeader, redactHeaders } from '../../src-shared/har/redact.js';
import { harDocumentParts, harEntry } from '../../src-shared/har/to-har.js';
import type { FlowRecord } from '../../src-shared/model/transfer.js';
import { STARTED, bodyInfo, failedRecord, httpRecord, utf8, webSocketRecord } from '../helpers/flow-records.js';
import { validateHar } from '../helpers/har-schema.js';

/** A HAR document as main streams it: head, entries joined by the separator, tail. */
function harDocument(records: FlowRecord[], redact = false): string {
  const { head, separator, tail } = harDocumentParts({ name: 'Flowscope', version: '0.1.0' });
  return head + records.map((r) => JSON.stringify(harEntry(r, { redact }))).join(separator) + tail;
}

/** The entry as a reader of the file sees it (JSON, not our objects). */
function exported(record: FlowRecord, redact = false): Entry {
  const doc = JSON.parse(harDocument([record], redact)) as Har;
  expect(validateHar(doc)).toEqual([]);
  return doc.log.entries[0]!;
}

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0xff, 0xfe]);

describe('HAR export', () => {
  it('writes a valid HAR 1.2 document around any number of entries', () => {
    for (const records of [[], [httpRecord()], [httpRecord(), failedRecord(), webSocketRecord()]]) {
      const doc = JSON.parse(harDocument(records)) as Har;
      expect(validateHar(doc)).toEqual([]);
      expect(doc.log.version).toBe('1.2');
      expect(doc.log.creator).toEqual({ name: 'Flowscope', version: '0.1.0' });
      expect(doc.log.entries).toHaveLength(records.length);
    }
    const { head } = harDocumentParts({ name: 'Flow "scope"', version: '1' });
    expect(JSON.parse(`${head}]}}`).log.creator.name).toBe('Flow "scope"');
  });

  it('is checked by a schema test that does catch broken HAR', () => {
    const doc = JSON.parse(harDocument([httpRecord()])) as { log: { entries: Array<{ response: { status?: number }; startedDateTime: string; serverIPAddress: string }> } };
    const entry = doc.log.entries[0]!;
    delete entry.response.status;
    entry.startedDateTime = 'yesterday';
    entry.serverIPAddress = 'not-an-ip';
    expect(validateHar(doc)).toEqual(expect.arrayContaining([
      "/log/entries/0/response must have required property 'status'",
      expect.stringMatching(/^\/log\/entries\/0\/startedDateTime must match/),
      expect.stringMatching(/^\/log\/entries\/0\/serverIPAddress must match format/),
    ]));
  });

  it('writes a text exchange as browsers do: request, response, cookies, query, timings', () => {
    const entry = exported(httpRecord());
    expect(entry.startedDateTime).toBe('2026-03-14T09:30:15.250Z');
    expect(entry.time).toBe(120.5);
    expect(entry.request).toMatchObject({
      method: 'POST',
      url: 'https://api.example.com:8443/v1/items?q=a%20b&page=2',
      httpVersion: 'HTTP/1.1',
      queryString: [{ name: 'q', value: 'a b' }, { name: 'page', value: '2' }],
      cookies: [{ name: 'session', value: 'abc123' }, { name: 'theme', value: 'dark' }],
      headersSize: -1,
      bodySize: 16,
      postData: { mimeType: 'application/json', text: '{"name":"café"}' },
    });
    expect(entry.request.headers[2]).toEqual({ name: 'Cookie', value: 'session=abc123; theme=dark' });
    expect(entry.response).toMatchObject({
      status: 201,
      statusText: 'Created',
      httpVersion: 'HTTP/1.1',
      redirectURL: '/v1/items/7',
      bodySize: 9,
      content: { size: 9, mimeType: 'application/json; charset=utf-8', text: '{"id":7}\n' },
    });
    expect(entry.response.content.encoding).toBeUndefined();
    expect(entry.response.cookies).toEqual([{
      name: 'session', value: 'def456', path: '/', httpOnly: true, secure: true, sameSite: 'Lax',
      expires: new Date(STARTED + 3_600_000).toISOString(),
    }]);
    expect(entry.timings).toEqual({ blocked: -1, dns: 2, connect: 8, ssl: -1, send: 2.5, wait: 87.5, receive: 20.5 });
    expect(entry.serverIPAddress).toBe('93.184.216.34');
    expect(entry.connection).toBe('52344');
    expect(entry._flowscope).toMatchObject({ id: 42, source: 'capture', replayOf: null, error: null, tags: ['engine:abc'] });
  });

  it('writes bodies that are not UTF-8 text as base64', () => {
    const record = httpRecord({
      requestBody: { bytes: PNG, encoding: null, truncated: false },
      responseBody: { bytes: PNG, encoding: null, truncated: false },
    }, { responseHeaders: [['Content-Type', 'image/png']] });
    const entry = exported(record);
    expect(entry.response.content).toEqual({ size: PNG.length, mimeType: 'image/png', text: Buffer.from(PNG).toString('base64'), encoding: 'base64' });
    expect(entry.request.postData).toMatchObject({ text: Buffer.from(PNG).toString('base64'), encoding: 'base64' });
  });

  it('says when a body is still content-encoded or was cut short', () => {
    const gzip = new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0x01]);
    const record = httpRecord({
      requestBody: { bytes: utf8('x'.repeat(1024)), encoding: null, truncated: true },
      responseBody: { bytes: gzip, encoding: 'gzip', truncated: false },
    }, {
      requestBody: bodyInfo(5000, 'text/plain', { capturedSize: 1024, truncated: true, decodedSize: null }),
      responseBody: bodyInfo(5, 'text/html', { contentEncoding: 'gzip', decodedSize: null }),
    });
    const entry = exported(record);
    expect(entry.response.content.encoding).toBe('base64');
    expect(entry.response.content.text).toBe(Buffer.from(gzip).toString('base64'));
    expect(entry.response.content.comment).toMatch(/still content-encoded with gzip/i);
    expect(entry.request.postData?.comment).toMatch(/cut at 1024 of 5000 bytes/i);
    expect(entry.request.postData?.text).toBe('x'.repeat(1024));
  });

  it('writes a failed flow with status 0 and the error, as Chrome does', () => {
    const entry = exported(failedRecord());
    expect(entry.response).toMatchObject({ status: 0, statusText: '', headers: [], bodySize: -1, _error: 'connect ECONNREFUSED 127.0.0.1:1' });
    expect(entry.response.comment).toContain('CONNECTION_REFUSED');
    expect(entry.request.postData).toBeUndefined();
    expect(entry._flowscope).toMatchObject({ error: { type: 'CONNECTION_REFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1' } });
  });

  it("writes WebSocket messages in Chrome's _webSocketMessages form", () => {
    const entry = exported(webSocketRecord());
    expect(entry._resourceType).toBe('websocket');
    expect(entry.response.status).toBe(101);
    expect(entry.serverIPAddress).toBe('::1');
    expect(entry._webSocketMessages).toEqual([
      { type: 'send', time: (STARTED + 200) / 1000, opcode: 1, data: 'hello "world" ✓' },
      { type: 'receive', time: (STARTED + 210.5) / 1000, opcode: 2, data: 'AAEC/v8=' },
      { type: 'receive', time: (STARTED + 221) / 1000, opcode: 9, data: 'cA==' },
      { type: 'send', time: (STARTED + 231.5) / 1000, opcode: 10, data: 'cA==' },
      // The close frame as on the wire: code 1000 (0x03e8), then the reason.
      { type: 'send', time: (STARTED + 242) / 1000, opcode: 8, data: Buffer.from([0x03, 0xe8, ...Buffer.from('bye')]).toString('base64') },
    ]);
  });

  it('names HTTP/2 as browsers do and keeps its pseudo-headers', () => {
    const entry = exported(httpRecord({}, {
      httpVersion: '2.0',
      requestHeaders: [[':method', 'POST'], [':authority', 'api.example.com:8443'], [':path', '/v1/items?q=a%20b&page=2'], ['content-type', 'application/json']],
    }));
    expect(entry.request.httpVersion).toBe('HTTP/2');
    expect(entry.response.httpVersion).toBe('HTTP/2');
    expect(entry.request.headers.map((h) => h.name)).toEqual([':method', ':authority', ':path', 'content-type']);
  });

  it('shows a form body both as text and as params', () => {
    const entry = exported(httpRecord({ requestBody: { bytes: utf8('user=ann+lee&city=K%C3%B6ln'), encoding: null, truncated: false } }, {
      requestHeaders: [['Content-Type', 'application/x-www-form-urlencoded']],
    }));
    expect(entry.request.postData).toMatchObject({
      mimeType: 'application/x-www-form-urlencoded',
      text: 'user=ann+lee&city=K%C3%B6ln',
      params: [{ name: 'user', value: 'ann lee' }, { name: 'city', value: 'Köln' }],
    });
  });
});

describe('HAR export with secrets redacted', () => {
  const secretRecord = httpRecord({ requestBody: { bytes: utf8('user=ann&client_secret=s3cr3t-form'), encoding: null, truncated: false } }, {
    url: 'https://api.example.com/v1?q=1&access_token=s3cr3t-query',
    requestHeaders: [
      ['Host', 'api.example.com'],
      ['Authorization', 'Bearer s3cr3t-bearer'],
      ['Cookie', 'session=s3cr3t-cookie'],
      ['X-Api-Key', 's3cr3t-apikey'],
      ['X-CSRF-Token', 's3cr3t-csrf'],
      ['Content-Type', 'application/x-www-form-urlencoded'],
      ['Accept', 'application/json'],
    ],
    responseHeaders: [['Set-Cookie', 'session=s3cr3t-set; HttpOnly'], ['X-Client-Secret', 's3cr3t-response'], ['Content-Type', 'application/json']],
  });

  it('leaves no secret anywhere in the file, and keeps the header names and order', () => {
    const text = harDocument([secretRecord], true);
    expect(text).not.toMatch(/s3cr3t/);
    const entry = (JSON.parse(text) as Har).log.entries[0]!;
    expect(validateHar(JSON.parse(text))).toEqual([]);
    expect(entry.request.headers).toEqual([
      { name: 'Host', value: 'api.example.com' },
      { name: 'Authorization', value: REDACTED },
      { name: 'Cookie', value: REDACTED },
      { name: 'X-Api-Key', value: REDACTED },
      { name: 'X-CSRF-Token', value: REDACTED },
      { name: 'Content-Type', value: 'application/x-www-form-urlencoded' },
      { name: 'Accept', value: 'application/json' },
    ]);
    expect(entry.request.cookies).toEqual([]);
    expect(entry.response.cookies).toEqual([]);
    expect(entry.response.headers.map((h) => h.value)).toEqual([REDACTED, REDACTED, 'application/json']);
    expect(entry.request.url).toBe('https://api.example.com/v1?q=1&access_token=%5Bredacted%5D');
    expect(entry.request.queryString).toEqual([{ name: 'q', value: '1' }, { name: 'access_token', value: REDACTED }]);
    expect(entry.request.postData?.params).toEqual([{ name: 'user', value: 'ann' }, { name: 'client_secret', value: REDACTED }]);
  });

  it('keeps everything when not asked to redact', () => {
    const text = harDocument([secretRecord], false);
    for (const secret of ['s3cr3t-bearer', 's3cr3t-cookie', 's3cr3t-apikey', 's3cr3t-query', 's3cr3t-form', 's3cr3t-set']) {
      expect(text).toContain(secret);
    }
  });

  it.each([
    ['Authorization', true], ['proxy-authorization', true], ['COOKIE', true], ['Set-Cookie', true], ['X-Auth-Token', true],
    ['x-api-key', true], ['Apikey', true], ['api_key', true], ['X-Client-Secret', true],
    ['Content-Type', false], ['Accept', false], ['X-Request-Id', false], ['Cookie2-Info', false],
  ])('treats %s as secret: %s', (name, secret) => {
    expect(isSecretHeader(name)).toBe(secret);
  });

  it('redacts values only', () => {
    expect(redactHeaders([['Authorization', 'x'], ['Accept', '*/*']])).toEqual([['Authorization', REDACTED], ['Accept', '*/*']]);
  });
});

describe('HAR export read back by our import', () => {
  it('gives back the flows: request, response, bodies, messages, timings and the original id', () => {
    const records = [httpRecord(), failedRecord(), webSocketRecord()];
    const imported = parseHar(harDocument(records));
    expect(imported).toHaveLength(3);
    imported.forEach((back, i) => {
      const original = records[i]!;
      expect(back.flow).toMatchObject({
        id: 0,
        source: 'import',
        replayOf: null,
        tags: [`imported-id:${original.flow.id}`],
        kind: original.flow.kind,
        method: original.flow.method,
        url: original.flow.url,
        scheme: original.flow.scheme,
        host: original.flow.host,
        port: original.flow.port,
        path: original.flow.path,
        httpVersion: original.flow.httpVersion,
        statusCode: original.flow.statusCode,
        requestHeaders: original.flow.requestHeaders,
        responseHeaders: original.flow.responseHeaders,
        error: original.flow.error,
        timings: original.flow.timings,
        startedAt: original.flow.startedAt,
        durationMs: original.flow.durationMs,
      });
      expect(back.requestBody?.bytes ?? null).toEqual(original.requestBody?.bytes ?? null);
      expect(back.responseBody?.bytes ?? null).toEqual(original.responseBody?.bytes ?? null);
      expect(back.messages.map((m) => ({ ...m, flowId: 44 }))).toEqual(original.messages);
    });
  });
});
