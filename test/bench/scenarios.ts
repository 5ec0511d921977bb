/**
 * What each scenario's workers do, for each target. The client code is the same for every target;
 * only the way to the origin differs: straight there, or through the proxy under test.
 */
import { once } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import WebSocket from 'ws';
import type { LoadWorker } from './load.js';
import { openConnectTunnel, TunnelingHttpsAgent, type ProxyAddress } from './tunnels.js';

export interface Target {
  readonly name: 'direct' | 'mockttp' | 'flowscope' | 'flowscope-policy';
  /** Absent for direct; otherwise the proxy and the CA its client must trust. */
  readonly proxy?: ProxyAddress & { readonly caPem: string };
}

export interface Origins {
  readonly httpPort: number;
  readonly httpsPort: number;
  readonly wsPort: number;
  /** The test CA that signed the HTTPS origin's certificate. */
  readonly caPem: string;
}

export interface Scenario {
  readonly name: string;
  readonly unit: 'req/s' | 'msg/s';
  readonly concurrency: number;
  /** How Flowscope should store it: a flow per request, or a flow per WebSocket connection. */
  readonly flowPer: 'request' | 'connection';
  createWorker(target: Target, origins: Origins): Promise<LoadWorker>;
}

const KB = 1024;
const MB = 1024 * 1024;
const LOOPBACK = '127.0.0.1';

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'HTTP GET 1 KB keep-alive',
    unit: 'req/s',
    concurrency: 32,
    flowPer: 'request',
    createWorker: async (target, origins) => httpWorker(target, origins.httpPort, KB),
  },
  {
    name: 'HTTPS GET 1 KB keep-alive',
    unit: 'req/s',
    concurrency: 32,
    flowPer: 'request',
    createWorker: async (target, origins) => httpsWorker(target, origins, KB),
  },
  {
    name: 'HTTPS GET 1 MB',
    unit: 'req/s',
    concurrency: 4,
    flowPer: 'request',
    createWorker: async (target, origins) => httpsWorker(target, origins, MB),
  },
  {
    name: 'WebSocket 1 KB echo',
    unit: 'msg/s',
    concurrency: 8,
    flowPer: 'connection',
    createWorker: (target, origins) => webSocketWorker(target, origins.wsPort, KB),
  },
];

/** The soak: plain HTTP 1 KB at the first scenario's concurrency, counted rather than timed. */
export const SOAK_SCENARIO: Scenario = SCENARIOS[0]!;

/**
 * Plain HTTP with one keep-alive socket per worker. Through a proxy the request line carries the
 * absolute URI, as browsers send it to a configured HTTP proxy.
 */
function httpWorker(target: Target, originPort: number, size: number): LoadWorker {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const path = `/bytes/${size}`;
  const options: http.RequestOptions = target.proxy
    ? {
        host: target.proxy.host,
        port: target.proxy.port,
        path: `http://${LOOPBACK}:${originPort}${path}`,
        headers: { host: `${LOOPBACK}:${originPort}` },
        agent,
      }
    : { host: LOOPBACK, port: originPort, path, agent };
  return { run: () => get(http.request, options, size), close: () => agent.destroy() };
}

/** HTTPS with one keep-alive TLS session per worker; through a proxy, over its own CONNECT tunnel. */
function httpsWorker(target: Target, origins: Origins, size: number): LoadWorker {
  const agent = target.proxy
    ? new TunnelingHttpsAgent(target.proxy, target.proxy.caPem, { maxSockets: 1 })
    : new https.Agent({ keepAlive: true, maxSockets: 1, ca: origins.caPem });
  const options: https.RequestOptions = { host: LOOPBACK, port: origins.httpsPort, path: `/bytes/${size}`, agent };
  return { run: () => get(https.request, options, size), close: () => agent.destroy() };
}

/** One WebSocket per worker; an operation is one message out and its echo back. */
async function webSocketWorker(target: Target, originPort: number, size: number): Promise<LoadWorker> {
  // ws has no proxy support: through a proxy it speaks over a CONNECT tunnel we open for it.
  const tunnel = target.proxy ? await openConnectTunnel(target.proxy, `${LOOPBACK}:${originPort}`) : undefined;
  const socket = new WebSocket(`ws://${LOOPBACK}:${originPort}/`, {
    perMessageDeflate: false,
    ...(tunnel ? { createConnection: () => tunnel } : {}),
  });
  // A socket error also closes it, which fails the next operation; that is where it gets counted.
  socket.on('error', () => undefined);
  await once(socket, 'open');
  const payload = Buffer.alloc(size, 'x');
  return {
    run: () =>
      new Promise<void>((resolve, reject) => {
        if (socket.readyState !== WebSocket.OPEN) {
          reject(new Error(`The WebSocket is closed (state ${socket.readyState}).`));
          return;
        }
        socket.once('message', (data: Buffer) => {
          if (data.length === size) resolve();
          else reject(new Error(`Echo of ${data.length} bytes, expected ${size}.`));
        });
        socket.send(payload, (error) => error && reject(error));
      }),
    close: () => socket.terminate(),
  };
}

/** One GET, its body read to the end and checked by size. */
function get(
  request: typeof http.request,
  options: http.RequestOptions,
  expectedBytes: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const outgoing = request(options, (response) => {
      let received = 0;
      response.on('data', (chunk: Buffer) => (received += chunk.length));
      response.once('error', reject);
      response.once('end', () => {
        if (response.statusCode === 200 && received === expectedBytes) resolve();
        else reject(new Error(`Got ${response.statusCode} with ${received} bytes, expected 200 with ${expectedBytes}.`));
      });
    });
    outgoing.once('error', reject);
    outgoing.end();
  });
}
