/**
 * Browser mode's server on 127.0.0.1: the built renderer, the WebSocket RPC and the REST API,
 * all behind the per-install token (auth.ts). No CORS: only our own page and scripts get in.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { RPC_PATH } from '../../../src-shared/api/rpc.js';
import { findFreePort } from '../../engine/engine.js';
import type { ApiService } from '../../service/api-service-types.js';
import { allowedHosts, checkRequest, newAuthContext, queryToken, sessionCookie } from './auth.js';
import { handleRest, sendError, sendJson } from './rest.js';
import { securityHeaders, sendStatic } from './static-files.js';
import { serveRpc } from './ws-rpc.js';
import { ApiError } from '../../../src-shared/api/errors.js';

export const DEFAULT_UI_PORT = 8081;

export interface UiServerOptions {
  host: string;
  port: number;
  token: string;
  service: ApiService;
  /** The built renderer (dist/renderer). */
  rendererDir: string;
}

export interface UiServer {
  host: string;
  port: number;
  /** The address to open, with the token. */
  url: string;
  close(): Promise<void>;
}

export class UiPortInUseError extends Error {
  constructor(readonly port: number, readonly host: string, readonly freePort: number | null) {
    super(
      `Port ${port} on ${host} (the UI) is in use by another program.` +
        (freePort ? ` Use --ui-port ${freePort}, which is free.` : ' Choose another port with --ui-port.'),
    );
    this.name = 'UiPortInUseError';
  }
}

function page(res: ServerResponse, status: number, title: string, message: string): void {
  const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  res.writeHead(status, { ...securityHeaders(), 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`<!doctype html><meta charset="utf-8"><title>${escape(title)}</title><h1>${escape(title)}</h1><p>${escape(message)}</p>`);
}

function refuseUpgrade(socket: Duplex, status: number, message: string): void {
  socket.end(`HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : 'Forbidden'}\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\n${message}\n`);
}

export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const { service } = options;
  const rendererDir = path.resolve(options.rendererDir);
  const auth = newAuthContext(options.token);
  // Only authenticated upgrades reach it; a call may carry an import file's text (up to 256 MiB).
  const wss = new WebSocketServer({ noServer: true, maxPayload: 300 * 1024 * 1024 });

  const onRequest = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://flowscope.invalid');
    const refusal = checkRequest(req, url, auth);
    if (refusal) {
      if (url.pathname.startsWith('/api/')) sendError(res, new ApiError(refusal.status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN', refusal.message));
      else page(res, refusal.status, refusal.status === 401 ? 'Flowscope needs its token' : 'Refused', refusal.message);
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      if (!(await handleRest(req, res, url, service))) sendJson(res, 404, { error: { code: 'UNKNOWN_CALL', message: `No API route ${req.method} ${url.pathname}.` } });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      page(res, 405, 'Method not allowed', `${req.method} is not served here.`);
      return;
    }
    if (queryToken(url) !== null) {
      // Swap the token in the address for a cookie, so it does not stay in history or get copied around.
      res.writeHead(302, { ...securityHeaders(), location: '/', 'set-cookie': sessionCookie(auth), 'cache-control': 'no-store' });
      res.end();
      return;
    }
    if (!sendStatic(res, rendererDir, url.pathname)) {
      if (url.pathname === '/' || url.pathname === '/index.html') {
        page(res, 503, 'The Flowscope UI is not built', `There is no ${rendererDir}/index.html. Run \`npm run build\` in the Flowscope folder, then reload.`);
      } else {
        page(res, 404, 'Not found', `${url.pathname} is not part of the Flowscope UI.`);
      }
    }
  };

  const server = createServer((req, res) => {
    onRequest(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, error);
      else res.destroy();
    });
  });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://flowscope.invalid');
    const refusal = url.pathname === RPC_PATH ? checkRequest(req, url, auth) : { status: 403 as const, message: `Only ${RPC_PATH} takes WebSockets.` };
    if (refusal) {
      refuseUpgrade(socket, refusal.status, refusal.message);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveRpc(ws, service));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EADDRINUSE') throw error;
    throw new UiPortInUseError(options.port, options.host, await findFreePort(options.host, options.port + 1));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  auth.hosts = allowedHosts(options.host, port, hostname());
  auth.cookieName = `flowscope_session_${port}`;
  const hostInUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    host: options.host,
    port,
    url: `http://${hostInUrl}:${port}/?token=${options.token}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
