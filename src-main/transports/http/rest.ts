/**
 * The REST API for scripts: a few GET/DELETE routes over the same contract calls (and the same
 * argument validation) as the UI uses. Errors are JSON { error: { code, message } }.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ArgsOf, CallName } from '../../../src-shared/api/contract.js';
import { ApiError, toApiErrorBody, type ApiErrorCode } from '../../../src-shared/api/errors.js';
import { validateArgs } from '../../../src-shared/api/validate.js';
import type { ApiService } from '../../service/api-service-types.js';
import { handleTransferRoutes } from './rest-transfer.js';
import { securityHeaders } from './static-files.js';

const STATUS: Record<ApiErrorCode, number> = {
  UNKNOWN_CALL: 404,
  BAD_ARGUMENT: 400,
  BAD_FILTER: 400,
  NOT_FOUND: 404,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { ...securityHeaders(), 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(body);
}

export function sendError(res: ServerResponse, error: unknown): void {
  const body = toApiErrorBody(error);
  sendJson(res, STATUS[body.code], { error: body });
}

/** A query parameter as a number when it looks like one (validation says what is wrong otherwise). */
function param(url: URL, name: string): string | number | undefined {
  const value = url.searchParams.get(name);
  if (value === null) return undefined;
  return /^-?\d+$/.test(value) ? Number(value) : value;
}

function defined(args: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined));
}

async function call<N extends CallName>(service: ApiService, name: N, raw: Record<string, unknown>) {
  const args: ArgsOf<N> = validateArgs(name, defined(raw));
  return service.handlers[name](args);
}

const FLOW = /^\/api\/flows\/(\d+)$/;
const BODY = /^\/api\/flows\/(\d+)\/(request|response)\/body$/;
const MESSAGES = /^\/api\/flows\/(\d+)\/messages$/;

/** Handles /api/... (not the WebSocket); false when no route matches. */
export async function handleRest(req: IncomingMessage, res: ServerResponse, url: URL, service: ApiService): Promise<boolean> {
  const { pathname } = url;
  const method = req.method ?? 'GET';
  let match: RegExpExecArray | null;
  try {
    if (pathname === '/api/flows' && method === 'GET') {
      sendJson(res, 200, await call(service, 'flows.page', { filter: url.searchParams.get('filter') ?? undefined, limit: param(url, 'limit') ?? 100, beforeId: param(url, 'cursor') }));
    } else if (pathname === '/api/flows' && method === 'DELETE') {
      sendJson(res, 200, await call(service, 'flows.clear', {}));
    } else if (pathname === '/api/flows/count' && method === 'GET') {
      sendJson(res, 200, await call(service, 'flows.count', { filter: url.searchParams.get('filter') ?? undefined }));
    } else if ((match = FLOW.exec(pathname)) && method === 'GET') {
      sendJson(res, 200, await call(service, 'flows.get', { id: Number(match[1]) }));
    } else if ((match = BODY.exec(pathname)) && method === 'GET') {
      const raw = url.searchParams.get('raw') === '1';
      const body = await call(service, 'flows.body', { id: Number(match[1]), side: match[2], decoded: !raw });
      if (!body) throw new ApiError('NOT_FOUND', `Flow ${match[1]} has no ${match[2]} body.`);
      res.writeHead(200, {
        ...securityHeaders(),
        // Intercepted content is untrusted: never let a browser render it as a page of ours.
        'content-type': 'application/octet-stream',
        'content-disposition': 'attachment',
        'x-flowscope-content-type': body.contentType ?? '',
        'x-flowscope-truncated': String(body.truncated),
        'x-flowscope-decoded': String(body.decoded),
        ...(body.decodeError && { 'x-flowscope-decode-error': encodeURIComponent(body.decodeError) }),
        ...(!body.decoded && body.contentEncoding && { 'x-flowscope-content-encoding': body.contentEncoding }),
      });
      res.end(Buffer.from(body.base64, 'base64'));
    } else if ((match = MESSAGES.exec(pathname)) && method === 'GET') {
      sendJson(res, 200, await call(service, 'flows.messages', { id: Number(match[1]), afterSeq: param(url, 'after'), limit: param(url, 'limit') ?? 100 }));
    } else if (pathname === '/api/stats' && method === 'GET') {
      sendJson(res, 200, await call(service, 'stats.get', { filter: url.searchParams.get('filter') ?? undefined }));
    } else if (pathname === '/api/status' && method === 'GET') {
      sendJson(res, 200, await call(service, 'proxy.status', {}));
    } else if (pathname === '/api/events' && method === 'GET') {
      sendJson(res, 200, await call(service, 'events.list', { limit: param(url, 'limit') ?? 100 }));
    } else if (!(await handleTransferRoutes(req, res, url, service, sendJson))) {
      return false;
    }
  } catch (error) {
    sendError(res, error);
  }
  return true;
}
