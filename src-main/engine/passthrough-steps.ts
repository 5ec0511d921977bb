/**
 * mockttp passthrough steps with what Flowscope adds: an upstream response timeout (504), plain
 * explanations for failed upstreams (502) reported to capture, TLS details of the client side,
 * and WebSocket frames (including ping, pong and close) reported in order with their direction.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Transform, type Readable } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { InitiatedRequest, InitiatedResponse, RequestStep, TimingEvents, WebSocketStep } from 'mockttp';
import type { FlowError } from '../../src-shared/model/errors.js';
import type { TlsInfo, WsDirection, WsMessageType } from '../../src-shared/model/flow.js';
import type { TrafficPolicy } from '../policy/traffic-policy.js';
import {
  abortErrorModule, chosenProxyOf, parseRawHttpResponse, requestStepDefinitions, requestStepImpls, setAgentHook, wsStepDefinitions,
  wsStepImpls, type AgentHook,
} from './mockttp-internals.js';
import { applyPolicy, applyWebSocketPolicy, connectionOf, proxyLabel } from './request-policy.js';
import { classifyUpstreamError, upstreamFailureResponse } from './upstream-errors.js';

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
}

type OngoingRequest = IncomingMessage & InitiatedRequest & { body: { asStream(): Readable } };
type TrackedResponse = ServerResponse & { tags: string[]; timingEvents: TimingEvents; getRawHeaders(): Array<[string, string]> };

const HTTP_STEP = 'flowscope-passthrough';
const WS_STEP = 'flowscope-ws-passthrough';

function tlsOf(req: IncomingMessage): TlsInfo | null {
  const h2Socket = (req as unknown as { stream?: { session?: { socket?: TLSSocket } } }).stream?.session?.socket;
  const socket = (h2Socket ?? req.socket) as Partial<TLSSocket> | undefined;
  if (!socket || typeof socket.getProtocol !== 'function') return null;
  const servername = (socket as { servername?: string | false }).servername;
  return { sni: typeof servername === 'string' ? servername : null, protocol: socket.getProtocol() ?? null };
}

/** The fields of mockttp's initiated-request event, without the live stream behind them. */
function initiatedRequest(req: OngoingRequest): InitiatedRequest {
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

function toBuffer(chunk: unknown, encoding?: unknown): Buffer | null {
  if (chunk === undefined || chunk === null || typeof chunk === 'function') return null;
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return null;
}

/** HTTP/1 requests without Content-Length or Transfer-Encoding have no body (RFC 9112 6.3). */
function hasNoBody(req: OngoingRequest): boolean {
  const length = req.headers['content-length'];
  return req.httpVersionMajor < 2 && (length === undefined || length === '0') && req.headers['transfer-encoding'] === undefined;
}

/** Wraps the request body stream the passthrough step reads, so each chunk is seen as it goes upstream. */
function tapRequestBody(req: OngoingRequest, onChunk: (chunk: Buffer) => void): void {
  // Most requests (GETs) have no body: no need for a stream in the way.
  if (hasNoBody(req)) return;
  const body = req.body;
  const asStream = body.asStream.bind(body);
  body.asStream = () => {
    const source = asStream();
    const tap = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        onChunk(chunk);
        done(null, chunk);
      },
    });
    source.once('error', (error) => tap.destroy(error));
    return source.pipe(tap);
  };
}

/** Sees every byte written to the client, including our own error answers. */
function tapResponseBody(res: ServerResponse, onChunk: (chunk: Buffer) => void): void {
  const write = res.write;
  const end = res.end;
  res.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
    const bytes = toBuffer(chunk, rest[0]);
    if (bytes) onChunk(bytes);
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as ServerResponse['write'];
  res.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]) {
    const bytes = toBuffer(chunk, rest[0]);
    if (bytes) onChunk(bytes);
    return (end as (...args: unknown[]) => ServerResponse).call(this, chunk, ...rest);
  } as ServerResponse['end'];
}

/**
 * mockttp's passthrough aborts the upstream request when the client response closes early, but
 * detaches that handler once the response finishes; a 504 we send finishes it. So before sending
 * one, we run that handler ourselves, or the hung upstream connection would stay open for good.
 */
function abortUpstream(res: ServerResponse): void {
  for (const listener of res.listeners('close')) {
    if (listener.name === 'abortUpstream') (listener as () => void)();
  }
}

function targetOf(req: OngoingRequest): string {
  try {
    return new URL(req.url).host;
  } catch {
    return req.destination ? `${req.destination.hostname}:${req.destination.port}` : 'the server';
  }
}

function mockttpOptions(settings: PassThroughSettings, kind: 'http' | 'websocket') {
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
function reportedRequest(req: OngoingRequest, settings: PassThroughSettings): InitiatedRequest {
  const request = initiatedRequest(req);
  return settings.reverse ? { ...request, url: `${new URL(settings.reverse.target).origin}${req.path}` } : request;
}

class FlowscopePassThroughStep extends requestStepDefinitions.PassThroughStep {
  type = HTTP_STEP;
  constructor(public settings: PassThroughSettings, public hooks: StepHooks) {
    super(mockttpOptions(settings, 'http'));
  }
}

class FlowscopePassThroughStepImpl extends requestStepImpls.PassThroughStepImpl {
  static fromDefinition = (definition: FlowscopePassThroughStep) =>
    Object.assign(new FlowscopePassThroughStepImpl(), definition);
  declare settings: PassThroughSettings;
  declare hooks: StepHooks;

  async handle(clientReq: OngoingRequest, clientRes: TrackedResponse, options: unknown): Promise<void> {
    const { id } = clientReq;
    this.hooks.onRequest(reportedRequest(clientReq, this.settings), 'http', tlsOf(clientReq));
    const policy = this.settings.policy?.();
    let bodyLimitHit = false;
    const bodyLimit = policy?.maxRequestBodyBytes ?? null;
    let bodyBytes = 0;
    let refuseBody = () => {};
    tapRequestBody(clientReq, (chunk) => {
      this.hooks.onBodyChunk(id, 'request', chunk);
      bodyBytes += chunk.length;
      if (bodyLimit !== null && bodyBytes > bodyLimit && !bodyLimitHit) {
        bodyLimitHit = true;
        abortUpstream(clientRes);
        refuseBody();
      }
    });
    tapResponseBody(clientRes, (chunk) => this.hooks.onBodyChunk(id, 'response', chunk));
    // Listening to mockttp's 'response' event instead would make it rebuild every response (and
    // buffer its body); we stamp the response's end ourselves, as that event would.
    let reported = false;
    const report = (complete: boolean) => {
      if (reported) return;
      reported = true;
      const response: InitiatedResponse | null = clientRes.headersSent
        ? {
            id,
            statusCode: clientRes.statusCode,
            // HTTP/2 has no status message (and Node warns when one is read).
            statusMessage: clientReq.httpVersionMajor >= 2 ? '' : clientRes.statusMessage,
            headers: {},
            rawHeaders: clientRes.getRawHeaders(),
            timingEvents: complete
              ? { ...clientRes.timingEvents, responseSentTimestamp: clientRes.timingEvents.responseSentTimestamp ?? performance.now() }
              : clientRes.timingEvents,
            tags: clientRes.tags,
          }
        : null;
      this.hooks.onResponse(id, response, complete);
    };
    clientRes.once('finish', () => report(true));
    clientRes.once('close', () => report(false));
    if (policy) {
      const release = await applyPolicy(policy, clientReq, clientRes, this.settings.proxyAuthApplies === true, this.hooks);
      if (release === false) return;
      if (release) {
        clientRes.once('close', release);
        clientRes.once('finish', release);
      }
    }
    const connection = connectionOf(clientReq);
    const agentHook = this.settings.agentHook?.();
    if (agentHook) setAgentHook(connection, agentHook, (proxy) => this.hooks.onUpstreamProxy(id, proxyLabel(proxy)));
    let failed = false;
    const fail = (error: FlowError) => {
      if (failed) return;
      failed = true;
      const proxy = agentHook?.chooseProxy ? chosenProxyOf(connection) : null;
      if (proxy && this.settings.onProxyFailure && ['CONNECTION_REFUSED', 'CONNECTION_RESET', 'TIMEOUT', 'DNS_ERROR'].includes(error.type)) {
        this.settings.onProxyFailure(proxy, error);
      }
      if (bodyLimitHit && policy) {
        const refusal = policy.tooLarge();
        error = { type: 'ABORTED', message: `The request body passed the ${policy.maxRequestBodyBytes}-byte limit; Flowscope answered 413.` };
        this.hooks.onUpstreamError(clientReq.id, error);
        if (!clientRes.headersSent) {
          clientRes.writeHead(refusal.status, refusal.headers);
          clientRes.end(refusal.body);
        } else clientRes.destroy();
        return;
      }
      this.hooks.onUpstreamError(clientReq.id, error);
      if (clientRes.headersSent) {
        clientRes.destroy();
        return;
      }
      const { status, body } = upstreamFailureResponse(error, targetOf(clientReq));
      clientRes.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-flowscope-error': error.type });
      clientRes.end(body);
    };
    refuseBody = () => fail({ type: 'ABORTED', message: 'The request body was over the limit.' });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        if (clientRes.headersSent) return;
        abortUpstream(clientRes);
        fail({ type: 'TIMEOUT', message: `No response headers within ${this.settings.responseTimeoutMs} ms` });
        // Return at once so mockttp records our 504 as the response rather than an abort.
        resolve();
      }, this.settings.responseTimeoutMs);
    });
    const handled: Promise<void> = super.handle(clientReq, clientRes, options);
    try {
      await Promise.race([handled, timedOut]);
    } catch (error) {
      if (error instanceof abortErrorModule.AbortError) throw error;
      // The client went away and mockttp hung up on the upstream: an abort, not an upstream failure.
      if (clientRes.destroyed && !failed) throw new abortErrorModule.AbortError('The client closed the connection', 'CLIENT_ABORTED');
      fail(classifyUpstreamError(error));
    } finally {
      clearTimeout(timer);
      // After a timeout the upstream request is aborted and this rejects; nobody waits for it.
      handled.catch(() => undefined);
    }
  }
}

class FlowscopeWebSocketStep extends wsStepDefinitions.PassThroughWebSocketStep {
  type = WS_STEP;
  constructor(public settings: PassThroughSettings, public hooks: StepHooks) {
    super(mockttpOptions(settings, 'websocket'));
  }
}

interface HookableWs {
  on(event: 'ping' | 'pong' | 'message', fn: (data: Buffer, isBinary?: boolean) => void): void;
  send(data: unknown, ...rest: unknown[]): void;
  ping(data?: unknown, ...rest: unknown[]): void;
  pong(data?: unknown, ...rest: unknown[]): void;
  close(code?: number, reason?: unknown): void;
  upstreamWebSocket?: HookableWs;
}

function asBuffer(data: unknown): Buffer {
  if (data === undefined || data === null) return Buffer.alloc(0);
  if (Buffer.isBuffer(data)) return data;
  if (typeof data === 'string') return Buffer.from(data);
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (Array.isArray(data)) return Buffer.concat(data as Buffer[]);
  return Buffer.from(String(data));
}

/**
 * Hooks the client-facing socket `ws`: what it receives goes client → server, what is sent on it
 * goes server → client. Closes are seen where they are forwarded, which tells their direction.
 */
function hookWebSocket(engineId: string, ws: HookableWs, hooks: StepHooks) {
  const report = (direction: WsDirection, type: WsMessageType, data: unknown, extra: Partial<WsFrame> = {}) =>
    hooks.onWsFrame(engineId, { direction, type, payload: asBuffer(data), time: Date.now(), ...extra });
  ws.on('message', (data, isBinary) => report('client-to-server', isBinary ? 'binary' : 'text', data));
  ws.on('ping', (data) => report('client-to-server', 'ping', data));
  ws.on('pong', (data) => report('client-to-server', 'pong', data));
  const send = ws.send.bind(ws);
  ws.send = (data: unknown, options?: unknown, ...rest: unknown[]) => {
    const binary = (options as { binary?: boolean } | undefined)?.binary ?? typeof data !== 'string';
    report('server-to-client', binary ? 'binary' : 'text', data);
    send(data, options, ...rest);
  };
  for (const type of ['ping', 'pong'] as const) {
    const original = ws[type].bind(ws);
    ws[type] = (data?: unknown, ...rest: unknown[]) => {
      report('server-to-client', type, data);
      original(data, ...rest);
    };
  }
  // Report the close frame that started the closing handshake, once. The ws library answers a
  // received close frame by calling close() itself (with _closeFrameReceived set): that call is the
  // peer's close echoed, so its direction is the other way.
  let closeReported = false;
  const hookClose = (socket: HookableWs, sendsTowards: WsDirection) => {
    const close = socket.close.bind(socket);
    socket.close = (code?: number, reason?: unknown) => {
      if (!closeReported) {
        closeReported = true;
        const echoed = (socket as { _closeFrameReceived?: boolean })._closeFrameReceived === true;
        const direction: WsDirection = echoed
          ? (sendsTowards === 'server-to-client' ? 'client-to-server' : 'server-to-client')
          : sendsTowards;
        report(direction, 'close', reason, { closeCode: code, closeReason: reason === undefined ? '' : asBuffer(reason).toString('utf8') });
      }
      close(code, reason);
    };
  };
  hookClose(ws, 'server-to-client');
  if (ws.upstreamWebSocket) hookClose(ws.upstreamWebSocket, 'client-to-server');
}

class FlowscopeWebSocketStepImpl extends wsStepImpls.PassThroughWebSocketStepImpl {
  static fromDefinition = (definition: FlowscopeWebSocketStep) =>
    Object.assign(new FlowscopeWebSocketStepImpl(), definition);
  declare hooks: StepHooks;
  declare settings: PassThroughSettings;

  async handle(req: OngoingRequest, socket: NodeJS.EventEmitter & { write: (...args: unknown[]) => boolean }, head: Buffer, options: unknown): Promise<void> {
    const hooks = this.hooks;
    hooks.onRequest(reportedRequest(req, this.settings), 'websocket', tlsOf(req));
    const policy = this.settings.policy?.();
    if (policy && !(await applyWebSocketPolicy(policy, req, socket, this.settings.proxyAuthApplies === true, hooks))) return;
    const agentHook = this.settings.agentHook?.();
    if (agentHook) setAgentHook(connectionOf(req), agentHook, (proxy) => hooks.onUpstreamProxy(req.id, proxyLabel(proxy)));
    // Until the upgrade, what is written to the client is the server's answer: kept so that a
    // refused upgrade is recorded with its status and headers.
    const written: Buffer[] = [];
    const write = socket.write;
    socket.write = function (this: unknown, chunk: unknown, ...rest: unknown[]) {
      const bytes = toBuffer(chunk, rest[0]);
      if (bytes && written.length < 64) written.push(Buffer.from(bytes));
      return write.call(this, chunk, ...rest);
    };
    let upgraded = false;
    socket.once('ws-upgrade', (ws: HookableWs) => {
      upgraded = true;
      socket.write = write;
      hookWebSocket(req.id, ws, hooks);
    });
    // When the upstream connection fails, mockttp ends the client's socket without a word (and
    // logs the error): answer 502 with an explanation instead, and record it on the flow.
    const end = (socket as unknown as { end: (...args: unknown[]) => unknown }).end;
    (socket as unknown as { end: (...args: unknown[]) => unknown }).end = function (this: unknown, ...args: unknown[]) {
      if (!upgraded && written.length === 0 && args.length === 0) {
        const error: FlowError = { type: 'OTHER', message: 'The WebSocket server refused, reset or could not be reached.' };
        hooks.onUpstreamError(req.id, error);
        const { status, body } = upstreamFailureResponse(error, targetOf(req));
        socket.write(
          `HTTP/1.1 ${status} Bad Gateway\r\ncontent-type: text/plain; charset=utf-8\r\n` +
            `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
        );
      }
      return end.apply(this, args);
    };
    socket.once('close', () => {
      if (upgraded || written.length === 0) return; // nothing sent: mockttp reports an abort
      const response = parseRawHttpResponse(Buffer.concat(written), req) as InitiatedResponse;
      hooks.onResponse(req.id, { ...response, timingEvents: { ...req.timingEvents, responseSentTimestamp: performance.now() } }, true);
    });
    return super.handle(req, socket, head, options);
  }
}

requestStepImpls.StepLookup[HTTP_STEP] = FlowscopePassThroughStepImpl;
wsStepImpls.WsStepLookup[WS_STEP] = FlowscopeWebSocketStepImpl;

export function passThroughSteps(settings: PassThroughSettings, hooks: StepHooks): { http: RequestStep; webSocket: WebSocketStep } {
  return {
    http: new FlowscopePassThroughStep(settings, hooks) as unknown as RequestStep,
    webSocket: new FlowscopeWebSocketStep(settings, hooks) as unknown as WebSocketStep,
  };
}
