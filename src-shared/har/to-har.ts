/**
 * Flows to HAR 1.2 entries, in the shape Chrome DevTools exports (so HAR viewers, Chrome and HTTP
 * Toolkit read them), with what HAR has no field for under `_flowscope`, so our own import
 * gets back more than a browser's file would give it.
 */
import type { Content, Cookie, Entry, Header, PostData, QueryString, Response, Timings } from 'har-format';
import type { BodyInfo, Flow, RawHeaders, WsMessage } from '../model/flow.js';
import type { FlowRecord, TransferBody } from '../model/transfer.js';
import { bytesToBase64, utf8DecodeLenient, utf8Text } from '../util/bytes.js';
import { headerValue, mediaType } from '../util/headers.js';
import { decodeFormComponent, redactHeaders, redactParams } from './redact.js';

/** Flowscope's fields of an entry that HAR has no place for. */
export interface FlowscopeExtras {
  id: number;
  source: Flow['source'];
  replayOf: number | null;
  error: Flow['error'];
  tags: string[];
  /** The timing events as they were recorded; HAR's phases cannot tell which ones were missing. */
  timings: Flow['timings'];
  /** What HAR text cannot say about each body: still content-encoded, or cut short. */
  requestBody: { encoding: string | null; truncated: boolean } | null;
  responseBody: { encoding: string | null; truncated: boolean } | null;
}

/** Chrome's WebSocket message record: time in epoch seconds, data as text (opcode 1) or base64. */
export interface HarWebSocketMessage {
  type: 'send' | 'receive';
  time: number;
  opcode: number;
  data: string;
}

const OPCODES: Record<WsMessage['type'], number> = { text: 1, binary: 2, close: 8, ping: 9, pong: 10 };

export function harEntry(record: FlowRecord, options: { redact: boolean }): Entry {
  const { flow } = record;
  const timings = harTimings(flow.timings);
  const entry: Entry = {
    startedDateTime: new Date(flow.startedAt).toISOString(),
    time: totalTime(timings),
    request: harRequest(flow, record.requestBody, options.redact),
    response: harResponse(flow, record.responseBody, options.redact),
    cache: {},
    timings,
  };
  if (flow.serverIp) entry.serverIPAddress = flow.serverIp.replace(/^\[|\]$/g, '');
  if (flow.clientPort !== null) entry.connection = String(flow.clientPort);
  if (flow.kind === 'websocket') {
    entry._resourceType = 'websocket';
    entry._webSocketMessages = record.messages.map(harWebSocketMessage);
  }
  const extras: FlowscopeExtras = {
    id: flow.id,
    source: flow.source,
    replayOf: flow.replayOf,
    error: flow.error,
    tags: flow.tags,
    timings: flow.timings,
    requestBody: record.requestBody && { encoding: record.requestBody.encoding, truncated: record.requestBody.truncated },
    responseBody: record.responseBody && { encoding: record.responseBody.encoding, truncated: record.responseBody.truncated },
  };
  entry._flowscope = extras;
  return entry;
}

/**
 * The pieces of one HAR document that main writes around the entries it streams:
 * head + entry + separator + entry + ... + tail, each entry JSON.stringify(harEntry(...)).
 */
export function harDocumentParts(creator: { name: string; version: string }): { head: string; separator: string; tail: string } {
  const name = JSON.stringify(creator.name);
  const version = JSON.stringify(creator.version);
  return {
    head: `{"log":{"version":"1.2","creator":{"name":${name},"version":${version}},"pages":[],"entries":[`,
    separator: ',',
    tail: ']}}',
  };
}

/** "1.1" → "HTTP/1.1", "2.0" → "HTTP/2", as browsers write them. */
export function harHttpVersion(version: string): string {
  if (version === '') return '';
  if (/^http\//i.test(version)) return version.toUpperCase();
  const major = version.replace(/\.0$/, '');
  return `HTTP/${major === '2' || major === '3' ? major : version}`;
}

function harRequest(flow: Flow, body: TransferBody | null, redact: boolean): Entry['request'] {
  const headers = redact ? redactHeaders(flow.requestHeaders) : flow.requestHeaders;
  const hash = flow.url.indexOf('#');
  const url = hash === -1 ? flow.url : flow.url.slice(0, hash);
  const query = url.indexOf('?');
  const search = query === -1 ? null : url.slice(query + 1);
  const request: Entry['request'] = {
    method: flow.method,
    url: redact && search !== null ? `${url.slice(0, query + 1)}${redactParams(search)}` : url,
    httpVersion: harHttpVersion(flow.httpVersion),
    cookies: redact ? [] : requestCookies(flow.requestHeaders),
    headers: harHeaders(headers),
    queryString: search === null ? [] : params(redact ? redactParams(search) : search),
    headersSize: -1,
    bodySize: flow.requestBody.wireSize,
  };
  if (body && body.bytes.length > 0) request.postData = postData(flow, body, redact);
  return request;
}

function postData(flow: Flow, body: TransferBody, redact: boolean): PostData {
  const mimeType = headerValue(flow.requestHeaders, 'content-type') ?? '';
  const { text, encoding, comment } = bodyText(body, flow.requestBody);
  const form = encoding === undefined && mediaType(mimeType) === 'application/x-www-form-urlencoded';
  const shownText = form && redact ? redactParams(text) : text;
  // Chrome and Firefox write both text and params for forms (HAR says one or the other; readers
  // take either), so a form keeps its exact bytes and viewers still show its fields.
  const data: Record<string, unknown> = { mimeType, text: shownText };
  if (form) data.params = params(shownText);
  if (encoding) data.encoding = encoding;
  if (comment) data.comment = comment;
  return data as unknown as PostData;
}

function harResponse(flow: Flow, body: TransferBody | null, redact: boolean): Response & { _error?: string } {
  const error = flow.error ? { _error: flow.error.message, comment: `Failed (${flow.error.type}): ${flow.error.message}` } : {};
  if (flow.statusCode === null) {
    return {
      status: 0,
      statusText: '',
      httpVersion: '',
      cookies: [],
      headers: [],
      content: { size: 0, mimeType: 'x-unknown' },
      redirectURL: '',
      headersSize: -1,
      bodySize: -1,
      ...error,
    };
  }
  const rawHeaders = flow.responseHeaders ?? [];
  const info = flow.responseBody;
  return {
    status: flow.statusCode,
    statusText: flow.statusMessage ?? '',
    httpVersion: harHttpVersion(flow.httpVersion),
    cookies: redact ? [] : responseCookies(rawHeaders, flow.startedAt),
    headers: harHeaders(redact ? redactHeaders(rawHeaders) : rawHeaders),
    content: content(rawHeaders, body, info),
    redirectURL: headerValue(rawHeaders, 'location') ?? '',
    headersSize: -1,
    bodySize: info ? info.wireSize : -1,
    ...error,
  };
}

function content(headers: RawHeaders, body: TransferBody | null, info: BodyInfo | null): Content {
  const mimeType = headerValue(headers, 'content-type') ?? '';
  if (!body || !info) {
    const size = info ? info.decodedSize ?? info.wireSize : 0;
    const result: Content = { size, mimeType };
    if (info?.dropped) result.comment = `Not stored: Flowscope dropped this body under load (it was ${info.wireSize} bytes).`;
    return result;
  }
  const plain = body.encoding === null && !body.truncated;
  const result: Content = { size: plain ? body.bytes.length : info.decodedSize ?? info.wireSize, mimeType, ...bodyText(body, info) };
  if (result.comment === undefined) delete result.comment;
  if (result.encoding === undefined) delete result.encoding;
  return result;
}

/** A body as HAR text: the text itself when it is plain UTF-8, otherwise base64, with why in a comment. */
function bodyText(body: TransferBody, info: BodyInfo): { text: string; encoding?: 'base64'; comment?: string } {
  const notes: string[] = [];
  if (body.encoding !== null) {
    notes.push(`Still content-encoded with ${body.encoding}: Flowscope could not decode it, so text holds the bytes as sent, in base64.`);
  }
  if (body.truncated) {
    notes.push(`Cut at ${body.bytes.length} of ${info.wireSize} bytes: Flowscope stores bodies up to its maximum body size.`);
  }
  const text = body.encoding === null ? utf8Text(body.bytes) : null;
  const result: { text: string; encoding?: 'base64'; comment?: string } = text === null
    ? { text: bytesToBase64(body.bytes), encoding: 'base64' }
    : { text };
  if (notes.length > 0) result.comment = notes.join(' ');
  return result;
}

function harHeaders(headers: RawHeaders): Header[] {
  return headers.map(([name, value]) => ({ name, value }));
}

/** Name/value pairs of a query string or form body, decoded, in order, repeats kept. */
function params(query: string): QueryString[] {
  if (query === '') return [];
  return query.split('&').map((part) => {
    const eq = part.indexOf('=');
    return eq === -1
      ? { name: decodeFormComponent(part), value: '' }
      : { name: decodeFormComponent(part.slice(0, eq)), value: decodeFormComponent(part.slice(eq + 1)) };
  });
}

function requestCookies(headers: RawHeaders): Cookie[] {
  const cookies: Cookie[] = [];
  for (const [name, value] of headers) {
    if (name.toLowerCase() !== 'cookie') continue;
    for (const pair of value.split(';')) {
      const trimmed = pair.trim();
      if (trimmed === '') continue;
      const eq = trimmed.indexOf('=');
      cookies.push(eq === -1 ? { name: '', value: trimmed } : { name: trimmed.slice(0, eq), value: trimmed.slice(eq + 1) });
    }
  }
  return cookies;
}

function responseCookies(headers: RawHeaders, receivedAt: number): Cookie[] {
  const cookies: Cookie[] = [];
  for (const [name, value] of headers) {
    if (name.toLowerCase() !== 'set-cookie') continue;
    const [pair = '', ...attributes] = value.split(';');
    const eq = pair.indexOf('=');
    const cookie: Cookie & { sameSite?: string } = eq === -1
      ? { name: '', value: pair.trim() }
      : { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim() };
    let maxAge: number | null = null;
    for (const attribute of attributes) {
      const [key = '', ...rest] = attribute.split('=');
      const attributeValue = rest.join('=').trim();
      switch (key.trim().toLowerCase()) {
        case 'path': cookie.path = attributeValue; break;
        case 'domain': cookie.domain = attributeValue; break;
        case 'expires': {
          const time = Date.parse(attributeValue);
          if (!Number.isNaN(time)) cookie.expires = new Date(time).toISOString();
          break;
        }
        case 'max-age': if (/^-?\d+$/.test(attributeValue)) maxAge = Number(attributeValue); break;
        case 'httponly': cookie.httpOnly = true; break;
        case 'secure': cookie.secure = true; break;
        case 'samesite': cookie.sameSite = attributeValue; break;
      }
    }
    // Max-Age wins over Expires (RFC 6265, 5.3).
    if (maxAge !== null) cookie.expires = new Date(receivedAt + maxAge * 1000).toISOString();
    cookies.push(cookie);
  }
  return cookies;
}

/**
 * HAR's phases from our timing events. Each phase runs from the last event seen to the next one
 * (never negative: a mocked response can be sent before the request body has arrived), so the
 * phases add up to the whole time. Phases we did not see are -1 (or 0 for the three HAR requires).
 */
function harTimings(t: Flow['timings']): Timings {
  let cursor = t.start;
  const phase = (event: number | null, unknown: number): number => {
    if (event === null) return unknown;
    const length = Math.max(0, event - cursor);
    cursor = Math.max(cursor, event);
    return length;
  };
  return {
    blocked: -1,
    dns: phase(t.dns, -1),
    connect: phase(t.connect, -1),
    ssl: -1,
    send: phase(t.requestBodyReceived, 0),
    wait: phase(t.responseHeaders, 0),
    receive: phase(t.end, 0),
  };
}

function totalTime(timings: Timings): number {
  const phases = [timings.blocked, timings.dns, timings.connect, timings.send, timings.wait, timings.receive];
  return phases.reduce<number>((sum, value) => sum + Math.max(value ?? 0, 0), 0);
}

function harWebSocketMessage(message: WsMessage): HarWebSocketMessage {
  return {
    type: message.direction === 'client-to-server' ? 'send' : 'receive',
    time: message.time / 1000,
    opcode: OPCODES[message.type],
    data: message.type === 'text' ? utf8DecodeLenient(message.payload) : bytesToBase64(closePayload(message)),
  };
}

/** A close frame's payload as on the wire: the 2-byte code, then the reason (capture keeps them apart). */
function closePayload(message: WsMessage): Uint8Array {
  if (message.type !== 'close' || message.closeCode === null) return message.payload;
  const bytes = new Uint8Array(2 + message.payload.length);
  bytes[0] = message.closeCode >> 8;
  bytes[1] = message.closeCode & 255;
  bytes.set(message.payload, 2);
  return bytes;
}
