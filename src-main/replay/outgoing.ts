/**
 * What a replay sends: a stored flow's request (or the editor's), aimed at its own URL or an
 * alternate target, with the headers a new HTTP/1.1 connection needs and nothing it must not carry.
 */
import zlib from 'node:zlib';
import type { ReplayRequest, ReplayTarget } from '../../src-shared/api/types.js';
import { ApiError } from '../../src-shared/api/errors.js';
import type { Flow, RawHeaders } from '../../src-shared/model/flow.js';
import { parseContentEncoding } from '../store/body-codec.js';

export interface OutgoingRequest {
  method: string;
  url: URL;
  headers: RawHeaders;
  body: Buffer | null;
}

/**
 * Hop-by-hop headers belong to the connection they came on (RFC 9110 7.6.1), and the proxy's own
 * credentials must not travel on to an origin. Content-Length is set again from the body sent.
 */
const NOT_FORWARDED = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'proxy-authenticate', 'transfer-encoding',
  'upgrade', 'http2-settings', 'te', 'trailer', 'content-length',
]);

/** An origin alone (http://localhost:3000, with or without a final slash) keeps the flow's path and query. */
function isOriginOnly(target: string): boolean {
  return /^https?:\/\/[^/?#]+\/?$/i.test(target.trim());
}

export function retarget(original: URL, targetUrl: string): URL {
  const target = new URL(targetUrl.trim());
  if (!isOriginOnly(targetUrl)) return target;
  return new URL(original.pathname + original.search, target.origin);
}

function hostOf(url: URL): string {
  return url.host;
}

/**
 * The headers to send: pseudo headers (HTTP/2) and hop-by-hop headers dropped; Host follows the
 * URL unless keepHost, in which case the original Host (or HTTP/2 :authority) stays.
 */
export function outgoingHeaders(headers: RawHeaders, url: URL, options: { keepHost: boolean; bodyLength: number | null }): RawHeaders {
  const originalHost = headers.find(([name]) => name.toLowerCase() === 'host')?.[1]
    ?? headers.find(([name]) => name === ':authority')?.[1];
  const host = options.keepHost && originalHost ? originalHost : hostOf(url);
  const out: RawHeaders = [];
  let hostWritten = false;
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    if (name.startsWith(':') || NOT_FORWARDED.has(lower)) continue;
    if (lower === 'host') {
      if (!hostWritten) out.push([name, host]);
      hostWritten = true;
      continue;
    }
    out.push([name, value]);
  }
  if (!hostWritten) out.unshift(['Host', host]);
  if (options.bodyLength !== null) out.push(['Content-Length', String(options.bodyLength)]);
  return out;
}

/** Whether a method is expected to carry a body; others send Content-Length only when they have one. */
function bodyLength(method: string, body: Buffer | null, headers: RawHeaders): number | null {
  if (body && body.length > 0) return body.length;
  const hadLength = headers.some(([name]) => name.toLowerCase() === 'content-length');
  return hadLength || ['POST', 'PUT', 'PATCH'].includes(method.toUpperCase()) ? 0 : null;
}

/** A stored flow's request, to its own URL or a target. The body is the stored one, as it was on the wire. */
export function replayOfFlow(flow: Flow, body: { bytes: Buffer; truncated: boolean } | null, target?: ReplayTarget): OutgoingRequest {
  if (flow.kind === 'websocket') {
    throw new ApiError('BAD_ARGUMENT', `Flow ${flow.id} is a WebSocket connection; replay sends HTTP requests only. Open it in the editor to send its upgrade request as plain HTTP.`);
  }
  if (flow.kind === 'tunnel') {
    throw new ApiError('BAD_ARGUMENT', `Flow ${flow.id} is a TLS tunnel relayed without decryption; there is no request in it to send again.`);
  }
  if (flow.source === 'import' && !flow.url) throw new ApiError('BAD_ARGUMENT', `Flow ${flow.id} has no URL to send to.`);
  if (body?.truncated || flow.requestBody.truncated) {
    throw new ApiError('BAD_ARGUMENT', `Flow ${flow.id}'s request body was captured only in part (${flow.requestBody.capturedSize} of ${flow.requestBody.wireSize} bytes), so it cannot be sent again as it was. Raise maxBodySize in Settings and capture it again, or edit the body in the editor.`);
  }
  if (flow.requestBody.dropped && flow.requestBody.wireSize > 0) {
    throw new ApiError('BAD_ARGUMENT', `Flow ${flow.id}'s request body was not stored (the store was overloaded when it was captured), so it cannot be sent again.`);
  }
  const original = new URL(flow.url);
  const url = target ? retarget(original, target.targetUrl) : original;
  let bytes = body && body.bytes.length > 0 ? body.bytes : null;
  // An imported HAR holds bodies decoded while its headers still name the coding they were sent with.
  const declared = flow.requestHeaders.find(([name]) => name.toLowerCase() === 'content-encoding')?.[1] ?? null;
  if (bytes && declared && !flow.requestBody.contentEncoding) bytes = encodeContent(bytes, declared);
  const headers = outgoingHeaders(flow.requestHeaders, url, {
    keepHost: target ? target.keepHost : true,
    bodyLength: bodyLength(flow.method, bytes, flow.requestHeaders),
  });
  return { method: flow.method, url, headers, body: bytes };
}

/** Applies the content-encoding the headers name to plain content (the editor shows and sends decoded bodies). */
export function encodeContent(content: Buffer, contentEncoding: string | null): Buffer {
  const parsed = parseContentEncoding(contentEncoding);
  if ('unsupported' in parsed) {
    throw new ApiError('BAD_ARGUMENT', `Content-Encoding "${contentEncoding}" is not one Flowscope can apply (gzip, deflate, br, identity). Remove the header or send the body already encoded.`);
  }
  let bytes = content;
  // parseContentEncoding lists them in the order to undo them: apply in the reverse.
  for (const coding of [...parsed.codings].reverse()) {
    if (coding === 'gzip') bytes = zlib.gzipSync(bytes);
    else if (coding === 'deflate') bytes = zlib.deflateSync(bytes);
    else if (coding === 'br') bytes = zlib.brotliCompressSync(bytes);
  }
  return bytes;
}

/** The editor's request, sent as written (Host is the editor's own when it has one). */
export function replayOfRequest(request: ReplayRequest): OutgoingRequest {
  const url = new URL(request.url);
  let body: Buffer | null = request.body ? Buffer.from(request.body.base64, 'base64') : null;
  if (body && !request.body!.encoded) {
    const encoding = request.headers.find(([name]) => name.toLowerCase() === 'content-encoding')?.[1] ?? null;
    body = encodeContent(body, encoding);
  }
  if (body && body.length === 0) body = null;
  const headers = outgoingHeaders(request.headers, url, { keepHost: true, bodyLength: bodyLength(request.method, body, request.headers) });
  return { method: request.method, url, headers, body };
}
