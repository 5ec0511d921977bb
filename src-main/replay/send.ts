/**
 * Sends one replay over a new HTTP/1.1 connection, with the engine's upstream trust (system roots,
 * NODE_EXTRA_CA_CERTS, --upstream-ca files, --insecure-host), and records the exchange as a flow
 * like capture does: raw headers in order, bodies as on the wire capped at maxBodySize, timings.
 */
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import tls from 'node:tls';
import type { FlowError } from '../../src-shared/model/errors.js';
import type { BodyInfo, Flow, FlowScheme, RawHeaders } from '../../src-shared/model/flow.js';
import { headerValue } from '../../src-shared/util/headers.js';
import { BodyCapture } from '../engine/body-capture.js';
import { classifyUpstreamError } from '../engine/upstream-errors.js';
import type { OutgoingRequest } from './outgoing.js';

export interface SendOptions {
  maxBodySize: number;
  /** No response headers within this time: the replay fails with TIMEOUT. */
  timeoutMs: number;
  /** Extra CAs (PEM) trusted beyond the defaults; empty keeps Node's default store (the fast path). */
  upstreamCaPems: string[];
  insecureHosts: string[];
}

/** What the caller sets on the flow of a sent exchange. */
type SetByCaller = 'id' | 'source' | 'replayOf' | 'trafficClass' | 'blockedBy' | 'upstreamProxy';

export interface SentExchange {
  /** The flow, without its id, source, replay link and class (the caller sets them). */
  flow: Omit<Flow, SetByCaller>;
  requestBody: Buffer | null;
  responseBody: { bytes: Buffer; truncated: boolean } | null;
}

function pairs(raw: string[]): RawHeaders {
  const out: RawHeaders = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i]!, raw[i + 1]!]);
  return out;
}

function bodyInfo(size: number, captured: number, headers: RawHeaders): BodyInfo {
  return {
    wireSize: size,
    decodedSize: headerValue(headers, 'content-encoding') ? null : captured === size ? size : null,
    capturedSize: captured,
    truncated: captured < size,
    dropped: false,
    contentType: headerValue(headers, 'content-type'),
    contentEncoding: headerValue(headers, 'content-encoding'),
  };
}

function trustFor(url: URL, options: SendOptions): https.RequestOptions {
  const insecure = options.insecureHosts.some((host) => host.toLowerCase() === url.hostname.toLowerCase());
  if (insecure) return { rejectUnauthorized: false };
  if (options.upstreamCaPems.length === 0) return {};
  return { ca: [...tls.rootCertificates, ...options.upstreamCaPems] };
}

/** Sends the request and resolves with what happened; a failure is a flow with an error, never a rejection. */
export function sendReplay(request: OutgoingRequest, options: SendOptions): Promise<SentExchange> {
  const { url } = request;
  const secure = url.protocol === 'https:';
  const start = Date.now();
  const startMark = performance.now();
  const at = () => start + (performance.now() - startMark);
  const timings: Flow['timings'] = {
    start, dns: null, connect: null, requestBodyReceived: null, responseHeaders: null, end: null, aborted: null, wsAccepted: null, wsClosed: null,
  };
  const port = Number(url.port) || (secure ? 443 : 80);
  const base: Omit<Flow, SetByCaller> = {
    kind: 'http',
    startedAt: start,
    endedAt: null,
    durationMs: null,
    method: request.method,
    url: url.href,
    scheme: (secure ? 'https' : 'http') as FlowScheme,
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port,
    path: url.pathname + url.search,
    httpVersion: '1.1',
    statusCode: null,
    statusMessage: null,
    requestHeaders: request.headers,
    responseHeaders: null,
    requestBody: bodyInfo(request.body?.length ?? 0, request.body?.length ?? 0, request.headers),
    responseBody: null,
    clientIp: null,
    clientPort: null,
    serverIp: null,
    serverPort: null,
    tls: secure ? { sni: url.hostname, protocol: null } : null,
    error: null,
    timings,
    tags: [],
  };
  return new Promise((resolve) => {
    let settled = false;
    const finish = (flow: Omit<Flow, SetByCaller>, responseBody: SentExchange['responseBody']) => {
      if (settled) return;
      settled = true;
      const end = at();
      timings.end = end;
      resolve({ flow: { ...flow, endedAt: end, durationMs: end - start }, requestBody: request.body, responseBody });
    };
    const fail = (error: FlowError) => finish({ ...base, error }, null);
    const module = secure ? https : http;
    const req = module.request({
      protocol: url.protocol,
      hostname: url.hostname.replace(/^\[|\]$/g, ''),
      port,
      method: request.method,
      path: url.pathname + url.search,
      headers: request.headers,
      setHost: false,
      agent: false,
      servername: secure && !/^[\d.]+$|:/.test(url.hostname) ? url.hostname : undefined,
      ...(secure ? trustFor(url, options) : {}),
    } as https.RequestOptions);
    const timer = setTimeout(() => {
      req.destroy(Object.assign(new Error(`No response headers within ${options.timeoutMs / 1000} s.`), { code: 'ETIMEDOUT' }));
    }, options.timeoutMs);
    req.on('socket', (socket: Socket) => {
      socket.once('lookup', () => (timings.dns = at()));
      socket.once(secure ? 'secureConnect' : 'connect', () => {
        timings.connect = at();
        base.clientIp = socket.localAddress ?? null;
        base.clientPort = socket.localPort ?? null;
        base.serverIp = socket.remoteAddress ?? null;
        base.serverPort = socket.remotePort ?? null;
        if (secure) base.tls = { sni: url.hostname, protocol: (socket as tls.TLSSocket).getProtocol?.() ?? null };
      });
    });
    req.on('error', (error) => {
      clearTimeout(timer);
      const { type, message } = classifyUpstreamError(error);
      fail({ type, message });
    });
    req.on('finish', () => (timings.requestBodyReceived = at()));
    req.on('response', (res) => {
      clearTimeout(timer);
      timings.responseHeaders = at();
      const headers = pairs(res.rawHeaders);
      const body = new BodyCapture(options.maxBodySize);
      res.on('data', (chunk: Buffer) => body.add(chunk));
      const done = (error: FlowError | null) => {
        const flow = {
          ...base,
          httpVersion: res.httpVersion,
          statusCode: res.statusCode ?? null,
          statusMessage: res.statusMessage ?? null,
          responseHeaders: headers,
          responseBody: bodyInfo(body.size, body.captured, headers),
          error,
        };
        finish(flow, body.captured > 0 ? { bytes: body.bytes(), truncated: body.truncated } : null);
      };
      res.on('end', () => done(null));
      res.on('aborted', () => done({ type: 'CONNECTION_RESET', message: 'The server closed the connection before the response was complete.' }));
      res.on('error', (error) => {
        const { type, message } = classifyUpstreamError(error);
        done({ type, message });
      });
    });
    req.end(request.body ?? undefined);
  });
}
