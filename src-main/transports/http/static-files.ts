/** Serves the built renderer (dist/renderer) and nothing outside it. */
import { createReadStream, statSync } from 'node:fs';
import { pipeline } from 'node:stream';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../content-security-policy.js';
import { mimeTypeOf } from '../mime-types.js';

export function securityHeaders(): Record<string, string> {
  return {
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  };
}

/** The file under root for a URL path, or null when it would leave root or does not exist. */
export function resolveStatic(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const file = path.resolve(root, `.${path.posix.normalize(`/${decoded}`)}`);
  if (file !== root && !file.startsWith(root + path.sep)) return null;
  try {
    return statSync(file).isFile() ? file : null;
  } catch {
    return null;
  }
}

export function sendStatic(res: ServerResponse, root: string, urlPath: string): boolean {
  const file = resolveStatic(root, urlPath === '/' ? '/index.html' : urlPath);
  if (!file) return false;
  const isHtml = file.endsWith('.html');
  res.writeHead(200, {
    ...securityHeaders(),
    'content-type': mimeTypeOf(file),
    // Built assets carry content hashes in their names; the page itself must always be fresh.
    'cache-control': isHtml ? 'no-store' : 'private, max-age=31536000, immutable',
  });
  // pipeline, not pipe: a file gone since stat (a rebuild) or a client gone must not crash serve or leak the descriptor.
  pipeline(createReadStream(file), res, (error) => {
    if (error) res.destroy();
  });
  return true;
}
