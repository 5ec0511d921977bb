/**
 * The only place that reaches into mockttp's internals. mockttp is pinned to an exact version in
 * package.json because of this file; test/integration/engine*.test.ts fail loudly if it changes.
 *
 * Why we need it:
 * - `Mockttp.start(port)` listens on every interface; the security rules want 127.0.0.1 unless
 *   the user asks otherwise, so the listen call gets our host.
 * - Its passthrough step has no upstream timeout, answers failures with `e.toString()` and logs
 *   every one to the console; our step subclasses add timeouts, plain-text explanations and a
 *   hook that reports the classified error to capture.
 * - Its WebSocket events carry no ping, pong or close direction; our WebSocket step hooks them.
 */
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const mockttpDist = path.dirname(require.resolve('mockttp'));

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped internals
type Any = any;

function internal(relativePath: string): Any {
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
const requestUtils: { preprocessRequest: (...args: Any[]) => Any; parseRawHttpResponse: (data: Buffer, request: Any) => Any } =
  internal('util/request-utils.js');

/** mockttp's parser for a raw HTTP response head (used for refused WebSocket upgrades). */
export const parseRawHttpResponse = (data: Buffer, request: unknown) => requestUtils.parseRawHttpResponse(data, request);
const socketUtil: { isSocketLoop: (outgoing: Set<Any>, incoming: Any) => boolean } = internal('util/socket-util.js');
const ipUtils: { normalizeIP: (ip: string | undefined) => string | undefined } = internal('util/ip-utils.js');
export const abortErrorModule: { AbortError: new (...args: Any[]) => Error } = internal('util/abort-error.js');

// Not AsyncLocalStorage: in Node 20 it switches on promise hooks for the whole process, which
// every proxied request would then pay for. Starts are serialized instead; they are rare.
let listenHost: string | null = null;
let starting: Promise<unknown> = Promise.resolve();
let listenPatched = false;

/**
 * Runs `start` (which calls mockttp's start) so that its server listens on `host` only.
 * Anything started outside this function still defaults to loopback.
 */
export function withListenHost<T>(host: string, start: () => Promise<T>): Promise<T> {
  if (!listenPatched) {
    const original = comboServerModule.createComboServer;
    comboServerModule.createComboServer = async (...args: Any[]) => {
      const server = await original(...args);
      const host = listenHost ?? '127.0.0.1';
      const listen = server.listen.bind(server);
      server.listen = (port: number, ...rest: Any[]) => listen(port, host, ...rest);
      return server;
    };
    listenPatched = true;
  }
  const run = starting.then(async () => {
    listenHost = host;
    try {
      return await start();
    } finally {
      listenHost = null;
    }
  });
  starting = run.catch(() => undefined);
  return run;
}

let bodyStreamPatched = false;

/**
 * mockttp resolves a body larger than its maxBodySize as empty, and any body.asStream() made after
 * that streams nothing, so a large upload would reach the origin empty. We make the stream the
 * passthrough step reads at preprocessing time, before any data has arrived, and hand it out on
 * the first later call. (Our rules have one matcher that never reads the body, and one step.)
 */
export function keepRequestBodiesStreamable(): void {
  if (bodyStreamPatched) return;
  bodyStreamPatched = true;
  const original = requestUtils.preprocessRequest;
  requestUtils.preprocessRequest = (...args: Any[]) => {
    const request = original(...args);
    const body = request?.body;
    if (body) {
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
 * A request loop is a connection from this proxy to itself: one of our outgoing sockets is the
 * other end of the incoming one, so all four ends match. mockttp compares only the outgoing local
 * end with the incoming remote end, and Linux gives the same ephemeral port to connections with
 * different destinations, so under many loopback connections ordinary requests were refused with
 * "Passthrough loop detected" (seen in our benchmark, on bare mockttp too).
 */
export function isRequestLoop(outgoingSockets: Iterable<SocketEnds>, incoming: SocketEnds): boolean {
  if (incoming.remotePort === undefined || incoming.localPort === undefined) return false;
  for (const outgoing of outgoingSockets) {
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
