/**
 * With mockttp-shortcuts.ts, the only place that reaches into mockttp's internals. mockttp is
 * pinned to an exact version in package.json because of these files; test/integration/capture-*
 * and mockttp-shortcuts tests fail loudly if it changes.
 *
 * Why we need it:
 * - `Mockttp.start(port)` listens on every interface; the security rules want 127.0.0.1 unless
 *   the user asks otherwise, so the listen call gets our host.
 * - Its passthrough step has no upstream timeout, answers failures with `e.toString()` and logs
 *   every one to the console; our step subclasses add timeouts, plain-text explanations and a
 *   hook that reports the classified error to capture.
 * - Its WebSocket events carry no ping, pong or close direction; our WebSocket step hooks them.
 *
 * mockttp-shortcuts.ts also uses these handles, to skip per-request work Flowscope does not need.
 */
import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import net, { type Socket } from 'node:net';
import { Readable } from 'node:stream';
import path from 'node:path';

const require = createRequire(import.meta.url);
const mockttpDist = path.dirname(require.resolve('mockttp'));

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped internals
type Any = any;

export function internal(relativePath: string): Any {
  return require(path.join(mockttpDist, relativePath));
}

export const comboServerModule: { createComboServer: (...args: Any[]) => Promise<Any> } =
  internal('server/http-combo-server.js');
export const requestStepImpls: { StepLookup: Record<string, Any>; PassThroughStepImpl: Any } =
  internal('rules/requests/request-step-impls.js');
export const requestStepDefinitions: { PassThroughStep: Any } =
  internal('rules/requests/request-step-definitions.js');
export const wsStepImpls: { WsStepLookup: Record<string, Any>; PassThroughWebSocketStepImpl: Any } =
  internal('rules/websockets/websocket-step-impls.js');
export const wsStepDefinitions: { PassThroughWebSocketStep: Any } =
  internal('rules/websockets/websocket-step-definitions.js');
export const requestUtils: {
  preprocessRequest: (...args: Any[]) => Any;
  trackResponse: (response: Any, timingEvents: Any, tags: string[], options: Any) => Any;
  parseRequestBody: (stream: Any, options: { maxSize: number }) => void;
  parseRawHttpResponse: (data: Buffer, request: Any) => Any;
} = internal('util/request-utils.js');

/** mockttp's parser for a raw HTTP response head (used for refused WebSocket upgrades). */
export const parseRawHttpResponse = (data: Buffer, request: unknown) => requestUtils.parseRawHttpResponse(data, request);
const socketUtil: { isSocketLoop: (outgoing: Set<Any>, incoming: Any) => boolean } = internal('util/socket-util.js');
const ipUtils: { normalizeIP: (ip: string | undefined) => string | undefined } = internal('util/ip-utils.js');
export const abortErrorModule: { AbortError: new (...args: Any[]) => Error } = internal('util/abort-error.js');

/**
 * What a listener lets Flowscope decide before mockttp sees a connection: mockttp has no client
 * address lists and no proxy authentication, and reports TLS passthrough tunnels without the
 * bytes they carried.
 */
export interface ListenerHooks {
  /** A new TCP connection: false refuses it (the socket is destroyed unanswered). */
  admitConnection?(socket: Socket): boolean;
  /** A CONNECT request: null lets it through; otherwise the raw HTTP response to send before closing. */
  checkConnect?(req: IncomingMessage, socket: Socket): string | null;
  /** A CONNECT tunnel that is relayed without TLS interception (tlsPassthrough / tlsInterceptOnly). */
  onTlsPassthrough?(socket: Socket, hostname: string, port: number | undefined): void;
}

// Not AsyncLocalStorage: in Node 20 it switches on promise hooks for the whole process, which
// every proxied request would then pay for. Starts are serialized instead; they are rare.
let listenHost: string | null = null;
let listenHooks: ListenerHooks = {};
let starting: Promise<unknown> = Promise.resolve();
let listenPatched = false;

/** Before the server is made: mockttp hands this listener to its TLS server as it builds it. */
function hookOptions(options: Any, hooks: ListenerHooks): void {
  if (hooks.onTlsPassthrough && typeof options?.tlsPassthroughListener === 'function') {
    const relay = options.tlsPassthroughListener;
    options.tlsPassthroughListener = (socket: Socket, hostname: string, port?: number) => {
      hooks.onTlsPassthrough!(socket, hostname, port);
      relay(socket, hostname, port);
    };
  }
}

function installHooks(server: Any, hooks: ListenerHooks): void {
  if (!hooks.admitConnection && !hooks.checkConnect) return;
  const admitted = new WeakSet<object>();
  const emit = server.emit.bind(server);
  server.emit = (event: string, ...args: Any[]) => {
    if (event === 'connection' && hooks.admitConnection) {
      const socket = args[0];
      // Tunnels come back through 'connection' as the same socket (or an HTTP/2 stream without an address).
      if (socket && !admitted.has(socket) && socket.remoteAddress !== undefined) {
        if (!hooks.admitConnection(socket)) {
          socket.destroy();
          return true;
        }
        admitted.add(socket);
      }
    }
    return emit(event, ...args);
  };
  // httpolyglot hands each listener of its own to the HTTP/1 server inside it, which emits
  // 'connect' itself: that is where a CONNECT can be stopped. (HTTP/2 CONNECT to a proxy is not checked.)
  const h1 = server._httpServer;
  if (hooks.checkConnect && h1) {
    const emitH1 = h1.emit.bind(h1);
    h1.emit = (event: string, ...args: Any[]) => {
      if (event === 'connect' && args[1] instanceof net.Socket) {
        const refusal = hooks.checkConnect!(args[0], args[1]);
        if (refusal !== null) {
          args[1].end(refusal);
          return true;
        }
      }
      return emitH1(event, ...args);
    };
  }
}

/**
 * Runs `start` (which calls mockttp's start) so that its server listens on `host` only, with the
 * given hooks. Anything started outside this function still defaults to loopback, without hooks.
 */
export function withListenHost<T>(host: string, start: () => Promise<T>, hooks: ListenerHooks = {}): Promise<T> {
  if (!listenPatched) {
    const original = comboServerModule.createComboServer;
    comboServerModule.createComboServer = async (options: Any, ...rest: Any[]) => {
      const hooksNow = listenHooks;
      hookOptions(options, hooksNow);
      const server = await original(options, ...rest);
      installHooks(server, hooksNow);
      const host = listenHost ?? '127.0.0.1';
      const listen = server.listen.bind(server);
      server.listen = (port: number, ...more: Any[]) => listen(port, host, ...more);
      return server;
    };
    listenPatched = true;
  }
  const run = starting.then(async () => {
    listenHost = host;
    listenHooks = hooks;
    try {
      return await start();
    } finally {
      listenHost = null;
      listenHooks = {};
    }
  });
  starting = run.catch(() => undefined);
  return run;
}

let bodyStreamPatched = false;
const PROXY_AUTHORIZATION = Symbol('flowscope.proxyAuthorization');

/** The Proxy-Authorization header a proxied request came with (mockttp removes it from the request's headers). */
export function proxyAuthorizationOf(req: object): string | undefined {
  return (req as Record<symbol, string | undefined>)[PROXY_AUTHORIZATION];
}

/** HTTP/1 requests without Content-Length or Transfer-Encoding have no body (RFC 9112 6.3). */
export function requestHasNoBody(req: Pick<IncomingMessage, 'headers' | 'httpVersionMajor'>): boolean {
  const length = req.headers['content-length'];
  return req.httpVersionMajor < 2 && (length === undefined || length === '0') && req.headers['transfer-encoding'] === undefined;
}

/** A readable stream that has ended: an empty body. */
export function endedStream(): Readable {
  const stream = new Readable({ read() {} });
  stream.push(null);
  return stream;
}

/**
 * Request bodies as mockttp's passthrough reads them.
 *
 * mockttp resolves a body larger than its maxBodySize as empty, and any body.asStream() made after
 * that streams nothing, so a large upload would reach the origin empty. We make the stream the
 * passthrough step reads at preprocessing time, before any data has arrived, and hand it out on
 * the first later call. (Our rules have one matcher that never reads the body, and one step.)
 *
 * A request without a body (most are GETs) gets an empty stream instead of mockttp's buffering
 * one (a promise, an event emitter, listeners on the request and a PassThrough per request), and
 * its body counts as received with its head.
 */
export function keepRequestBodiesStreamable(): void {
  if (bodyStreamPatched) return;
  bodyStreamPatched = true;
  const original = requestUtils.preprocessRequest;
  requestUtils.preprocessRequest = (...args: Any[]) => {
    // mockttp drops Proxy-Authorization from proxied requests here; proxy authentication needs it.
    const proxyAuthorization = args[0]?.headers?.['proxy-authorization'];
    const bodiless = args[0]?.headers !== undefined && requestHasNoBody(args[0]);
    const request = original(...args);
    if (request && typeof proxyAuthorization === 'string') request[PROXY_AUTHORIZATION] = proxyAuthorization;
    const body = request?.body;
    if (body && bodiless) {
      request.timingEvents.bodyReceivedTimestamp ??= request.timingEvents.startTimestamp;
      body.asStream = endedStream;
    } else if (body) {
      const early = body.asStream();
      const later = body.asStream.bind(body);
      let handedOut = false;
      body.asStream = () => {
        if (handedOut) return later();
        handedOut = true;
        return early;
      };
    }
    return request;
  };
}

interface SocketEnds {
  localAddress?: string | undefined;
  localPort?: number | undefined;
  remoteAddress?: string | undefined;
  remotePort?: number | undefined;
}

/**
 * The upstream sockets of one passthrough step (mockttp adds each once connected and deletes it
 * when closed), indexed by local port: the loop check then looks at the sockets that could be the
 * other end of a request's connection, not at all of them for every request.
 */
export class OutgoingSockets extends Set<SocketEnds> {
  private readonly byLocalPort = new Map<number, Set<SocketEnds>>();
  /** The port each was indexed under: a closed socket no longer knows its own. */
  private readonly portOf = new Map<SocketEnds, number>();

  override add(socket: SocketEnds): this {
    super.add(socket);
    const port = socket.localPort;
    if (port !== undefined && !this.portOf.has(socket)) {
      this.portOf.set(socket, port);
      let sockets = this.byLocalPort.get(port);
      if (!sockets) this.byLocalPort.set(port, (sockets = new Set()));
      sockets.add(socket);
    }
    return this;
  }

  override delete(socket: SocketEnds): boolean {
    const port = this.portOf.get(socket);
    if (port !== undefined) {
      this.portOf.delete(socket);
      const sockets = this.byLocalPort.get(port);
      sockets?.delete(socket);
      if (sockets?.size === 0) this.byLocalPort.delete(port);
    }
    return super.delete(socket);
  }

  override clear(): void {
    this.byLocalPort.clear();
    this.portOf.clear();
    super.clear();
  }

  /** The sockets whose local port is `port`. */
  withLocalPort(port: number): Iterable<SocketEnds> {
    return this.byLocalPort.get(port) ?? [];
  }
}

/**
 * A request loop is a connection from this proxy to itself: one of our outgoing sockets is the
 * other end of the incoming one, so all four ends match. mockttp compares only the outgoing local
 * end with the incoming remote end, and Linux gives the same ephemeral port to connections with
 * different destinations, so under many loopback connections ordinary requests were refused with
 * "Passthrough loop detected" (seen in our benchmark, on bare mockttp too).
 */
export function isRequestLoop(outgoingSockets: Iterable<SocketEnds>, incoming: SocketEnds): boolean {
  if (incoming.remotePort === undefined || incoming.localPort === undefined) return false;
  const candidates = outgoingSockets instanceof OutgoingSockets ? outgoingSockets.withLocalPort(incoming.remotePort) : outgoingSockets;
  for (const outgoing of candidates) {
    if (
      outgoing.localPort === incoming.remotePort &&
      outgoing.remotePort === incoming.localPort &&
      ipUtils.normalizeIP(outgoing.localAddress) === ipUtils.normalizeIP(incoming.remoteAddress) &&
      ipUtils.normalizeIP(outgoing.remoteAddress) === ipUtils.normalizeIP(incoming.localAddress)
    ) {
      return true;
    }
  }
  return false;
}

let loopCheckPatched = false;

export function useExactLoopDetection(): void {
  if (loopCheckPatched) return;
  loopCheckPatched = true;
  socketUtil.isSocketLoop = isRequestLoop;
}

const socketExtensions: { LastTunnelAddress: symbol } = internal('util/socket-extensions.js');

/** The CONNECT target the request's connection was tunnelled to, if it came through a tunnel. */
export function tunnelAddressOf(req: { socket?: unknown; stream?: { session?: { socket?: unknown } } }): string | undefined {
  const socket = (req.stream?.session?.socket ?? req.socket) as Record<symbol, string | undefined> | undefined;
  return socket?.[socketExtensions.LastTunnelAddress];
}

/** What decides, per downstream connection, how mockttp reaches upstreams. */
export interface AgentHook {
  /** The upstream proxy for a request to `hostname` (null: direct). Resolves before the agent is made. */
  chooseProxy?(hostname: string): Promise<string | null>;
  /** Applied once to each agent mockttp makes for this connection (timeouts). */
  decorate?(agent: unknown): void;
}

const AGENT_HOOK = Symbol('flowscope.agentHook');
const CHOSEN_PROXY = Symbol('flowscope.chosenProxy');
const ON_CHOSEN = Symbol('flowscope.onChosenProxy');
const httpAgents: { getAgent: (params: Any) => Promise<Any> } = internal('rules/http-agents.js');
let agentsPatched = false;

/**
 * Sets the hook for the upstream requests made for this downstream connection (a socket or HTTP/2
 * session); `onChosen` hears which upstream proxy the next one uses (exact for HTTP/1, where a
 * connection carries one request at a time).
 */
export function setAgentHook(connection: object, hook: AgentHook, onChosen?: (proxyUrl: string) => void): void {
  (connection as Record<symbol, unknown>)[AGENT_HOOK] = hook;
  (connection as Record<symbol, unknown>)[ON_CHOSEN] = onChosen;
  if (agentsPatched) return;
  agentsPatched = true;
  const original = httpAgents.getAgent;
  httpAgents.getAgent = async (params: Any) => {
    const hook: AgentHook | undefined = params.connection?.[AGENT_HOOK];
    if (!hook) return original(params);
    let next = params;
    if (hook.chooseProxy) {
      const proxyUrl = await hook.chooseProxy(params.hostname);
      params.connection[CHOSEN_PROXY] = proxyUrl;
      if (proxyUrl) params.connection[ON_CHOSEN]?.(proxyUrl);
      next = { ...params, proxySettingSource: proxyUrl ? { proxyUrl } : undefined };
    }
    const agent = await original(next);
    if (agent && hook.decorate) {
      if (typeof agent === 'object' && 'https' in agent && 'http2' in agent) {
        hook.decorate(agent.https);
        hook.decorate(agent.http2);
      } else hook.decorate(agent);
    }
    return agent;
  };
}

/** The upstream proxy chosen for the last upstream request of this connection (exact for HTTP/1). */
export function chosenProxyOf(connection: object): string | null | undefined {
  return (connection as Record<symbol, string | null | undefined>)[CHOSEN_PROXY];
}
