/**
 * What "redact secrets" removes from an export: credentials in headers, and the values of query
 * and form parameters whose names say they are secrets. Names and order stay, so a reader still
 * sees that a request was authenticated and how.
 */
import type { RawHeaders } from '../model/flow.js';

export const REDACTED = '[redacted]';

const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);
const SECRET_NAME_PARTS = ['token', 'api-key', 'apikey', 'api_key', 'secret'];

/** A name (of a header or a parameter) that says its value is a secret. Case-insensitive. */
export function isSecretName(name: string): boolean {
  const lower = name.toLowerCase();
  return SECRET_NAME_PARTS.some((part) => lower.includes(part));
}

export function isSecretHeader(name: string): boolean {
  return SECRET_HEADERS.has(name.toLowerCase()) || isSecretName(name);
}

export function redactHeaders(headers: RawHeaders): RawHeaders {
  return headers.map(([name, value]) => [name, isSecretHeader(name) ? REDACTED : value]);
}

/**
 * A query string or form body (a=1&b=2, without '?') with the values of secret-named parameters
 * replaced by REDACTED, percent-encoded. Everything else is left byte for byte as it was.
 */
export function redactParams(query: string): string {
  return query
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      const name = eq === -1 ? part : part.slice(0, eq);
      return isSecretName(decodeFormComponent(name)) ? `${name}=${encodeURIComponent(REDACTED)}` : part;
    })
    .join('&');
}

/** A form-encoded name or value as text ('+' is a space); left as it is when its escapes are broken. */
export function decodeFormComponent(text: string): string {
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}
