/**
 * Proxy authentication: Basic (user and password) or a bearer token in Proxy-Authorization,
 * checked against stored scrypt hashes. scrypt takes tens of milliseconds on purpose, so a
 * credential that passed is remembered (as a hash of the header) until the settings change.
 */
import { createHash } from 'node:crypto';
import type { ProxyAuth } from '../../src-shared/model/settings.js';
import { verifySecret } from './secrets.js';

export type AuthOutcome = { ok: true; user: string | null } | { ok: false; reason: string };

const REMEMBERED = 256;

export class ProxyAuthenticator {
  private readonly passed = new Map<string, string | null>();

  constructor(readonly auth: ProxyAuth) {}

  get required(): boolean {
    return this.auth.type !== 'none';
  }

  /** The Proxy-Authenticate challenge of a 407 answer. */
  get challenge(): string {
    return this.auth.type === 'bearer' ? 'Bearer realm="Flowscope"' : 'Basic realm="Flowscope", charset="UTF-8"';
  }

  check(header: string | undefined): AuthOutcome {
    const { auth } = this;
    if (auth.type === 'none') return { ok: true, user: null };
    if (!header) return { ok: false, reason: 'no Proxy-Authorization header' };
    const key = createHash('sha256').update(header).digest('base64');
    if (this.passed.has(key)) return { ok: true, user: this.passed.get(key)! };
    const outcome = this.verify(auth, header);
    if (outcome.ok) {
      if (this.passed.size >= REMEMBERED) this.passed.delete(this.passed.keys().next().value!);
      this.passed.set(key, outcome.user);
    }
    return outcome;
  }

  private verify(auth: Exclude<ProxyAuth, { type: 'none' }>, header: string): AuthOutcome {
    const [scheme = '', ...rest] = header.trim().split(/\s+/);
    const value = rest.join(' ');
    if (auth.type === 'basic') {
      if (scheme.toLowerCase() !== 'basic') return { ok: false, reason: `expected Basic credentials, got ${scheme || 'none'}` };
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const user = colon === -1 ? decoded : decoded.slice(0, colon);
      const password = colon === -1 ? '' : decoded.slice(colon + 1);
      if (user !== auth.user) return { ok: false, reason: `unknown user "${user.slice(0, 64)}"` };
      return verifySecret(password, auth.passwordHash) ? { ok: true, user } : { ok: false, reason: `wrong password for user "${user}"` };
    }
    if (scheme.toLowerCase() !== 'bearer') return { ok: false, reason: `expected a Bearer token, got ${scheme || 'none'}` };
    return verifySecret(value, auth.tokenHash) ? { ok: true, user: null } : { ok: false, reason: 'wrong token' };
  }
}
