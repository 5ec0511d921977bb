/**
 * Per-request work mockttp does that Flowscope does not need, or whose answer never changes,
 * skipped or remembered. Capture has to fit in a small part of a proxied request's time (issue 2's
 * benchmark: at least 0.85x bare mockttp's throughput), and these were a measured part of mockttp's
 * own. Each is checked on a plain mockttp server in test/integration/mockttp-shortcuts.test.ts or
 * in test/unit/upstream-tls-options.test.ts; like mockttp-internals.ts, they depend on mockttp's
 * exact version.
 */
import { endedStream, internal, requestUtils } from './mockttp-internals.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped internals
type Any = any;

const passthroughHandling: { getUpstreamTlsOptions: (params: Any) => object } = internal('rules/passthrough-handling.js');
let tlsOptionsCached = false;

/**
 * mockttp works out the upstream TLS options (a Firefox-like client hello: curves, sigalgs and
 * ciphers joined into strings, and the trust settings) afresh for every request, plain HTTP
 * included: about 2% of a proxied request's time on the event loop. They depend only on the host,
 * the port and the step's settings, which a step keeps for its life, so each is worked out once.
 * Options that mirror a client's TLS fingerprint depend on its connection and are never cached
 * (we do not turn that on).
 */
export function cacheUpstreamTlsOptions(): void {
  if (tlsOptionsCached) return;
  tlsOptionsCached = true;
  const original = passthroughHandling.getUpstreamTlsOptions;
  // Per step settings object (each step has its own clientCertificateHostMap), then per host and port.
  const caches = new WeakMap<object, { ignore: unknown; cas: unknown; byHost: Map<string, object> }>();
  passthroughHandling.getUpstreamTlsOptions = (params: Any) => {
    const certMap = params.clientCertificateHostMap;
    if (params.connection || typeof certMap !== 'object' || certMap === null) return original(params);
    let cache = caches.get(certMap);
    if (!cache || cache.ignore !== params.ignoreHostHttpsErrors || cache.cas !== params.trustedCAs) {
      cache = { ignore: params.ignoreHostHttpsErrors, cas: params.trustedCAs, byHost: new Map() };
      caches.set(certMap, cache);
    }
    const key = `${params.hostname} ${params.port}`;
    let options = cache.byHost.get(key);
    if (!options) {
      if (cache.byHost.size >= 2000) cache.byHost.clear();
      // Callers spread it into their request options; frozen so none can change it for the next.
      options = Object.freeze(original(params));
      cache.byHost.set(key, options);
    }
    return options;
  };
}

/**
 * mockttp reads its own port (server.address(), a system call) for every request it parses. The
 * port is fixed once listening, so this instance answers it from memory until it stops.
 */
export function rememberPort(server: object, port: number): () => void {
  Object.defineProperty(server, 'port', { configurable: true, get: () => port });
  return () => {
    delete (server as { port?: number }).port;
  };
}

let responseTrackingPatched = false;
let emptyBody: unknown;

/**
 * What mockttp reports as the body of every response then: one reader of an empty stream, shared
 * (it only ever gives an empty buffer or a fresh empty stream). Assigned rather than defined
 * lazily: a property defined on a response would turn it into a slow dictionary object.
 */
function emptyResponseBody(): unknown {
  if (emptyBody === undefined) {
    const source: Any = endedStream();
    requestUtils.parseRequestBody(source, { maxSize: 0 });
    emptyBody = source.body;
  }
  return emptyBody;
}

/**
 * mockttp copies every byte of every response into a PassThrough stream and a buffering reader,
 * for its 'response' event. A server that keeps no bodies (maxBodySize 0, as our engine runs)
 * would buffer nothing from it, and Flowscope taps response bodies itself, so responses are
 * written straight to the client; the body mockttp reports is the empty one it would have kept.
 * mockttp's tracking of the head, timings and trailers is untouched, and where anyone asks for
 * body data events, its tracking is left whole.
 */
export function skipResponseBodyTracking(): void {
  if (responseTrackingPatched) return;
  responseTrackingPatched = true;
  const original = requestUtils.trackResponse;
  requestUtils.trackResponse = (response: Any, timingEvents: Any, tags: string[], options: Any) => {
    if (options?.maxSize !== 0 || options.onBodyData) return original(response, timingEvents, tags, options);
    const { write, end } = response;
    const tracked = original(response, timingEvents, tags, options);
    tracked.write = write;
    tracked.end = end;
    tracked.body = emptyResponseBody();
    return tracked;
  };
}
