/**
 * The per-install token that every browser-mode and REST request must carry. It lives in the data
 * directory with mode 0600, so only this user (and the Electron app) can read it.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{32,}$/;

export function tokenFilePath(dataDir: string): string {
  return path.join(dataDir, 'ui-token');
}

export function loadOrCreateToken(dataDir: string): string {
  const file = tokenFilePath(dataDir);
  try {
    const existing = readFileSync(file, 'utf8').trim();
    if (TOKEN_PATTERN.test(existing)) {
      if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
      return existing;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  // Missing or not a token we wrote: a new one (old UI links stop working, nothing else is lost).
  const token = randomBytes(32).toString('base64url');
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${token}\n`, { mode: 0o600 });
  renameSync(temp, file);
  return token;
}

export function tokensEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
