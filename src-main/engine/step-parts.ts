/**
 * What the HTTP and WebSocket passthrough steps share: the hooks capture gives them, their
 * settings, and how a request is described to capture and to mockttp.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { InitiatedRequest, InitiatedResponse, TimingEvents } from 'mockttp';
import type { FlowError } from '../../src-shared/model/errors.js';
import type { TlsInfo, WsDirection, WsMessageType } from '../../src-shared/model/flow.js';
import type { TrafficPolicy } from '../policy/traffic-policy.js';
import type { AgentHook } from './mockttp-internals.js';

export interface WsFrame {
  direction: WsDirection;
  type: WsMessageType;
  payload: Buffer;
  time: number;
  closeCode?: number | undefined;
  closeReason?: string | undefined;
}

export type BodySide = 'request' | 'response';

export interface StepHooks {
  /** A request reached a passthrough step: the start of a flow. */
  onRequest(request: InitiatedRequest, kind: 'http' | 'websocket', tls: TlsInfo | null): void;
  /** Body bytes as they pass, in order; a tap, so large bodies are never held here. */
  onBodyChunk(engineId: string, side: BodySide, chunk: Buffer): void;
  /**
   * The exchange with the client is over: `complete` when the response finished (every body byte
   * has passed onBodyChunk), false when the connection closed first. `response` is null when no
   * response head was sent.
   */
  onResponse(engineId: string, response: InitiatedResponse | null, complete: boolean): void;
  onUpstreamError(engineId: string, error: FlowError): void;
  /** A block rule answered this request instead of an upstream. */
  onBlocked(engineId: string, rule: string): void;
  /** The upstream proxy this request went through. */
  onUpstreamProxy(engineId: string, proxy: string): void;
  onWsFrame(engineId: string, frame: WsFrame): void;
}

export interface PassThroughSettings {
  /** How long the upstream may take to send response headers. */
  responseTimeoutMs: number;
  /** PEM certificates trusted for upstream TLS besides the system roots (slower: see FACTS.md). */
  additionalTrustedCAs: string[];
  /** Hosts whose upstream certificates are not verified, only because the user asked. */
  ignoreTlsErrorsFor: string[];
  /** The traffic policy in force now (it is replaced when the settings change). */
  policy?: () => TrafficPolicy;
  /** Proxy authentication applies on this listener (a forward proxy; a reverse proxy is a server). */
  proxyAuthApplies?: boolean;
  /** How upstream connections are made (upstream proxies, timeouts). */
  agentHook?: () => AgentHook | null;
  /** Reverse mode: everything goes to this origin (http(s)://host:port). */
  reverse?: { target: string; keepHost: boolean };
  /** An upstream request through this upstream proxy failed at the connection: rest it. */
  onProxyFailure?(proxy: string, error: FlowError): void;
  /** Answers http://flowscope.cert/ (see onboarding.ts), before anything else and uncaptured. */
  onboarding?(pathname: string, res: ServerResponse): void;
}

export type OngoingRequest = IncomingMessage & InitiatedRequest & { body: { asStream(): Readable } };
export type TrackedResponse = ServerResponse & { tags: string[]; timingEvents: TimingEvents; getRawHeaders(): Array<[string, string]> };

export function tlsOf(req: IncomingMessage): TlsInfo | null {
  const h2Socket = (req as unknown as { stream?: { session?: { socket?: TLSSocket } } }).stream?.session?.socket;
  const socket = (h2Socket ?? req.socket) as Partial<TLSSocket> | undefined;
  if (!socket || typeof socket.getProtocol !== 'function') return null;
  const servername = (socket as { servername?: string | false }).servername;
  return { sni: typeof servername === 'string' ? servername : null, protocol: socket.getProtocol() ?? null };
}

/** The fields of mockttp's initiated-request event, without the live stream behind them. */
export function initiatedRequest(req: OngoingRequest): InitiatedRequest {
  return {
    id: req.id,
    protocol: req.protocol,
    httpVersion: req.httpVersion,
    method: req.method,
    url: req.url,
    path: req.path,
    remoteIpAddress: req.remoteIpAddress,
    remotePort: req.remotePort,
    destination: req.destination,
    headers: req.headers,
    rawHeaders: req.rawHeaders,
    tags: req.tags,
    timingEvents: req.timingEvents,
  };
}

export function toBuffer(chunk: unknown, encoding?: unknown): Buffer | null {
  if (chunk === undefined || chunk === null || typeof chunk === 'function') return null;
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return null;
}

export function targetOf(req: OngoingRequest): string {
  try {
    return new URL(req.url).host;
  } catch {
    return req.destination ? `${req.destination.hostname}:${req.destination.port}` : 'the server';
  }
}

export function mockttpOptions(settings: PassThroughSettings, kind: 'http' | 'websocket') {
  const reverse = settings.reverse ? new URL(settings.reverse.target) : null;
  const secure = reverse?.protocol === 'https:';
  return {
    additionalTrustedCAs: settings.additionalTrustedCAs.map((cert) => ({ cert })),
    ignoreHostHttpsErrors: settings.ignoreTlsErrorsFor,
    ...(reverse && {
      transformRequest: {
        setProtocol: kind === 'http' ? (secure ? 'https' : 'http') : (secure ? 'wss' : 'ws'),
        replaceHost: { targetHost: reverse.host, updateHostHeader: !settings.reverse!.keepHost },
      },
    }),
  };
}

/** In reverse mode a flow shows where the request went: the backend, with the client's path. */
export function reportedRequest(req: OngoingRequest, settings: PassThroughSettings): InitiatedRequest {
  const request = initiatedRequest(req);
  return settings.reverse ? { ...request, url: `${new URL(settings.reverse.target).origin}${req.path}` } : request;
}
