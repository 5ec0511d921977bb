import type { FlowError } from './errors.js';

/** Headers in the order they were sent, repeated names kept. */
export type RawHeaders = Array<[name: string, value: string]>;

/** A tunnel is a CONNECT relayed without decryption (TLS passthrough): only its host, bytes and times are known. */
export type FlowKind = 'http' | 'websocket' | 'tunnel';
/** What kind of traffic a flow is (see src-shared/model/classify.ts). */
export type TrafficClass = 'llm' | 'mcp' | 'web' | 'other';

/** How a flow came to be: captured from traffic, sent by replay, or read from an imported file. */
export type FlowSource = 'capture' | 'replay' | 'import';
export type FlowScheme = 'http' | 'https' | 'ws' | 'wss';

/** What was captured of one body. Stored bytes are as on the wire (still gzip/br if encoded). */
export interface BodyInfo {
  /** Bytes of the body as transferred (after any content-encoding, without chunk framing). */
  wireSize: number;
  /** Size after content-decoding, when known (null when truncated or undecodable). */
  decodedSize: number | null;
  /** How many bytes are stored: min(wireSize, maxBodySize), or 0 if the body was dropped. */
  capturedSize: number;
  /** The stored bytes are only the first part of the body (over maxBodySize). */
  truncated: boolean;
  /** The body was dropped under overload; sizes are still right. */
  dropped: boolean;
  contentType: string | null;
  contentEncoding: string | null;
}

/**
 * Timing events as epoch milliseconds (fractional). Each is null where it did not happen or is not
 * known (DNS and connect are not reported by the engine for reused connections).
 */
export interface FlowTimings {
  start: number;
  dns: number | null;
  connect: number | null;
  requestBodyReceived: number | null;
  responseHeaders: number | null;
  end: number | null;
  aborted: number | null;
  wsAccepted: number | null;
  wsClosed: number | null;
}

export interface TlsInfo {
  /** The server name the client asked for. */
  sni: string | null;
  /** e.g. "TLSv1.3" */
  protocol: string | null;
}

export interface Flow {
  id: number;
  kind: FlowKind;
  startedAt: number;
  endedAt: number | null;
  durationMs: number | null;
  method: string;
  url: string;
  scheme: FlowScheme;
  host: string;
  port: number;
  /** Path with query string. */
  path: string;
  httpVersion: string;
  statusCode: number | null;
  statusMessage: string | null;
  requestHeaders: RawHeaders;
  responseHeaders: RawHeaders | null;
  requestBody: BodyInfo;
  responseBody: BodyInfo | null;
  clientIp: string | null;
  clientPort: number | null;
  serverIp: string | null;
  serverPort: number | null;
  tls: TlsInfo | null;
  error: FlowError | null;
  timings: FlowTimings;
  /** Flowscope-internal labels, e.g. the mockttp id ("engine:<id>"). */
  tags: string[];
  source: FlowSource;
  /** The flow this one replayed (source 'replay'), when it is known. */
  replayOf: number | null;
  trafficClass: TrafficClass;
  /** The block rule that stopped this request (it never reached an upstream), or null. */
  blockedBy: string | null;
  /** The upstream proxy the request went through (credentials left out), or null for a direct connection. */
  upstreamProxy: string | null;
}

/** The small row the flow list shows and live updates carry. */
export interface FlowSummary {
  id: number;
  kind: FlowKind;
  startedAt: number;
  durationMs: number | null;
  method: string;
  scheme: FlowScheme;
  host: string;
  port: number;
  path: string;
  statusCode: number | null;
  responseContentType: string | null;
  responseSize: number | null;
  errorType: FlowError['type'] | null;
  /** WebSocket flows: messages captured so far. */
  messageCount: number;
  source: FlowSource;
  replayOf: number | null;
  trafficClass: TrafficClass;
  blocked: boolean;
}

export type WsMessageType = 'text' | 'binary' | 'ping' | 'pong' | 'close';
export type WsDirection = 'client-to-server' | 'server-to-client';

export interface WsMessage {
  flowId: number;
  /** Order of the message within its flow, from 0. */
  seq: number;
  direction: WsDirection;
  type: WsMessageType;
  time: number;
  /** Full size of the payload. */
  size: number;
  /** Payload, cut at maxBodySize. */
  payload: Uint8Array;
  truncated: boolean;
  closeCode: number | null;
  closeReason: string | null;
}

/** Something that happened without a flow, such as a client refusing our certificate. */
export interface ConnectionEvent {
  id: number;
  time: number;
  /**
   * AUTH_SUCCESS / AUTH_FAILURE: a proxy authentication attempt; CLIENT_REFUSED: a client the IP
   * lists refused; TLS_PASSTHROUGH: a tunnel relayed without decryption.
   */
  type: 'CLIENT_TLS_ERROR' | 'CLIENT_ERROR' | 'TLS_PASSTHROUGH' | 'AUTH_SUCCESS' | 'AUTH_FAILURE' | 'CLIENT_REFUSED';
  clientIp: string | null;
  clientPort: number | null;
  host: string | null;
  message: string;
}
