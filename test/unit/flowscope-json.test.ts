import { describe, expect, it } from 'vitest';
import { detectFormat, parseJsonLine, toJsonLine } from '../../src-shared/har/flowscope-json.js';
import { ImportFormatError } from '../../src-shared/har/import-error.js';
import { harDocumentParts, harEntry } from '../../src-shared/har/to-har.js';
import type { FlowRecord } from '../../src-shared/model/transfer.js';
import { bodyInfo, failedRecord, httpRecord, webSocketRecord } from '../helpers/flow-records.js';

/** A record with everything that could get lost: binary, still-encoded and cut bodies, replay fields, no TLS. */
function awkwardRecord(): FlowRecord {
  return httpRecord({
    requestBody: { bytes: new Uint8Array([0, 0xff, 0x80, 0x0a]), encoding: null, truncated: true },
    responseBody: { bytes: new Uint8Array([0x1f, 0x8b, 8, 0]), encoding: 'gzip', truncated: false },
  }, {
    source: 'replay',
    replayOf: 41,
    tls: null,
    clientIp: '::ffff:10.0.0.2',
    statusMessage: '',
    tags: [],
    requestBody: bodyInfo(9000, null, { capturedSize: 4, truncated: true, decodedSize: null }),
    responseBody: bodyInfo(4, 'text/html', { contentEncoding: 'gzip', decodedSize: null, dropped: false }),
    error: { type: 'ABORTED', message: 'The client went away.' },
  });
}

function lineError(line: string, lineNumber = 12): ImportFormatError {
  try {
    parseJsonLine(line, lineNumber);
  } catch (error) {
    expect(error).toBeInstanceOf(ImportFormatError);
    return error as ImportFormatError;
  }
  throw new Error('parseJsonLine accepted the line');
}

/** A valid line, changed by `edit` on its parsed JSON. */
function edited(edit: (line: { flow: Record<string, unknown>; [key: string]: unknown }) => void): string {
  const line = JSON.parse(toJsonLine(httpRecord())) as { flow: Record<string, unknown> };
  edit(line);
  return JSON.stringify(line);
}

describe('Flowscope JSON lines', () => {
  it.each([
    ['an HTTP flow', httpRecord()],
    ['a failed flow', failedRecord()],
    ['a WebSocket flow', webSocketRecord()],
    ['binary, still-encoded and cut bodies of a replay', awkwardRecord()],
  ])('give back %s exactly', (_, record) => {
    const line = toJsonLine(record);
    expect(line).not.toContain('\n');
    expect(line.startsWith('{"flowscope":1,')).toBe(true);
    expect(parseJsonLine(line, 1)).toEqual(record);
  });

  it('keep the payload of each message in base64', () => {
    const line = JSON.parse(toJsonLine(webSocketRecord())) as { messages: Array<{ base64: string; payload?: unknown }> };
    expect(line.messages[1]).toMatchObject({ base64: 'AAEC/v8=' });
    expect(line.messages[1]!.payload).toBeUndefined();
  });

  it('say which line and which field is wrong', () => {
    expect(lineError(edited((l) => delete l.flow.method)).message).toBe('Line 12: flow.method is missing.');
    expect(lineError(edited((l) => (l.flow.port = '443'))).message).toBe('Line 12: flow.port must be a whole number.');
    expect(lineError(edited((l) => (l.flow.kind = 'ftp'))).message).toBe('Line 12: flow.kind must be one of "http", "websocket".');
    expect(lineError(edited((l) => (l.flow.requestHeaders = [['Host']]))).message).toBe('Line 12: flow.requestHeaders[0] must be a [name, value] pair.');
    expect(lineError(edited((l) => ((l.flow.timings as Record<string, unknown>).end = 'soon'))).message).toBe('Line 12: flow.timings.end must be a number.');
    expect(lineError(edited((l) => (l.responseBody = { base64: '%%', encoding: null, truncated: false }))).message)
      .toBe('Line 12: responseBody.base64 is not base64: This is not base64: "%" at position 1.');
    expect(lineError(edited((l) => delete l.messages)).message).toBe('Line 12: messages is missing.');
    const error = lineError('{"flowscope":1,"flow":', 7);
    expect(error.message).toBe('Line 7: this line is not JSON: the text ends before the JSON does at column 23.');
    expect(error.location).toBe('line 7');
  });

  it('refuse lines from a newer Flowscope instead of guessing', () => {
    expect(lineError(edited((l) => (l.flowscope = 2))).message).toBe('Line 12: flowscope is 2: the file was written by a newer Flowscope (this one reads format 1).');
    expect(lineError('{"log":{}}').message).toBe('Line 12: flowscope must be 1 (the format of a Flowscope JSON line).');
  });
});

describe('detectFormat', () => {
  const { head, tail } = harDocumentParts({ name: 'Flowscope', version: '1' });
  const compactHar = head + JSON.stringify(harEntry(httpRecord(), { redact: false })) + tail;

  it('knows a HAR file, compact or pretty, with or without a byte order mark', () => {
    expect(detectFormat(compactHar)).toBe('har');
    expect(detectFormat(JSON.stringify(JSON.parse(compactHar), null, 2))).toBe('har');
    expect(detectFormat(`\uFEFF\n  ${JSON.stringify(JSON.parse(compactHar), null, 4)}`)).toBe('har');
  });

  it('knows Flowscope JSON', () => {
    expect(detectFormat([httpRecord(), webSocketRecord()].map(toJsonLine).join('\n'))).toBe('json');
    expect(detectFormat(`${toJsonLine(httpRecord())}\n`)).toBe('json');
  });

  it.each([[''], ['hello'], ['[1,2]'], ['{"name":"package"}'], ['{\n  "name": "package"\n}'], ['<html></html>']])('refuses %j', (text) => {
    expect(() => detectFormat(text)).toThrow(ImportFormatError);
    expect(() => detectFormat(text)).toThrow('The file is neither a HAR file nor Flowscope JSON.');
  });
});
