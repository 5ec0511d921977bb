/** Flow records as the store hands them to export, for the conversion tests. */
import type { BodyInfo, Flow, WsMessage } from '../../src-shared/model/flow.js';
import type { FlowRecord } from '../../src-shared/model/transfer.js';

export const STARTED = Date.UTC(2026, 2, 14, 9, 30, 15, 250);

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export function bodyInfo(size: number, contentType: string | null, extra: Partial<BodyInfo> = {}): BodyInfo {
  return { wireSize: size, decodedSize: size, capturedSize: size, truncated: false, dropped: false, contentType, contentEncoding: null, ...extra };
}

const NO_BODY = bodyInfo(0, null);

/** A JSON POST answered 201, with every timing event, captured from 127.0.0.1:52344. */
export function httpFlow(overrides: Partial<Flow> = {}): Flow {
  return {
    id: 42,
    kind: 'http',
    startedAt: STARTED,
    endedAt: STARTED + 120.5,
    durationMs: 120.5,
    method: 'POST',
    url: 'https://api.example.com:8443/v1/items?q=a%20b&page=2',
    scheme: 'https',
    host: 'api.example.com',
    port: 8443,
    path: '/v1/items?q=a%20b&page=2',
    httpVersion: '1.1',
    statusCode: 201,
    statusMessage: 'Created',
    requestHeaders: [
      ['Host', 'api.example.com:8443'],
      ['Content-Type', 'application/json'],
      ['Cookie', 'session=abc123; theme=dark'],
      ['Content-Length', '16'],
    ],
    responseHeaders: [
      ['Content-Type', 'application/json; charset=utf-8'],
      ['Set-Cookie', 'session=def456; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=3600'],
      ['Location', '/v1/items/7'],
    ],
    requestBody: bodyInfo(16, 'application/json'),
    responseBody: bodyInfo(9, 'application/json; charset=utf-8'),
    clientIp: '127.0.0.1',
    clientPort: 52344,
    serverIp: '93.184.216.34',
    serverPort: 8443,
    tls: { sni: 'api.example.com', protocol: 'TLSv1.3' },
    error: null,
    timings: {
      start: STARTED,
      dns: STARTED + 2,
      connect: STARTED + 10,
      requestBodyReceived: STARTED + 12.5,
      responseHeaders: STARTED + 100,
      end: STARTED + 120.5,
      aborted: null,
      wsAccepted: null,
      wsClosed: null,
    },
    tags: ['engine:abc'],
    source: 'capture',
    replayOf: null,
    trafficClass: 'other',
    blockedBy: null,
    upstreamProxy: null,
    ...overrides,
  };
}

export function httpRecord(overrides: Partial<FlowRecord> = {}, flow: Partial<Flow> = {}): FlowRecord {
  return {
    flow: httpFlow(flow),
    requestBody: { bytes: utf8('{"name":"café"}'), encoding: null, truncated: false },
    responseBody: { bytes: utf8('{"id":7}\n'), encoding: null, truncated: false },
    messages: [],
    ...overrides,
  };
}

/** A flow whose connection failed before any response. */
export function failedRecord(): FlowRecord {
  return {
    flow: httpFlow({
      id: 43,
      method: 'GET',
      url: 'http://127.0.0.1:1/down',
      scheme: 'http',
      host: '127.0.0.1',
      port: 1,
      path: '/down',
      statusCode: null,
      statusMessage: null,
      requestHeaders: [['Host', '127.0.0.1:1'], ['Accept', '*/*']],
      responseHeaders: null,
      requestBody: NO_BODY,
      responseBody: null,
      serverIp: null,
      serverPort: null,
      tls: null,
      error: { type: 'CONNECTION_REFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1' },
      endedAt: STARTED + 3,
      durationMs: 3,
      timings: {
        start: STARTED, dns: null, connect: null, requestBodyReceived: STARTED + 1, responseHeaders: null,
        end: STARTED + 3, aborted: STARTED + 3, wsAccepted: null, wsClosed: null,
      },
    }),
    requestBody: null,
    responseBody: null,
    messages: [],
  };
}

function message(seq: number, direction: WsMessage['direction'], type: WsMessage['type'], payload: Uint8Array, extra: Partial<WsMessage> = {}): WsMessage {
  return {
    flowId: 44, seq, direction, type, time: STARTED + 200 + seq * 10.5, size: payload.length, payload, truncated: false,
    closeCode: null, closeReason: null, ...extra,
  };
}

/** A WebSocket flow with a text and a binary message each way, a ping, a pong and a close. */
export function webSocketRecord(): FlowRecord {
  return {
    flow: httpFlow({
      id: 44,
      kind: 'websocket',
      method: 'GET',
      url: 'wss://echo.example.com/socket?room=1',
      scheme: 'wss',
      host: 'echo.example.com',
      port: 443,
      path: '/socket?room=1',
      statusCode: 101,
      statusMessage: 'Switching Protocols',
      requestHeaders: [
        ['Host', 'echo.example.com'],
        ['Upgrade', 'websocket'],
        ['Connection', 'Upgrade'],
        ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='],
        ['Sec-WebSocket-Version', '13'],
      ],
      responseHeaders: [
        ['Upgrade', 'websocket'],
        ['Connection', 'Upgrade'],
        ['Sec-WebSocket-Accept', 's3pPLMBiTxaQ9kYGzzhZRbK+xOo='],
      ],
      requestBody: NO_BODY,
      responseBody: NO_BODY,
      serverIp: '::1',
      endedAt: STARTED + 400,
      durationMs: 400,
      timings: {
        start: STARTED, dns: null, connect: null, requestBodyReceived: STARTED + 1, responseHeaders: STARTED + 5,
        end: STARTED + 400, aborted: null, wsAccepted: STARTED + 5, wsClosed: STARTED + 400,
      },
    }),
    requestBody: null,
    responseBody: null,
    messages: [
      message(0, 'client-to-server', 'text', utf8('hello "world" ✓')),
      message(1, 'server-to-client', 'binary', new Uint8Array([0, 1, 2, 0xfe, 0xff])),
      message(2, 'server-to-client', 'ping', utf8('p')),
      message(3, 'client-to-server', 'pong', utf8('p')),
      message(4, 'client-to-server', 'close', utf8('bye'), { closeCode: 1000, closeReason: 'bye' }),
    ],
  };
}
