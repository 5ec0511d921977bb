/**
 * HAR files (Chrome, Firefox, HTTP Toolkit, Flowscope) to flow records for the store. Tolerant of
 * what real exporters write (sizes of -1, missing optional fields, offsets in dates, HTTP/2
 * pseudo-headers, vendor `_fields`), strict about what would make a flow meaningless: no request,
 * no method, no URL, a URL or date that cannot be read. Entries for URLs that are not network
 * traffic (data:, blob:, chrome-extension:, ...) are left out, as Chrome leaves them in its files.
 */
import { classifyTraffic } from '../model/classify.js';
import type { Flow, FlowScheme, FlowTimings, WsMessage } from '../model/flow.js';
import type { FlowRecord, TransferBody } from '../model/transfer.js';
import { base64ToBytes, utf8DecodeLenient } from '../util/bytes.js';
import { headerValue } from '../util/headers.js';
import { parseUrl, utf8Encode } from '../util/web-globals.js';
import {
  bodyExtras, bodyInfo, flowError, flowHttpVersion, flowTimings, formBody, headers, isObject, mimeType, type JsonObject,
} from './har-fields.js';
import { findJsonProblem, ImportFormatError } from './import-error.js';

const SCHEMES = new Set(['http', 'https', 'ws', 'wss']);

export function parseHar(text: string): FlowRecord[] {
  const doc = parseJsonDocument(text);
  const log = isObject(doc) ? doc.log : undefined;
  if (!isObject(log)) throw new ImportFormatError('The file is JSON but not a HAR file: it has no "log" object.', 'log');
  if (!Array.isArray(log.entries)) throw new ImportFormatError('The HAR file has no log.entries list.', 'log.entries');
  const records: FlowRecord[] = [];
  log.entries.forEach((entry: unknown, index) => {
    const record = new EntryReader(index).read(entry);
    if (record) records.push(record);
  });
  return records;
}

/** JSON.parse with an ImportFormatError that says where the file stops being JSON. */
export function parseJsonDocument(text: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    const found = findJsonProblem(text.replace(/^\uFEFF/, ''));
    if (!found) throw new ImportFormatError(`The file is not JSON: ${(error as Error).message}.`, 'file');
    const where = `line ${found.line}, column ${found.column}`;
    throw new ImportFormatError(`The file is not JSON: ${found.problem} at ${where}.`, where);
  }
}

class EntryReader {
  private readonly location: string;

  constructor(private readonly index: number) {
    this.location = `log.entries[${index}]`;
  }

  private fail(problem: string): never {
    throw new ImportFormatError(`HAR entry ${this.index + 1} (${this.location}): ${problem}`, this.location);
  }

  read(entry: unknown): FlowRecord | null {
    if (!isObject(entry)) this.fail('it is not an object.');
    const request = entry.request;
    if (!isObject(request)) this.fail('request is missing.');
    const method = request.method;
    if (typeof method !== 'string' || method === '') this.fail('request.method is missing.');
    const url = request.url;
    if (typeof url !== 'string' || url === '') this.fail('request.url is missing.');
    let parsed: ReturnType<typeof parseUrl>;
    try {
      parsed = parseUrl(url);
    } catch {
      this.fail(`request.url ${JSON.stringify(url)} is not a URL.`);
    }
    const protocol = parsed.protocol.slice(0, -1);
    if (!SCHEMES.has(protocol)) return null;
    if (typeof entry.startedDateTime !== 'string') this.fail('startedDateTime is missing.');
    const start = Date.parse(entry.startedDateTime);
    if (Number.isNaN(start)) this.fail(`startedDateTime ${JSON.stringify(entry.startedDateTime)} is not a date.`);

    const response = isObject(entry.response) ? entry.response : null;
    const status = typeof response?.status === 'number' && response.status > 0 ? Math.trunc(response.status) : null;
    const messages = entry._webSocketMessages;
    const kind: Flow['kind'] = entry._resourceType === 'websocket' || Array.isArray(messages) ? 'websocket' : 'http';
    const extras = isObject(entry._flowscope) ? entry._flowscope : null;
    const requestHeaders = headers(request.headers);
    const responseHeaders = status === null ? null : headers(response?.headers);
    const timings = flowTimings(extras?.timings) ?? this.timings(entry, start, status !== null, kind);

    const content = isObject(response?.content) ? response.content : null;
    const requestBytes = this.requestBytes(request);
    const responseBytes = status === null ? null : this.responseBytes(content);
    const requestBody = this.body(requestBytes, bodyExtras(extras?.requestBody));
    const responseBody = this.body(responseBytes, bodyExtras(extras?.responseBody));
    const scheme = (kind === 'websocket' && !protocol.startsWith('ws') ? (protocol === 'https' ? 'wss' : 'ws') : protocol) as FlowScheme;
    const port = parsed.port ? Number(parsed.port) : scheme === 'https' || scheme === 'wss' ? 443 : 80;
    const requestType = headerValue(requestHeaders, 'content-type') ?? mimeType(isObject(request.postData) ? request.postData.mimeType : null);
    const responseType = headerValue(responseHeaders, 'content-type') ?? mimeType(content?.mimeType);
    const serverIp = typeof entry.serverIPAddress === 'string' && entry.serverIPAddress !== '' ? entry.serverIPAddress.replace(/^\[|\]$/g, '') : null;

    const flow: Flow = {
      id: 0,
      kind,
      startedAt: start,
      endedAt: timings.end,
      durationMs: timings.end === null ? null : timings.end - start,
      method,
      url,
      scheme,
      host: parsed.hostname,
      port,
      path: parsed.pathname + parsed.search,
      httpVersion: flowHttpVersion(request.httpVersion) ?? flowHttpVersion(response?.httpVersion) ?? '1.1',
      statusCode: status,
      statusMessage: status === null ? null : typeof response?.statusText === 'string' ? response.statusText : '',
      requestHeaders,
      responseHeaders,
      requestBody: bodyInfo(requestBody, requestBytes !== null, requestType, request.bodySize, null),
      responseBody: status === null ? null : bodyInfo(responseBody, responseBytes !== null, responseType, response?.bodySize, content?.size),
      clientIp: null,
      clientPort: extras && typeof entry.connection === 'string' && /^\d+$/.test(entry.connection) ? Number(entry.connection) : null,
      serverIp,
      serverPort: serverIp === null ? null : port,
      tls: null,
      error: flowError(extras?.error, response, status),
      timings,
      tags: extras && Number.isInteger(extras.id) ? [`imported-id:${String(extras.id)}`] : [],
      source: 'import',
      replayOf: null,
      trafficClass: classifyTraffic({
        host: parsed.hostname, path: parsed.pathname + parsed.search, requestBody: requestBody?.bytes ?? null, requestContentType: requestType,
      }),
      blockedBy: null,
      upstreamProxy: null,
    };
    return { flow, requestBody, responseBody, messages: Array.isArray(messages) ? messages.map((m, i) => this.message(m, i)) : [] };
  }

  /** Timing events from HAR's phases, laid end to end from startedDateTime. */
  private timings(entry: JsonObject, start: number, answered: boolean, kind: Flow['kind']): FlowTimings {
    const phases = isObject(entry.timings) ? entry.timings : {};
    const phase = (name: string): number | null => {
      const value = phases[name];
      return typeof value === 'number' && value >= 0 ? value : null;
    };
    let cursor = start + (phase('blocked') ?? 0);
    const after = (length: number | null): number | null => (length === null ? null : (cursor += length));
    const dns = after(phase('dns'));
    const connect = after(phase('connect'));
    const requestBodyReceived = after(phase('send'));
    const responseHeaders = answered ? after(phase('wait')) : null;
    const received = answered ? after(phase('receive')) : null;
    const total = typeof entry.time === 'number' && entry.time >= 0 ? start + entry.time : null;
    const close = isObject(entry._webSocketClose) && typeof entry._webSocketClose.timestamp === 'number'
      ? entry._webSocketClose.timestamp * 1000
      : null;
    return {
      start,
      dns,
      connect,
      requestBodyReceived,
      responseHeaders,
      end: total ?? received,
      aborted: null,
      wsAccepted: kind === 'websocket' && answered ? responseHeaders : null,
      wsClosed: kind === 'websocket' ? close : null,
    };
  }

  private requestBytes(request: JsonObject): Uint8Array | null {
    const postData = request.postData;
    if (isObject(postData)) {
      if (typeof postData.text === 'string') return this.decode(postData.text, postData.encoding, 'request.postData');
      const form = typeof postData.mimeType !== 'string' || postData.mimeType === '' || postData.mimeType.includes('x-www-form-urlencoded');
      if (form && Array.isArray(postData.params) && postData.params.length > 0) return formBody(postData.params);
    }
    // HTTP Toolkit keeps a request body that is not UTF-8 here ('discarded:not-representable').
    const htk = request._content;
    if (isObject(htk) && typeof htk.text === 'string') return this.decode(htk.text, htk.encoding, 'request._content');
    return null;
  }

  private responseBytes(content: JsonObject | null): Uint8Array | null {
    if (!content || typeof content.text !== 'string') return null;
    return this.decode(content.text, content.encoding, 'response.content');
  }

  private decode(text: string, encoding: unknown, path: string): Uint8Array {
    if (encoding === undefined || encoding === null || encoding === '') return utf8Encode(text);
    if (encoding !== 'base64') this.fail(`${path}.encoding ${JSON.stringify(encoding)} is not supported: HAR bodies are text or base64.`);
    try {
      return base64ToBytes(text);
    } catch (error) {
      this.fail(`${path}.text is marked base64 but is not: ${(error as Error).message}`);
    }
  }

  /** The body to store; none for an empty one, as capture stores none. */
  private body(bytes: Uint8Array | null, extras: Omit<TransferBody, 'bytes'> | null): TransferBody | null {
    if (bytes === null || bytes.length === 0) return null;
    return { bytes, encoding: extras?.encoding ?? null, truncated: extras?.truncated ?? false };
  }

  private message(raw: unknown, seq: number): WsMessage {
    const path = `_webSocketMessages[${seq}]`;
    if (!isObject(raw)) this.fail(`${path} is not an object.`);
    if (raw.type !== 'send' && raw.type !== 'receive') this.fail(`${path}.type must be "send" or "receive".`);
    if (typeof raw.time !== 'number') this.fail(`${path}.time is missing.`);
    if (typeof raw.data !== 'string') this.fail(`${path}.data is missing.`);
    const data = raw.data;
    const base: Omit<WsMessage, 'type' | 'payload' | 'size'> = {
      flowId: 0,
      seq,
      direction: raw.type === 'send' ? 'client-to-server' : 'server-to-client',
      time: raw.time * 1000,
      truncated: false,
      closeCode: null,
      closeReason: null,
    };
    const make = (type: WsMessage['type'], payload: Uint8Array, extra: Partial<WsMessage> = {}): WsMessage =>
      ({ ...base, type, payload, size: payload.length, ...extra });
    const lenient = (): Uint8Array => {
      try {
        return base64ToBytes(data);
      } catch {
        return utf8Encode(data);
      }
    };
    switch (raw.opcode) {
      case 1: return make('text', utf8Encode(data));
      case 2: return make('binary', this.decode(data, 'base64', path));
      case 9: return make('ping', lenient());
      case 10: return make('pong', lenient());
      case 8: {
        const bytes = lenient();
        if (bytes.length < 2) return make('close', bytes);
        const reason = bytes.subarray(2);
        return make('close', reason, { closeCode: (bytes[0]! << 8) | bytes[1]!, closeReason: utf8DecodeLenient(reason) });
      }
      default:
        this.fail(`${path}.opcode ${JSON.stringify(raw.opcode)} is not a WebSocket message type (1 text, 2 binary, 8 close, 9 ping, 10 pong).`);
    }
  }
}
