/**
 * Who may talk to the browser-mode server: requests that carry the per-install token (header,
 * query or the cookie set when the UI URL was opened), that name this server as their Host (no
 * DNS rebinding), and that come from its own origin or from no browser page at all (scripts).
 */
import type { IncomingMessage } from 'node:http';
import { tokensEqual } from '../../service/ui-token.js';

export const TOKEN_COOKIE = 'flowscope_token';

export type Refusal = { status: 401 | 403; message: string };

function cookieToken(header: string | undefined): string | null {
  for (const part of (header ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === TOKEN_COOKIE) return value.join('=');
  }
  return null;
}

export function bearerToken(req: IncomingMessage): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return match?.[1] ?? null;
}

export function queryToken(url: URL): string | null {
  return url.searchParams.get('token');
}

export interface AuthContext {
  token: string;
  /** host:port forms this server answers to (127.0.0.1:8081, localhost:8081, ...). */
  hosts: Set<string>;
}

export function allowedHosts(host: string, port: number): Set<string> {
  const names = new Set([host, '127.0.0.1', 'localhost', '[::1]']);
  if (host.includes(':') && !host.startsWith('[')) names.add(`[${host}]`);
  return new Set([...names].map((name) => `${name}:${port}`));
}

/** Null when the request may go on; otherwise why not, said for a person. */
export function checkRequest(req: IncomingMessage, url: URL, auth: AuthContext): Refusal | null {
  const host = req.headers.host ?? '';
  if (!auth.hosts.has(host.toLowerCase())) {
    return { status: 403, message: `This Flowscope server does not answer to the host name "${host}". Open it at its address, e.g. http://${[...auth.hosts][0]}/.` };
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !auth.hosts.has(origin.replace(/^https?:\/\//, '').toLowerCase())) {
    return { status: 403, message: `Requests from ${origin} are refused: only Flowscope's own page may call this server.` };
  }
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    return { status: 403, message: 'Cross-site requests are refused.' };
  }
  const given = bearerToken(req) ?? queryToken(url) ?? cookieToken(req.headers.cookie);
  if (given === null) {
    return { status: 401, message: 'A token is required. Open the UI address that `flowscope serve` printed (it carries ?token=), or send Authorization: Bearer <token> (the token is in the data directory\'s ui-token file).' };
  }
  if (!tokensEqual(given, auth.token)) {
    return { status: 401, message: 'The token is wrong. Use the address `flowscope serve` printed, or the ui-token file in the data directory.' };
  }
  return null;
}

/** Set when the UI URL with ?token= is opened, so the page's own requests carry it without putting it in URLs. */
export function tokenCookie(token: string): string {
  return `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}
