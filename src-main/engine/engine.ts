/**
 * The proxy engine: mockttp in-process (never its admin server), without its in-memory traffic
 * record, with our passthrough steps for HTTP(S) and WebSocket, feeding capture.
 */
import net from 'node:net';
import * as mockttp from 'mockttp';
import { Capture, type CaptureSink } from './capture.js';
import { keepRequestBodiesStreamable, useExactLoopDetection, withListenHost } from './mockttp-internals.js';
import { passThroughSteps } from './passthrough-steps.js';

export interface EngineOptions {
  host: string;
  port: number;
  ca: { certPem: string; keyPem: string };
  maxBodySize: number;
  /** How long an upstream may take to send response headers before the client gets a 504. */
  responseTimeoutMs?: number;
  /** Extra upstream CAs (PEM) beyond the system roots and NODE_EXTRA_CA_CERTS. */
  upstreamCaPems?: string[];
  /** Hosts whose upstream certificates are not verified, only because the user asked. */
  insecureHosts?: string[];
}

export interface Engine {
  host: string;
  port: number;
  /** e.g. http://127.0.0.1:8080 */
  url: string;
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

export async function startEngine(options: EngineOptions, sink: CaptureSink): Promise<Engine> {
  keepRequestBodiesStreamable();
  useExactLoopDetection();
  const server = mockttp.getLocal({
    https: { cert: options.ca.certPem, key: options.ca.keyPem },
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
    },
    capture,
  );
  await server.addRequestRules({ matchers: [new mockttp.matchers.WildcardMatcher()], steps: [steps.http] });
  await server.addWebSocketRules({ matchers: [new mockttp.matchers.WildcardMatcher()], steps: [steps.webSocket] });
  try {
    await withListenHost(options.host, () => server.start(options.port));
  } catch (error) {
    await server.stop().catch(() => undefined);
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new PortInUseError(options.port, options.host, await findFreePort(options.host, options.port + 1));
    }
    throw error;
  }
  const port = server.port;
  const urlHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    host: options.host,
    port,
    url: `http://${urlHost}:${port}`,
    capture,
    stop: () => server.stop(),
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
