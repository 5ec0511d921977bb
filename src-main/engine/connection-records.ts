/**
 * Records capture makes from connections rather than exchanges: relayed TLS tunnels, clients
 * that refuse the handshake, and requests too malformed to reach a step. Also the timing
 * conversion every record uses.
 */
import type { Socket } from 'node:net';
import type { ClientError, TimingEvents, TlsHandshakeFailure } from 'mockttp';
import { classifyTraffic } from '../../src-shared/model/classify.js';
import type { BodyInfo, ConnectionEvent, Flow, FlowTimings } from '../../src-shared/model/flow.js';
import { headerValue } from '../../src-shared/util/headers.js';
import type { CaptureSink } from './capture.js';

export function toEpoch(timing: TimingEvents, stamp: number | undefined): number | null {
  return stamp === undefined ? null : timing.startTime + (stamp - timing.startTimestamp);
}

export function timingsOf(t: TimingEvents): FlowTimings {
  return {
    start: t.startTime,
    dns: null,
    connect: null,
    requestBodyReceived: toEpoch(t, t.bodyReceivedTimestamp),
    responseHeaders: toEpoch(t, t.headersSentTimestamp),
    end: toEpoch(t, t.responseSentTimestamp ?? t.wsClosedTimestamp ?? t.abortedTimestamp),
    aborted: toEpoch(t, t.abortedTimestamp),
    wsAccepted: toEpoch(t, t.wsAcceptedTimestamp),
    wsClosed: toEpoch(t, t.wsClosedTimestamp),
  };
}

/**
 * A CONNECT tunnel relayed untouched (TLS passthrough): a flow of kind 'tunnel' when it closes,
 * with the bytes each way (request body: client to server; response body: server to client).
 * The client's first TLS record was already read to see its SNI, so it is counted here too.
 */
export function recordTunnel(sink: CaptureSink, socket: Socket, target: { hostname: string; port: number; llmHosts: readonly string[] }): void {
  const { hostname, port, llmHosts } = target;
  const start = Date.now();
  const read = socket.bytesRead;
  const written = socket.bytesWritten;
  const peeked = socket.readableLength;
  const flowId = sink.allocateFlowId();
  socket.once('close', () => {
    const end = Date.now();
    const up = socket.bytesRead - read + peeked;
    const down = socket.bytesWritten - written;
    const bytes = (size: number): BodyInfo => ({ wireSize: size, decodedSize: null, capturedSize: 0, truncated: size > 0, dropped: false, contentType: null, contentEncoding: null });
    const host = hostname.includes(':') ? `[${hostname}]` : hostname;
    sink.enqueueFlow({
      id: flowId, kind: 'tunnel', startedAt: start, endedAt: end, durationMs: end - start,
      method: 'CONNECT', url: `https://${host}:${port}`, scheme: 'https', host: hostname, port, path: '', httpVersion: '1.1',
      statusCode: null, statusMessage: null, requestHeaders: [], responseHeaders: null,
      requestBody: bytes(up), responseBody: bytes(down),
      clientIp: socket.remoteAddress ?? null, clientPort: socket.remotePort ?? null, serverIp: null, serverPort: port,
      tls: { sni: hostname, protocol: null }, error: null,
      timings: { start, dns: null, connect: null, requestBodyReceived: null, responseHeaders: null, end, aborted: null, wsAccepted: null, wsClosed: null },
      tags: ['tls-passthrough'], source: 'capture', replayOf: null,
      trafficClass: classifyTraffic({ host: hostname, path: '' }, llmHosts), blockedBy: null, upstreamProxy: null,
    });
  });
}

/** A client that closed or refused the TLS handshake: the usual sign that it does not trust the CA. */
export function tlsClientErrorEvent(failure: TlsHandshakeFailure): Omit<ConnectionEvent, 'id'> {
  const host = failure.tlsMetadata.sniHostname ?? failure.destination?.hostname ?? null;
  const why = failure.failureCause === 'cert-rejected'
    ? 'rejected Flowscope\'s certificate'
    : `closed the TLS handshake (${failure.failureCause})`;
  const { startTime, connectTimestamp, failureTimestamp } = failure.timingEvents;
  return {
    time: toEpoch({ startTime, startTimestamp: connectTimestamp }, failureTimestamp) ?? Date.now(),
    type: 'CLIENT_TLS_ERROR',
    clientIp: failure.remoteIpAddress ?? null,
    clientPort: failure.remotePort ?? null,
    host,
    message: failure.failureCause === 'cert-rejected'
      ? `The client ${why}${host ? ` for ${host}` : ''}. It does not trust the Flowscope CA: install it on that client.`
      // Browsers also close spare connections they opened ahead of time, right after the handshake.
      : `The client ${why}${host ? ` for ${host}` : ''}. If this repeats, it probably does not trust the Flowscope CA: install it on that client.`,
  };
}

/** A request so malformed that mockttp answered it itself: a flow with a PROTOCOL_ERROR. */
export function malformedRequestFlow(flowId: number, error: ClientError, llmHosts: readonly string[]): Flow {
  const req = error.request;
  const response = error.response === 'aborted' ? null : error.response;
  const host = req.destination?.hostname ?? headerValue(req.rawHeaders, 'host') ?? '';
  const timings = timingsOf(req.timingEvents);
  const emptyBody: BodyInfo = {
    wireSize: 0, decodedSize: 0, capturedSize: 0, truncated: false, dropped: false, contentType: null, contentEncoding: null,
  };
  return {
    id: flowId,
    kind: 'http',
    startedAt: timings.start,
    endedAt: timings.end ?? timings.start,
    durationMs: timings.end === null ? 0 : timings.end - timings.start,
    method: req.method ?? '',
    url: req.url ?? '',
    scheme: req.protocol === 'https' ? 'https' : 'http',
    host,
    port: req.destination?.port ?? 0,
    path: req.path ?? '',
    httpVersion: req.httpVersion,
    statusCode: response?.statusCode ?? null,
    statusMessage: response?.statusMessage ?? null,
    requestHeaders: req.rawHeaders,
    responseHeaders: response?.rawHeaders ?? null,
    requestBody: emptyBody,
    responseBody: response ? emptyBody : null,
    clientIp: req.remoteIpAddress ?? null,
    clientPort: req.remotePort ?? null,
    serverIp: null,
    serverPort: null,
    tls: null,
    error: { type: 'PROTOCOL_ERROR', message: `The client sent a malformed request (${error.errorCode ?? 'unknown error'}).` },
    timings,
    tags: [],
    source: 'capture',
    replayOf: null,
    trafficClass: classifyTraffic({ host, path: req.path ?? '' }, llmHosts),
    blockedBy: null,
    upstreamProxy: null,
  };
}
