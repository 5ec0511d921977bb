/**
 * CONNECT helpers: how a client reaches an HTTPS or WebSocket origin through a forward proxy.
 * Node's http, https and ws clients have no proxy support of their own.
 */
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';

export interface ProxyAddress {
  readonly host: string;
  readonly port: number;
}

/** Opens a raw TCP tunnel to `target` ("host:port") through the proxy's CONNECT method. */
export function openConnectTunnel(proxy: ProxyAddress, target: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const request = http.request({
      host: proxy.host,
      port: proxy.port,
      method: 'CONNECT',
      path: target,
      headers: { host: target },
      // Never pool the CONNECT socket: after the 200 it belongs to the tunnel alone.
      agent: false,
    });
    request.once('connect', (response, socket, head) => {
      if (response.statusCode !== 200) {
        socket.destroy();
        reject(new Error(`Proxy ${proxy.host}:${proxy.port} answered CONNECT ${target} with ${response.statusCode}.`));
        return;
      }
      if (head.length > 0) socket.unshift(head);
      socket.setNoDelay(true);
      resolve(socket);
    });
    request.once('error', reject);
    request.end();
  });
}

/** TLS to `target` over a CONNECT tunnel, verifying the proxy's certificate for "localhost". */
export async function openTlsTunnel(proxy: ProxyAddress, target: string, caPem: string): Promise<tls.TLSSocket> {
  const socket = await openConnectTunnel(proxy, target);
  return new Promise((resolve, reject) => {
    // The origins listen on 127.0.0.1, and an IP cannot go in SNI; "localhost" is what the
    // proxy then mints a certificate for, exactly as for a browser typing https://localhost.
    const secure = tls.connect({ socket, servername: 'localhost', ca: caPem, ALPNProtocols: ['http/1.1'] });
    secure.once('secureConnect', () => {
      secure.off('error', reject);
      resolve(secure);
    });
    secure.once('error', (error) => {
      socket.destroy();
      reject(error);
    });
  });
}

/**
 * A keep-alive https.Agent whose every socket is TLS over its own CONNECT tunnel, so a pool of N
 * sockets is N tunnels, each reused for many requests.
 */
export class TunnelingHttpsAgent extends https.Agent {
  constructor(
    private readonly proxy: ProxyAddress,
    private readonly proxyCaPem: string,
    options: https.AgentOptions,
  ) {
    super({ ...options, keepAlive: true });
  }

  override createConnection(
    options: https.RequestOptions,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const target = `${options.host ?? '127.0.0.1'}:${options.port ?? 443}`;
    openTlsTunnel(this.proxy, target, this.proxyCaPem).then(
      (socket) => callback?.(null, socket),
      // On failure Node reads only the error; @types/node just has no stream-less overload.
      (error: Error) => (callback as ((err: Error) => void) | undefined)?.(error),
    );
    // Returning nothing tells the Agent the socket arrives through the callback.
    return undefined;
  }
}
