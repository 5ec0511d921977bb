/**
 * The proxy engine: mockttp in-process (never its admin server), without its in-memory traffic
 * record, with our passthrough steps for HTTP(S) and WebSocket, feeding capture.
 */
import type { ServerResponse } from 'node:http';
import net from 'node:net';
import * as mockttp from 'mockttp';
import { Capture, type CaptureSink } from './capture.js';
import type { FlowError } from '../../src-shared/model/errors.js';
import type { ProxyMode } from '../../src-shared/model/policy-values.js';
import type { TrafficPolicy } from '../policy/traffic-policy.js';
import { keepRequestBodiesStreamable, useExactLoopDetection, withListenHost, type AgentHook, type ListenerHooks } from './mockttp-internals.js';
import { cacheUpstreamTlsOptions, rememberPort, skipResponseBodyTracking } from './mockttp-shortcuts.js';
import { policyResponse } from './request-policy.js';
import type { CaMaterial } from '../ca/index.js';
import { answerOnboarding } from './onboarding.js';
import { passThroughSteps } from './passthrough-steps.js';

export interface EngineOptions {
  host: string;
  port: number;
  ca: { certPem: string; keyPem: string };
  /** The CA with its details: when given, http://flowscope.cert/ offers it for download. */
  caMaterial?: CaMaterial;
  maxBodySize: number;
  /** How long an upstream may take to send response headers before the client gets a 504. */
  responseTimeoutMs?: number;
  /** Extra upstream CAs (PEM) beyond the system roots and NODE_EXTRA_CA_CERTS. */
  upstreamCaPems?: string[];
  /** Hosts whose upstream certificates are not verified, only because the user asked. */
  insecureHosts?: string[];
  /** What this listener is: a forward proxy (default) or a reverse proxy in front of one origin. */
  mode?: ProxyMode;
  /** Reverse mode: pass the client's Host header on instead of the backend's. */
  keepHostHeader?: boolean;
  /** TLS relayed without decryption: to these hosts, or to all but `interceptOnlyHosts`. */
  tlsPassthroughHosts?: string[];
  tlsInterceptOnlyHosts?: string[];
  /** The traffic policy now in force (client lists, proxy authentication, block rules, limits). */
  policy?: () => TrafficPolicy;
  /** How upstream connections are made now (upstream proxies, connect and idle timeouts). */
  agentHook?: () => AgentHook | null;
  onProxyFailure?(proxy: string, error: FlowError): void;
}

export interface Engine {
  host: string;
  port: number;
  /** e.g. http://127.0.0.1:8080 */
  url: string;
  mode: ProxyMode;
  capture: Capture;
  stop(): Promise<void>;
}

export class PortInUseError extends Error {
  constructor(public readonly port: number, public readonly host: string, public readonly freePort: number | null) {
    super(
      `Port ${port} on ${host} is in use by another program.` +
        (freePort ? ` Use --proxy-port ${freePort}, which is free.` : ' Choose another port with --proxy-port.'),
    );
    this.name = 'PortInUseError';
  }
}

export const DEFAULT_RESPONSE_TIMEOUT_MS = 60_000;

/** Client lists and proxy authentication at the connection, and tunnels relayed without decryption. */
function listenerHooks(options: EngineOptions, mode: ProxyMode, capture: Capture): ListenerHooks {
  const { policy } = options;
  return {
    onTlsPassthrough: (socket, hostname, port) => capture.recordTunnel(socket, hostname, port ?? 443),
    ...(policy && {
      admitConnection: (socket) => {
        const current = policy();
        return !current.restrictsClients || current.admitClient({ ip: socket.remoteAddress, port: socket.remotePort });
      },
      checkConnect: (req, socket) => {
        const current = policy();
        if (mode.kind !== 'regular' || !current.requiresAuth) return null;
        const header = req.headers['proxy-authorization'];
        const refusal = current.authenticate(header, { ip: socket.remoteAddress, port: socket.remotePort }, socket, req.url ?? '');
        return refusal?.kind === 'respond' ? policyResponse(refusal) : null;
      },
    }),
  };
}

export async function startEngine(options: EngineOptions, sink: CaptureSink): Promise<Engine> {
  keepRequestBodiesStreamable();
  useExactLoopDetection();
  cacheUpstreamTlsOptions();
  skipResponseBodyTracking();
  const mode: ProxyMode = options.mode ?? { kind: 'regular', port: null };
  const hostnames = (hosts: string[] | undefined) => (hosts?.length ? hosts.map((hostname) => ({ hostname })) : undefined);
  const passthrough = hostnames(options.tlsPassthroughHosts);
  const interceptOnly = hostnames(options.tlsInterceptOnlyHosts);
  const server = mockttp.getLocal({
    https: {
      cert: options.ca.certPem,
      key: options.ca.keyPem,
      ...(passthrough && { tlsPassthrough: passthrough }),
      ...(interceptOnly && { tlsInterceptOnly: interceptOnly }),
    },
    http2: true,
    recordTraffic: false,
    // Bodies reach capture through body-data events, cut at our own cap; mockttp keeps none.
    maxBodySize: 0,
    cors: false,
    suggestChanges: false,
  });
  const capture = new Capture(sink, options.maxBodySize);
  await capture.attach(server);
  const steps = passThroughSteps(
    {
      responseTimeoutMs: options.responseTimeoutMs ?? DEFAULT_RESPONSE_TIMEOUT_MS,
      additionalTrustedCAs: options.upstreamCaPems ?? [],
      ignoreTlsErrorsFor: options.insecureHosts ?? [],
      proxyAuthApplies: mode.kind === 'regular',
      ...(options.policy && { policy: options.policy }),
      ...(options.agentHook && { agentHook: options.agentHook }),
      ...(options.onProxyFailure && { onProxyFailure: options.onProxyFailure }),
      ...(mode.kind === 'reverse' && { reverse: { target: mode.target, keepHost: options.keepHostHeader === true } }),
      ...(options.caMaterial && { onboarding: (pathname: string, res: ServerResponse) => answerOnboarding(options.caMaterial!, pathname, res) }),
    },
    capture,
  );
  // One catch-all rule each, never complete: mockttp then takes the first matching rule at once.
  // Without a completion checker it runs a second, asynchronous pass over its rules for every
  // request once the rule has been used.
  const always = () => new mockttp.completionCheckers.Always();
  await server.addRequestRules({ matchers: [new mockttp.matchers.WildcardMatcher()], completionChecker: always(), steps: [steps.http] });
  await server.addWebSocketRules({ matchers: [new mockttp.matchers.WildcardMatcher()], completionChecker: always(), steps: [steps.webSocket] });
  try {
    await withListenHost(options.host, () => server.start(options.port), listenerHooks(options, mode, capture));
  } catch (error) {
    await server.stop().catch(() => undefined);
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new PortInUseError(options.port, options.host, await findFreePort(options.host, options.port + 1));
    }
    throw error;
  }
  const port = server.port;
  const forgetPort = rememberPort(server, port);
  const urlHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    host: options.host,
    port,
    url: `http://${urlHost}:${port}`,
    mode,
    capture,
    stop: () => {
      forgetPort();
      return server.stop();
    },
  };
}

/** The first port from `from` upwards that can be bound on `host`, or null. */
export async function findFreePort(host: string, from: number, tries = 20): Promise<number | null> {
  for (let port = from; port < from + tries && port <= 65535; port++) {
    const free = await new Promise<boolean>((resolve) => {
      const probe = net.createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, host, () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
  return null;
}
