/**
 * Proxy credentials are stored as salted scrypt hashes ("scrypt$salt$hash"), never in clear: not
 * in settings.json, not in the Settings view. Checks compare in constant time.
 */
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import type { ProxyAuthInput, SettingsPatch } from '../../src-shared/api/validate-settings.js';
import { ApiError } from '../../src-shared/api/errors.js';
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

/**
 * What the UI sees in place of a stored hash: it never gets the hash itself (a weak password's
 * hash can be cracked offline). Sent back unchanged, it means "keep the stored secret".
 */
export const KEPT_SECRET = 'scrypt$kept$kept';

/** The settings as the UI may see them: secrets replaced by KEPT_SECRET. */
export function withoutSecrets(settings: Settings): Settings {
  const auth = settings.proxyAuth;
  if (auth.type === 'basic') return { ...settings, proxyAuth: { ...auth, passwordHash: KEPT_SECRET } };
  if (auth.type === 'bearer') return { ...settings, proxyAuth: { type: 'bearer', tokenHash: KEPT_SECRET } };
  return settings;
}

/** A patch from the UI: KEPT_SECRET becomes the stored hash again (when there is one of that kind). */
export function keepStoredSecrets(patch: Partial<Settings>, stored: Settings): Partial<Settings> {
  const auth = patch.proxyAuth;
  if (!auth || auth.type === 'none') return patch;
  const kept = auth.type === 'basic' ? auth.passwordHash === KEPT_SECRET : auth.tokenHash === KEPT_SECRET;
  if (!kept) return patch;
  const old = stored.proxyAuth;
  if (auth.type === 'basic' && old.type === 'basic') return { ...patch, proxyAuth: { ...auth, passwordHash: old.passwordHash } };
  if (auth.type === 'bearer' && old.type === 'bearer') return { ...patch, proxyAuth: { type: 'bearer', tokenHash: old.tokenHash } };
  throw new ApiError('BAD_ARGUMENT', `settings.set: proxyAuth: there is no stored ${auth.type === 'basic' ? 'password' : 'token'} to keep; enter one.`);
}
