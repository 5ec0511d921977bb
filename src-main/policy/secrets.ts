/**
 * Proxy credentials are stored as salted scrypt hashes ("scrypt$salt$hash"), never in clear: not
 * in settings.json, not in the Settings view. Checks compare in constant time.
 */
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import type { ProxyAuthInput, SettingsPatch } from '../../src-shared/api/validate-settings.js';
import type { ProxyAuth, Settings } from '../../src-shared/model/settings.js';

const KEY_BYTES = 32;

export function hashSecret(secret: string): string {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('base64')}$${scryptSync(secret, salt, KEY_BYTES).toString('base64')}`;
}

export function verifySecret(secret: string, stored: string): boolean {
  const [scheme, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = scryptSync(secret, Buffer.from(salt, 'base64'), expected.length);
  return timingSafeEqual(actual, expected);
}

export function hashProxyAuth(auth: ProxyAuthInput): ProxyAuth {
  if (auth.type === 'basic' && 'password' in auth) return { type: 'basic', user: auth.user, passwordHash: hashSecret(auth.password) };
  if (auth.type === 'bearer' && 'token' in auth) return { type: 'bearer', tokenHash: hashSecret(auth.token) };
  return auth as ProxyAuth;
}

/** The patch as it is stored: secrets given in clear are hashed. */
export function hashPatchSecrets(patch: SettingsPatch): Partial<Settings> {
  const { proxyAuth, ...rest } = patch;
  return proxyAuth ? { ...rest, proxyAuth: hashProxyAuth(proxyAuth) } : rest;
}
