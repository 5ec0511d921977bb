/**
 * The app:// protocol that serves the built renderer. A privileged standard scheme gives the page
 * a real origin (so 'self' in the CSP means something and fetch works), unlike file://, which
 * would also let the page read any file on disk. Only files inside the renderer folder are served.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { CustomScheme } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../transports/content-security-policy.js';
import { mimeTypeOf } from '../transports/mime-types.js';
import { APP_HOST, APP_SCHEME } from './paths.js';

export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
};

/**
 * The file under `root` that a request URL names, or null when the URL is not ours or would
 * leave the folder (`../`, encoded `%2e%2e` or `..%2f`, backslashes, NUL bytes).
 */
export function resolveRendererFile(root: string, requestUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null;
  let relative: string;
  try {
    relative = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (relative.includes('\0') || relative.includes('\\')) return null;
  if (relative.endsWith('/')) relative += 'index.html';
  const segments = relative.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s === '.')) return null;
  const base = path.resolve(root);
  const file = path.resolve(base, ...segments);
  const inside = path.relative(base, file);
  if (inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) return null;
  return file;
}

function plain(status: number, text: string): Response {
  return new Response(text, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

/** The handler for protocol.handle(APP_SCHEME, ...). */
export function createRendererProtocolHandler(root: string): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Only GET and HEAD are served.');
    const file = resolveRendererFile(root, request.url);
    if (!file) {
      console.error(`Flowscope: refused ${JSON.stringify(request.url)}; only files of the renderer are served.`);
      return plain(403, 'Forbidden.');
    }
    try {
      if (!(await stat(file)).isFile()) return plain(404, 'Not found.');
      const body = await readFile(file);
      return new Response(request.method === 'HEAD' ? null : body, {
        status: 200,
        headers: {
          'content-type': mimeTypeOf(file),
          'content-security-policy': CONTENT_SECURITY_POLICY,
          'x-content-type-options': 'nosniff',
          'cache-control': 'no-cache',
        },
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return plain(404, 'Not found.');
      return plain(500, `Cannot read ${path.basename(file)} (${code ?? (error as Error).message}).`);
    }
  };
}
