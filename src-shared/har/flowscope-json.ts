/**
 * Flowscope JSON: one flow per line, every field of the model kept, bytes in base64, so an export
 * read back is the same flows (HAR cannot say everything a flow knows). Lines are independent, so
 * main can write and read files of any size one line at a time.
 */
import { TRAFFIC_CLASSES } from '../model/classify.js';
import { FLOW_ERROR_TYPES } from '../model/errors.js';
import type { BodyInfo, Flow, FlowTimings, WsMessage } from '../model/flow.js';
import type { FlowRecord, TransferBody } from '../model/transfer.js';
import { base64ToBytes, bytesToBase64 } from '../util/bytes.js';
import { isObject } from './har-fields.js';
import { findJsonProblem, ImportFormatError } from './import-error.js';

/** The version of the line format; a reader refuses newer ones instead of guessing. */
const FORMAT = 1;

export function toJsonLine(record: FlowRecord): string {
  const body = (b: TransferBody | null) => b && { base64: bytesToBase64(b.bytes), encoding: b.encoding, truncated: b.truncated };
  return JSON.stringify({
    flowscope: FORMAT,
    flow: record.flow,
    requestBody: body(record.requestBody),
    responseBody: body(record.responseBody),
    messages: record.messages.map(({ payload, ...message }) => ({ ...message, base64: bytesToBase64(payload) })),
  });
}

/** Which of our two import formats a file is in, from its start. */
export function detectFormat(text: string): 'har' | 'json' {
  const body = text.replace(/^\uFEFF/, '').trimStart();
  if (body.startsWith('{')) {
    const lineEnd = body.indexOf('\n');
    try {
      const first: unknown = JSON.parse(lineEnd === -1 ? body : body.slice(0, lineEnd));
      if (isObject(first) && 'flowscope' in first) return 'json';
      if (isObject(first) && 'log' in first) return 'har';
    } catch {
      // A HAR file written over many lines: its first line alone is not JSON.
    }
    if (/^\{\s*"log"\s*:/.test(body)) return 'har';
  }
  throw new ImportFormatError(
    'The file is neither a HAR file nor Flowscope JSON. A HAR file is one JSON object with a "log" property; '
      + 'Flowscope JSON has one {"flowscope":1,...} object per line.',
    'file',
  );
}

type Check = (value: unknown, path: string) => unknown;

class LineError extends Error {
  constructor(readonly path: string, readonly problem: string) {
    super(problem);
  }
}

const fail = (path: string, problem: string): never => {
  throw new LineError(path, problem);
};

const string: Check = (v, path) => (typeof v === 'string' ? v : fail(path, 'must be text.'));
const number: Check = (v, path) => (typeof v === 'number' && Number.isFinite(v) ? v : fail(path, 'must be a number.'));
const integer: Check = (v, path) => (Number.isInteger(v) ? v : fail(path, 'must be a whole number.'));
const boolean: Check = (v, path) => (typeof v === 'boolean' ? v : fail(path, 'must be true or false.'));
const nullable = (check: Check): Check => (v, path) => (v === null ? null : check(v, path));
const oneOf = (values: readonly string[]): Check => (v, path) =>
  (typeof v === 'string' && values.includes(v) ? v : fail(path, `must be one of ${values.map((x) => JSON.stringify(x)).join(', ')}.`));
const list = (check: Check): Check => (v, path) =>
  (Array.isArray(v) ? v.map((item, i) => check(item, `${path}[${i}]`)) : fail(path, 'must be a list.'));
const pair: Check = (v, path) => (Array.isArray(v) && v.length === 2 ? [string(v[0], `${path}[0]`), string(v[1], `${path}[1]`)] : fail(path, 'must be a [name, value] pair.'));
const base64: Check = (v, path) => {
  try {
    return base64ToBytes(string(v, path) as string);
  } catch (error) {
    return error instanceof LineError ? fail(error.path, error.problem) : fail(path, `is not base64: ${(error as Error).message}`);
  }
};

/** Checks each listed field and builds a new object of exactly those fields. */
function shape<T>(fields: { [K in keyof T]-?: Check }): Check {
  return (v, path) => {
    if (!isObject(v)) return fail(path, 'must be an object.');
    const result: Record<string, unknown> = {};
    for (const [key, check] of Object.entries(fields) as Array<[string, Check]>) {
      if (!(key in v)) fail(`${path}.${key}`, 'is missing.');
      result[key] = check(v[key], `${path}.${key}`);
    }
    return result as T;
  };
}

const headers = list(pair);

const bodyInfo = shape<BodyInfo>({
  wireSize: integer, decodedSize: nullable(integer), capturedSize: integer, truncated: boolean, dropped: boolean,
  contentType: nullable(string), contentEncoding: nullable(string),
});

const timings = shape<FlowTimings>({
  start: number, dns: nullable(number), connect: nullable(number), requestBodyReceived: nullable(number),
  responseHeaders: nullable(number), end: nullable(number), aborted: nullable(number), wsAccepted: nullable(number), wsClosed: nullable(number),
});

const flow = shape<Flow>({
  id: integer, kind: oneOf(['http', 'websocket']), startedAt: number, endedAt: nullable(number), durationMs: nullable(number),
  method: string, url: string, scheme: oneOf(['http', 'https', 'ws', 'wss']), host: string, port: integer, path: string,
  httpVersion: string, statusCode: nullable(integer), statusMessage: nullable(string),
  requestHeaders: headers, responseHeaders: nullable(headers), requestBody: bodyInfo, responseBody: nullable(bodyInfo),
  clientIp: nullable(string), clientPort: nullable(integer), serverIp: nullable(string), serverPort: nullable(integer),
  tls: nullable(shape({ sni: nullable(string), protocol: nullable(string) })),
  error: nullable(shape({ type: oneOf(FLOW_ERROR_TYPES), message: string })),
  timings, tags: list(string), source: oneOf(['capture', 'replay', 'import']), replayOf: nullable(integer),
  trafficClass: oneOf(TRAFFIC_CLASSES), blockedBy: nullable(string), upstreamProxy: nullable(string),
});

const transferBody: Check = (v, path) => {
  if (v === null) return null;
  const body = shape<{ base64: Uint8Array; encoding: string | null; truncated: boolean }>({
    base64, encoding: nullable(string), truncated: boolean,
  })(v, path) as { base64: Uint8Array; encoding: string | null; truncated: boolean };
  return { bytes: body.base64, encoding: body.encoding, truncated: body.truncated };
};

const message: Check = (v, path) => {
  const { base64: payload, ...rest } = shape<Omit<WsMessage, 'payload'> & { base64: Uint8Array }>({
    flowId: integer, seq: integer, direction: oneOf(['client-to-server', 'server-to-client']),
    type: oneOf(['text', 'binary', 'ping', 'pong', 'close']), time: number, size: integer, base64, truncated: boolean,
    closeCode: nullable(integer), closeReason: nullable(string),
  })(v, path) as Omit<WsMessage, 'payload'> & { base64: Uint8Array };
  return { ...rest, payload };
};

/** One line of a Flowscope JSON file; lineNumber (from 1) is for the error message. */
export function parseJsonLine(line: string, lineNumber: number): FlowRecord {
  const where = `line ${lineNumber}`;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    const found = findJsonProblem(line);
    const problem = found ? `${found.problem} at column ${found.column}` : (error as Error).message;
    throw new ImportFormatError(`Line ${lineNumber}: this line is not JSON: ${problem}.`, where);
  }
  try {
    if (!isObject(value)) fail('the line', 'must be a JSON object.');
    const record = value as Record<string, unknown>;
    if (record.flowscope !== FORMAT) {
      if (typeof record.flowscope === 'number' && record.flowscope > FORMAT) {
        fail('flowscope', `is ${record.flowscope}: the file was written by a newer Flowscope (this one reads format ${FORMAT}).`);
      }
      fail('flowscope', `must be ${FORMAT} (the format of a Flowscope JSON line).`);
    }
    for (const key of ['flow', 'requestBody', 'responseBody', 'messages']) {
      if (!(key in record)) fail(key, 'is missing.');
    }
    return {
      flow: flow(record.flow, 'flow') as Flow,
      requestBody: transferBody(record.requestBody, 'requestBody') as TransferBody | null,
      responseBody: transferBody(record.responseBody, 'responseBody') as TransferBody | null,
      messages: list(message)(record.messages, 'messages') as WsMessage[],
    };
  } catch (error) {
    if (error instanceof LineError) throw new ImportFormatError(`Line ${lineNumber}: ${error.path} ${error.problem}`, where);
    throw error;
  }
}
