/**
 * REST routes that move flows: replay, delete, export downloads (streamed) and import uploads.
 * Same validation and service as the UI's calls.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ArgsOf, CallName } from '../../../src-shared/api/contract.js';
import { ApiError } from '../../../src-shared/api/errors.js';
import { validateArgs, validateExportQuery } from '../../../src-shared/api/validate.js';
import type { ApiService } from '../../service/api-service-types.js';
import { exportFileName } from '../../transfer/export-stream.js';
import { securityHeaders } from './static-files.js';

/** The largest request body a route reads: an import file (a HAR of a long session is big). */
const MAX_UPLOAD_BYTES = 256 * 1024 * 1024;
const MAX_JSON_BYTES = 96 * 1024 * 1024;

async function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (declared > max) throw new ApiError('BAD_ARGUMENT', `The request body is ${declared} bytes; this route takes at most ${max}.`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) throw new ApiError('BAD_ARGUMENT', `The request body is over ${max} bytes, the most this route takes.`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const body = await readBody(req, MAX_JSON_BYTES);
  if (body.length === 0) return {};
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch {
    throw new ApiError('BAD_ARGUMENT', 'The request body must be a JSON object, sent with Content-Type: application/json.');
  }
}

function call<N extends CallName>(service: ApiService, name: N, raw: unknown) {
  const args: ArgsOf<N> = validateArgs(name, raw);
  return service.handlers[name](args);
}

function exportQueryOf(url: URL, format: string) {
  const ids = url.searchParams.get('ids');
  const filter = url.searchParams.get('filter');
  const idList = ids ? ids.split(',').map((id) => (/^\d+$/.test(id.trim()) ? Number(id) : id)) : undefined;
  return validateExportQuery({
    format,
    redact: ['1', 'true'].includes(url.searchParams.get('redact') ?? ''),
    ...(filter && { filter }),
    ...(idList && { ids: idList }),
  });
}

const REPLAY = /^\/api\/flows\/(\d+)\/replay$/;
const FLOW = /^\/api\/flows\/(\d+)$/;
const CANCEL = /^\/api\/replay\/batch\/([\w-]+)\/cancel$/;
const EXPORT = /^\/api\/export\.(har|json)$/;

type Send = (res: ServerResponse, status: number, value: unknown) => void;

/** Handles the routes above; false when none matches. Errors are thrown for the caller to send. */
export async function handleTransferRoutes(req: IncomingMessage, res: ServerResponse, url: URL, service: ApiService, sendJson: Send): Promise<boolean> {
  const { pathname } = url;
  const method = req.method ?? 'GET';
  let match: RegExpExecArray | null;
  if ((match = REPLAY.exec(pathname)) && method === 'POST') {
    const body = await readJson(req);
    const target = body.targetUrl === undefined ? undefined : { targetUrl: body.targetUrl, keepHost: body.keepHost ?? false };
    sendJson(res, 200, await call(service, 'replay.flow', { id: Number(match[1]), ...(target && { target }) }));
  } else if (pathname === '/api/replay' && method === 'POST') {
    sendJson(res, 200, await call(service, 'replay.send', await readJson(req)));
  } else if (pathname === '/api/replay/batch' && method === 'POST') {
    sendJson(res, 200, await call(service, 'replay.batch', await readJson(req)));
  } else if ((match = CANCEL.exec(pathname)) && method === 'POST') {
    sendJson(res, 200, await call(service, 'replay.cancel', { batchId: match[1] }));
  } else if ((match = FLOW.exec(pathname)) && method === 'DELETE') {
    sendJson(res, 200, await call(service, 'flows.delete', { ids: [Number(match[1])] }));
  } else if ((match = EXPORT.exec(pathname)) && method === 'GET') {
    const query = exportQueryOf(url, match[1]!);
    const exportId = url.searchParams.get('exportId') ?? undefined;
    res.writeHead(200, {
      ...securityHeaders(),
      'content-type': query.format === 'har' ? 'application/json; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      'content-disposition': `attachment; filename="${exportFileName(query.format)}"`,
      'cache-control': 'no-store',
    });
    try {
      await service.exportTo(query, res, exportId);
      res.end();
    } catch {
      // Headers are gone: cutting the connection is the only way left to say the file is incomplete.
      res.destroy();
    }
  } else if (pathname === '/api/os' && method === 'GET') {
    sendJson(res, 200, await call(service, 'os.status', {}));
  } else if (pathname === '/api/system-proxy' && method === 'POST') {
    sendJson(res, 200, await call(service, 'systemProxy.set', await readJson(req)));
  } else if (pathname === '/api/import' && method === 'POST') {
    const text = (await readBody(req, MAX_UPLOAD_BYTES)).toString('utf8');
    sendJson(res, 200, await service.importText(text, url.searchParams.get('filename') ?? 'the upload'));
  } else {
    return false;
  }
  return true;
}
