/**
 * Readers for the parts of a HAR entry that need no location in an error: each takes what the
 * file has (any JSON) and gives the model's value, tolerating what real exporters leave out.
 */
import { isFlowErrorType, type FlowError } from '../model/errors.js';
import type { BodyInfo, FlowTimings, RawHeaders } from '../model/flow.js';
import type { TransferBody } from '../model/transfer.js';
import { utf8Encode } from '../util/web-globals.js';

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** HAR's [{name, value}] as [name, value] pairs in order; items without a name are skipped. */
export function headers(value: unknown): RawHeaders {
  if (!Array.isArray(value)) return [];
  const result: RawHeaders = [];
  for (const item of value) {
    if (!isObject(item) || typeof item.name !== 'string') continue;
    const text = typeof item.value === 'string' ? item.value : item.value === undefined || item.value === null ? '' : String(item.value);
    result.push([item.name, text]);
  }
  return result;
}

/** "HTTP/1.1" → "1.1", "HTTP/2", "http/2.0" and "h2" → "2.0", "h3" → "3.0"; null when unknown. */
export function flowHttpVersion(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const version = value.trim().toLowerCase().replace(/^http\//, '');
  if (version === 'h2' || version === '2' || version === '2.0') return '2.0';
  if (version === 'h3' || version.startsWith('h3-') || version === '3' || version === '3.0') return '3.0';
  return /^\d\.\d$/.test(version) ? version : null;
}

/** A HAR mimeType as a content type; Chrome writes "x-unknown" where there was none. */
export function mimeType(value: unknown): string | null {
  return typeof value === 'string' && value !== '' && value !== 'x-unknown' ? value : null;
}

/** The body of a form from HAR params (Firefox may write only those): name=value&..., form-encoded. */
export function formBody(params: unknown[]): Uint8Array {
  const encode = (text: string): string => encodeURIComponent(text).replace(/%20/g, '+');
  const pairs: string[] = [];
  for (const param of params) {
    if (!isObject(param) || typeof param.name !== 'string') continue;
    pairs.push(`${encode(param.name)}=${encode(typeof param.value === 'string' ? param.value : '')}`);
  }
  return utf8Encode(pairs.join('&'));
}

/** Chrome's `_error` names for the failures our taxonomy has. */
const CHROME_ERRORS: Array<[RegExp, FlowError['type']]> = [
  [/ERR_CONNECTION_REFUSED/, 'CONNECTION_REFUSED'],
  [/ERR_CONNECTION_(RESET|CLOSED)|ERR_EMPTY_RESPONSE/, 'CONNECTION_RESET'],
  [/TIMED_OUT/, 'TIMEOUT'],
  [/ERR_NAME_NOT_RESOLVED|ERR_NAME_RESOLUTION_FAILED/, 'DNS_ERROR'],
  [/ERR_CERT_|ERR_SSL_/, 'TLS_ERROR'],
  [/ERR_ABORTED/, 'ABORTED'],
];

/**
 * The flow's error: ours from `_flowscope.error`, else Chrome's `response._error`. A request
 * without a response and without a reason still gets one, or it would look pending forever.
 */
export function flowError(saved: unknown, response: JsonObject | null, status: number | null): FlowError | null {
  if (isObject(saved) && typeof saved.type === 'string' && isFlowErrorType(saved.type) && typeof saved.message === 'string') {
    return { type: saved.type, message: saved.message };
  }
  const chrome = response?._error;
  if (typeof chrome === 'string' && chrome !== '') {
    const type = CHROME_ERRORS.find(([pattern]) => pattern.test(chrome))?.[1] ?? 'OTHER';
    return { type, message: chrome };
  }
  if (status === null) return { type: 'OTHER', message: 'The imported file has no response for this request.' };
  return null;
}

function size(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.trunc(value) : null;
}

/**
 * What the store records about a body. When the file has the body (`included`, even if empty),
 * sizes come from its bytes: HAR text is the decoded content, stored as plain bytes. When it
 * left the body out, the sizes it reports are kept and the body counts as cut at 0 bytes, so
 * nobody mistakes it for an empty one.
 */
export function bodyInfo(
  body: TransferBody | null, included: boolean, contentType: string | null, reportedSize: unknown, reportedContentSize: unknown,
): BodyInfo {
  if (body) {
    const wireSize = body.truncated ? Math.max(size(reportedSize) ?? 0, body.bytes.length) : body.bytes.length;
    return {
      wireSize,
      decodedSize: body.truncated || body.encoding !== null ? null : body.bytes.length,
      capturedSize: body.bytes.length,
      truncated: body.truncated,
      dropped: false,
      contentType,
      contentEncoding: body.encoding,
    };
  }
  const decodedSize = included ? 0 : size(reportedContentSize);
  const wireSize = included ? 0 : size(reportedSize) ?? decodedSize ?? 0;
  return {
    wireSize,
    decodedSize: decodedSize ?? (wireSize === 0 ? 0 : null),
    capturedSize: 0,
    truncated: wireSize > 0,
    dropped: false,
    contentType,
    contentEncoding: null,
  };
}

const TIMING_EVENTS = ['dns', 'connect', 'requestBodyReceived', 'responseHeaders', 'end', 'aborted', 'wsAccepted', 'wsClosed'] as const;

/** Our own timing events from `_flowscope.timings`, when they are all there. */
export function flowTimings(value: unknown): FlowTimings | null {
  if (!isObject(value) || typeof value.start !== 'number') return null;
  const timings: FlowTimings = {
    start: value.start, dns: null, connect: null, requestBodyReceived: null, responseHeaders: null, end: null, aborted: null, wsAccepted: null, wsClosed: null,
  };
  for (const name of TIMING_EVENTS) {
    const event = value[name];
    if (event !== null && typeof event !== 'number') return null;
    timings[name] = event;
  }
  return timings;
}

/** `_flowscope.requestBody` / `responseBody`: what HAR text cannot say about a body. */
export function bodyExtras(value: unknown): Omit<TransferBody, 'bytes'> | null {
  if (!isObject(value) || typeof value.truncated !== 'boolean') return null;
  if (value.encoding !== null && typeof value.encoding !== 'string') return null;
  return { encoding: value.encoding, truncated: value.truncated };
}
