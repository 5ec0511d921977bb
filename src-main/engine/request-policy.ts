/**
 * The traffic policy applied to one request as it reaches a passthrough step: proxy
 * authentication (unless it came through a tunnel that authenticated at CONNECT), block rules,
 * the request body limit, then a place among the upstream requests allowed at once.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Refusal, TrafficPolicy } from '../policy/traffic-policy.js';
import { proxyAuthorizationOf, tunnelAddressOf } from './mockttp-internals.js';
import type { StepHooks } from './passthrough-steps.js';

type PolicyRequest = IncomingMessage & {
  id: string;
  url: string;
  remoteIpAddress?: string;
  remotePort?: number;
  destination?: { hostname: string; port: number };
  stream?: { session?: object & { socket?: unknown } };
};

/** The downstream connection a request arrived on: its socket, or its HTTP/2 session. */
export function connectionOf(req: { socket?: unknown; stream?: { session?: object } }): object {
  return (req.stream?.session ?? req.socket) as object;
}

/** An upstream proxy as a flow shows it: without its credentials. */
export function proxyLabel(proxyUrl: string): string {
  try {
    const url = new URL(proxyUrl);
    url.username = '';
    url.password = '';
    return url.href.replace(/\/$/, '');
  } catch {
    return proxyUrl;
  }
}

/** mockttp has parsed the destination already: no URL parsing per request. */
function hostOf(req: PolicyRequest): string {
  if (req.destination?.hostname) return req.destination.hostname;
  try {
    return new URL(req.url).hostname;
  } catch {
    return '';
  }
}

function rawHeaderPairs(req: IncomingMessage): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) pairs.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
  return pairs;
}

/** The proxy's credentials are for the proxy: they must not travel on to the origin. */
function dropProxyCredentials(req: IncomingMessage): void {
  if (req.headers['proxy-authorization'] === undefined) return;
  delete req.headers['proxy-authorization'];
  const kept: string[] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i]!.toLowerCase() !== 'proxy-authorization') kept.push(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  }
  req.rawHeaders.splice(0, req.rawHeaders.length, ...kept);
}

/** The refusal a request gets, if any; nothing is sent here. */
function refusalOf(policy: TrafficPolicy, req: PolicyRequest, proxyAuthApplies: boolean): Refusal | null {
  if (proxyAuthApplies && policy.requiresAuth && tunnelAddressOf(req) === undefined) {
    const header = proxyAuthorizationOf(req) ?? req.headers['proxy-authorization'];
    const refusal = policy.authenticate(typeof header === 'string' ? header : undefined, { ip: req.remoteIpAddress, port: req.remotePort }, connectionOf(req), hostOf(req) || req.url);
    if (refusal) return refusal;
  }
  dropProxyCredentials(req);
  if (!policy.hasBlockRules) return policy.bodyTooLarge(req.headers['content-length']);
  let headers: Array<[string, string]> | null = null;
  const facts = {
    method: req.method ?? 'GET',
    url: req.url,
    host: hostOf(req),
    // Only header rules read them: most requests are never paired up.
    get headers() {
      return (headers ??= rawHeaderPairs(req));
    },
  };
  return policy.block(facts) ?? policy.bodyTooLarge(req.headers['content-length']);
}

/**
 * Applies the policy to an HTTP request. False when the request was refused (and answered, or its
 * connection closed); otherwise the release of its concurrency place (null when there is no
 * limit), to call when the exchange ends. Only waiting for a place is asynchronous, so a request
 * that need not wait costs no promise.
 */
export function applyPolicy(
  policy: TrafficPolicy,
  req: PolicyRequest,
  res: ServerResponse,
  proxyAuthApplies: boolean,
  hooks: StepHooks,
): (() => void) | null | false | Promise<() => void> {
  const refusal = refusalOf(policy, req, proxyAuthApplies);
  if (refusal) {
    if (refusal.blockedBy) hooks.onBlocked(req.id, refusal.blockedBy);
    if (refusal.kind === 'close') {
      hooks.onUpstreamError(req.id, { type: 'ABORTED', message: `Blocked by the rule ${refusal.blockedBy}: the connection was closed without an answer.` });
      res.destroy();
    } else {
      res.writeHead(refusal.status, refusal.headers);
      res.end(refusal.body);
    }
    return false;
  }
  return policy.concurrency ? policy.concurrency.acquire() : null;
}

/** The same for a WebSocket upgrade (answered on the raw socket). Resolves false when refused. */
export async function applyWebSocketPolicy(
  policy: TrafficPolicy,
  req: PolicyRequest,
  socket: { write: (...args: unknown[]) => boolean; end?: (...args: unknown[]) => unknown; destroy?: () => void },
  proxyAuthApplies: boolean,
  hooks: StepHooks,
): Promise<boolean> {
  const refusal = refusalOf(policy, req, proxyAuthApplies);
  if (!refusal) return true;
  if (refusal.blockedBy) hooks.onBlocked(req.id, refusal.blockedBy);
  if (refusal.kind === 'close') socket.destroy?.();
  else socket.end?.(policyResponse(refusal));
  return false;
}

/** A refusal as a raw HTTP/1.1 response (for a CONNECT or a WebSocket upgrade, answered on the socket). */
export function policyResponse(refusal: Extract<Refusal, { kind: 'respond' }>): string {
  const reason = refusal.status === 407 ? 'Proxy Authentication Required' : refusal.status === 403 ? 'Forbidden' : 'Payload Too Large';
  const headers = Object.entries({ ...refusal.headers, 'content-length': String(Buffer.byteLength(refusal.body)), connection: 'close' })
    .map(([name, value]) => `${name}: ${value}\r\n`).join('');
  return `HTTP/1.1 ${refusal.status} ${reason}\r\n${headers}\r\n${refusal.body}`;
}
