/**
 * Turns mockttp's events (and our step hooks) into Flow records for the store. Nothing here waits
 * on the database: records are handed to the store's queue, bodies are prepared off the event loop.
 */
import type { Socket } from 'node:net';
import type {
  AbortedRequest, ClientError, InitiatedRequest, InitiatedResponse, Mockttp, TimingEvents, TlsHandshakeFailure,
} from 'mockttp';
import type { FlowError } from '../../src-shared/model/errors.js';
import type {
  BodyInfo, ConnectionEvent, Flow, FlowScheme, RawHeaders, TlsInfo, WsMessage,
} from '../../src-shared/model/flow.js';
import { classifyTraffic } from '../../src-shared/model/classify.js';
import { headerValue } from '../../src-shared/util/headers.js';
import { isContentEncoded, type CapturedBody, type QueuedBody } from '../store/body-codec.js';
import { BodyCapture } from './body-capture.js';
import { urlParts } from './url-parts.js';
import { malformedRequestFlow, recordTunnel, timingsOf, tlsClientErrorEvent } from './connection-records.js';
import type { BodySide, StepHooks, WsFrame } from './passthrough-steps.js';

/** What capture needs of the store (FlowStore implements it). */
export interface CaptureSink {
  allocateFlowId(): number;
  enqueueFlow(flow: Flow, bodies?: { request?: QueuedBody; response?: QueuedBody }): void;
  enqueueWsMessage(message: WsMessage): void;
  enqueueEvent(event: Omit<ConnectionEvent, 'id'>): void;
}

interface Exchange {
  flowId: number;
  kind: Flow['kind'];
  request: InitiatedRequest | null;
  requestBody: BodyCapture;
  responseBody: BodyCapture;
  response: InitiatedResponse | null;
  tls: TlsInfo | null;
  error: FlowError | null;
  wsSeq: number;
  /** A WebSocket flow's row has been queued (it must be before any of its messages). */
  written: boolean;
  finished: boolean;
  /** The block rule that answered instead of an upstream. */
  blockedBy: string | null;
  upstreamProxy: string | null;
}

/** What an encoded body decodes to is measured by the writer thread, which fills it in. */
function bodyInfo(body: BodyCapture, headers: RawHeaders): BodyInfo {
  const contentEncoding = headerValue(headers, 'content-encoding');
  return {
    wireSize: body.size,
    decodedSize: body.size === 0 ? 0 : body.truncated || isContentEncoded(contentEncoding) ? null : body.captured,
    capturedSize: body.captured,
    truncated: body.truncated,
    dropped: false,
    contentType: headerValue(headers, 'content-type'),
    contentEncoding,
  };
}

/**
 * The captured bytes of a body, handed to the store, which prepares them on its writer thread and
 * returns the buffer once they are committed. Undefined (and the buffer returned now) when there
 * are none.
 */
function handOver(body: BodyCapture, headers: RawHeaders | null): CapturedBody | undefined {
  if (body.captured === 0 || headers === null) {
    body.release();
    return undefined;
  }
  return {
    storage: 'captured',
    data: body.bytes(),
    contentEncoding: headerValue(headers, 'content-encoding'),
    truncated: body.truncated,
    release: () => body.release(),
  };
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}

export class Capture implements StepHooks {
  private readonly exchanges = new Map<string, Exchange>();

  /** Hosts the user classifies as LLM traffic besides the well-known ones (Settings). */
  llmHosts: readonly string[] = [];

  /** maxBodySize may change while running (Settings); flows that start after the change use the new cap. */
  constructor(private readonly sink: CaptureSink, public maxBodySize: number) {}

  get inFlight(): number {
    return this.exchanges.size;
  }

  async attach(server: Mockttp): Promise<void> {
    // Requests, bodies and responses come from our passthrough steps (hooks below); mockttp's
    // events report aborts, WebSocket milestones, and what never reached a step.
    await server.on('abort', (req) => this.onAbort(req));
    await server.on('websocket-accepted', (res) => this.onWebSocketAccepted(res));
    await server.on('websocket-close', (close) => this.finishWebSocket(close.streamId, close.timingEvents));
    await server.on('tls-client-error', (failure) => this.onTlsClientError(failure));
    await server.on('client-error', (error) => this.onClientError(error));
  }

  // Step hooks, called synchronously by our passthrough steps.
  onRequest(request: InitiatedRequest, kind: Flow['kind'], tls: TlsInfo | null): void {
    const exchange = this.exchange(request.id, kind);
    exchange.request = request;
    exchange.tls = tls;
  }

  onBodyChunk(engineId: string, side: BodySide, chunk: Buffer): void {
    this.exchanges.get(engineId)?.[side === 'request' ? 'requestBody' : 'responseBody'].add(chunk);
  }

  onUpstreamError(engineId: string, error: FlowError): void {
    const exchange = this.exchanges.get(engineId);
    if (exchange) exchange.error = error;
  }

  onBlocked(engineId: string, rule: string): void {
    const exchange = this.exchanges.get(engineId);
    if (exchange) exchange.blockedBy = rule;
  }

  onUpstreamProxy(engineId: string, proxy: string): void {
    const exchange = this.exchanges.get(engineId);
    if (exchange) exchange.upstreamProxy = proxy;
  }

  onWsFrame(engineId: string, frame: WsFrame): void {
    const exchange = this.exchanges.get(engineId);
    if (!exchange?.request) return;
    // A server may speak first, in the same read as its 101: the flow row must precede its messages.
    if (!exchange.written) this.writeOpenWebSocket(exchange, exchange.request.timingEvents);
    // A view is enough: the store copies the bytes into its message chunk at once.
    const payload = frame.payload.length > this.maxBodySize ? frame.payload.subarray(0, this.maxBodySize) : frame.payload;
    this.sink.enqueueWsMessage({
      flowId: exchange.flowId,
      seq: exchange.wsSeq++,
      direction: frame.direction,
      type: frame.type,
      time: frame.time,
      size: frame.payload.length,
      payload,
      truncated: payload.length < frame.payload.length,
      closeCode: frame.closeCode ?? null,
      closeReason: frame.closeReason ?? null,
    });
  }

  private exchange(engineId: string, kind: Flow['kind']): Exchange {
    let exchange = this.exchanges.get(engineId);
    if (!exchange) {
      exchange = {
        flowId: this.sink.allocateFlowId(),
        kind,
        request: null,
        requestBody: new BodyCapture(this.maxBodySize),
        responseBody: new BodyCapture(this.maxBodySize),
        response: null,
        tls: null,
        error: null,
        wsSeq: 0,
        written: false,
        finished: false,
        blockedBy: null,
        upstreamProxy: null,
      };
      this.exchanges.set(engineId, exchange);
    }
    return exchange;
  }

  onResponse(engineId: string, res: InitiatedResponse | null, complete: boolean): void {
    const exchange = this.exchanges.get(engineId);
    if (!exchange) return;
    if (res) exchange.response = res;
    if (exchange.kind === 'websocket') {
      // An upgrade the server refused: an ordinary response on a WebSocket flow.
      this.finishWebSocket(engineId, res?.timingEvents ?? exchange.request!.timingEvents);
      return;
    }
    if (!complete) {
      exchange.error ??= { type: 'ABORTED', message: 'The connection to the client closed before the response was complete.' };
      // The close is the end of this flow (mockttp stamps its abort only later, if at all).
      const closed = (t: TimingEvents): TimingEvents => ({ ...t, abortedTimestamp: t.abortedTimestamp ?? performance.now() });
      if (exchange.response) exchange.response = { ...exchange.response, timingEvents: closed(exchange.response.timingEvents) };
      else exchange.request = { ...exchange.request!, timingEvents: closed(exchange.request!.timingEvents) };
    }
    this.finish(engineId, exchange);
  }

  private onAbort(req: AbortedRequest): void {
    // A request that reached a step (its rule matched) already has its flow, finished or not;
    // one aborted before that starts its flow here.
    if (!this.exchanges.has(req.id) && req.matchedRuleId !== undefined) return;
    const exchange = this.exchange(req.id, 'http');
    exchange.request ??= req;
    exchange.error ??= {
      type: 'ABORTED',
      message: req.error?.message ? `The client went away: ${req.error.message}` : 'The client went away before the exchange finished.',
    };
    if (exchange.kind === 'websocket') {
      this.finishWebSocket(req.id, req.timingEvents);
      return;
    }
    // Keep the timing of the abort: it is the end of this flow.
    exchange.request = { ...exchange.request, timingEvents: req.timingEvents };
    this.finish(req.id, exchange);
  }

  private onWebSocketAccepted(res: InitiatedResponse): void {
    const exchange = this.exchanges.get(res.id);
    if (!exchange?.request) return;
    exchange.response = res;
    this.writeOpenWebSocket(exchange, res.timingEvents);
  }

  /** Written while open so the flow is visible (and its messages have a row); again when it closes. */
  private writeOpenWebSocket(exchange: Exchange, timing: TimingEvents): void {
    exchange.written = true;
    this.sink.enqueueFlow(this.buildFlow(exchange, timing));
  }

  private finishWebSocket(engineId: string, timing: TimingEvents): void {
    const exchange = this.exchanges.get(engineId);
    if (!exchange?.request || exchange.finished) return;
    exchange.finished = true;
    this.exchanges.delete(engineId);
    this.sink.enqueueFlow(this.buildFlow(exchange, timing));
  }

  private finish(engineId: string, exchange: Exchange): void {
    if (exchange.finished || !exchange.request) return;
    exchange.finished = true;
    this.exchanges.delete(engineId);
    const { request, response } = exchange;
    // Built before the bodies are handed over: classification reads the start of the request body.
    const flow = this.buildFlow(exchange, response?.timingEvents ?? request.timingEvents);
    const bodies: { request?: CapturedBody; response?: CapturedBody } = {};
    const requestBody = handOver(exchange.requestBody, request.rawHeaders);
    if (requestBody) bodies.request = requestBody;
    const responseBody = handOver(exchange.responseBody, response?.rawHeaders ?? null);
    if (responseBody) bodies.response = responseBody;
    this.sink.enqueueFlow(flow, bodies);
  }

  /** Called after the engine stopped: lets mockttp's last events (delivered by setImmediate) arrive. */
  async drain(): Promise<void> {
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
  }

  private buildFlow(exchange: Exchange, timing: TimingEvents): Flow {
    const request = exchange.request!;
    const response = exchange.response;
    const { host, port, path, ...url } = urlParts(request.url);
    const scheme = url.scheme as FlowScheme;
    const timings = timingsOf(timing);
    const destination = request.destination;
    return {
      id: exchange.flowId,
      kind: exchange.kind,
      startedAt: timings.start,
      endedAt: timings.end,
      durationMs: timings.end === null ? null : timings.end - timings.start,
      method: request.method,
      url: request.url,
      scheme: exchange.kind === 'websocket' && !scheme.startsWith('ws') ? (scheme === 'https' ? 'wss' : 'ws') : scheme,
      host,
      port,
      path,
      httpVersion: request.httpVersion,
      statusCode: response?.statusCode ?? null,
      statusMessage: response?.statusMessage ?? null,
      requestHeaders: request.rawHeaders,
      responseHeaders: response?.rawHeaders ?? null,
      requestBody: bodyInfo(exchange.requestBody, request.rawHeaders),
      responseBody: response ? bodyInfo(exchange.responseBody, response.rawHeaders) : null,
      clientIp: request.remoteIpAddress ?? null,
      clientPort: request.remotePort ?? null,
      serverIp: destination && isIp(destination.hostname) ? destination.hostname : null,
      serverPort: destination?.port ?? null,
      tls: exchange.tls,
      error: exchange.error,
      timings,
      tags: [],
      source: 'capture',
      replayOf: null,
      trafficClass: classifyTraffic(
        { host, path, requestBody: exchange.requestBody.head(), requestContentType: headerValue(request.rawHeaders, 'content-type') },
        this.llmHosts,
      ),
      blockedBy: exchange.blockedBy,
      upstreamProxy: exchange.upstreamProxy,
    };
  }

  /** A CONNECT tunnel relayed untouched (TLS passthrough): a 'tunnel' flow when it closes. */
  recordTunnel(socket: Socket, hostname: string, port: number): void {
    recordTunnel(this.sink, socket, { hostname, port, llmHosts: this.llmHosts });
  }

  private onTlsClientError(failure: TlsHandshakeFailure): void {
    this.sink.enqueueEvent(tlsClientErrorEvent(failure));
  }

  private onClientError(error: ClientError): void {
    this.sink.enqueueFlow(malformedRequestFlow(this.sink.allocateFlowId(), error, this.llmHosts));
  }
}
