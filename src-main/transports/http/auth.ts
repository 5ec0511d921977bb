/**
 * Who may talk to the browser-mode server: requests that carry the per-install token (header or
 * query) or this run's session cookie (set when the UI URL was opened), that name this server as
 * their Host (no DNS rebinding), and that come from its own origin or from no page at all (scripts).
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { networkInterfaces } from 'node:os';
import { tokensEqual } from '../../service/ui-token.js';

export type Refusal = { status: 401 | 403; message: string };

export interface AuthContext {
  token: string;
  /**
   * The cookie's value: a secret of this run only, never the install token. Browsers send a
   * 127.0.0.1 cookie to every port of that host, so another local server may see it; it then
   * learns nothing that outlives this run or works against another Flowscope.
   */
  session: string;
  /** The cookie's name carries the port, so two Flowscopes on one host do not overwrite each other's. */
  cookieName: string;
  /** host:port forms this server answers to (127.0.0.1:8081, localhost:8081, ...). */
  hosts: Set<string>;
}

export function newAuthContext(token: string): AuthContext {
  return { token, session: randomBytes(32).toString('base64url'), cookieName: 'flowscope_session', hosts: new Set() };
}

function cookieValue(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
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

function bracketed(address: string): string {
  return address.includes(':') && !address.startsWith('[') ? `[${address}]` : address;
}

/**
 * The Host values this server answers to. Bound to every interface, it answers to each interface's
 * address and this machine's name too (the headless-server case); a browser omits the default port.
 */
export function allowedHosts(host: string, port: number, hostname: string): Set<string> {
  const names = new Set([host, '127.0.0.1', 'localhost', '::1']);
  if (host === '0.0.0.0' || host === '::') {
    names.add(hostname);
    for (const addresses of Object.values(networkInterfaces())) for (const a of addresses ?? []) names.add(a.address);
  }
  const forms = new Set<string>();
  for (const name of names) {
    forms.add(`${bracketed(name).toLowerCase()}:${port}`);
    if (port === 80) forms.add(bracketed(name).toLowerCase());
  }
  return forms;
}

/** Opening the printed UI address from a link (a chat, a CI page) is a cross-site navigation; it carries the token, so it may in. */
function isTopLevelNavigation(req: IncomingMessage): boolean {
  return req.method === 'GET' && req.headers['sec-fetch-mode'] === 'navigate' && req.headers['sec-fetch-dest'] === 'document';
}

/** Null when the request may go on; otherwise why not, said for a person. */
export function checkRequest(req: IncomingMessage, url: URL, auth: AuthContext): Refusal | null {
  const host = req.headers.host ?? '';
  if (!auth.hosts.has(host.toLowerCase())) {
    return {
      status: 403,
      message: `This Flowscope server does not answer to the host name "${host}". Open it at its address, e.g. http://${[...auth.hosts][0]}/, ` +
        'or start it with --ui-host 0.0.0.0 to reach it from other machines.',
    };
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !auth.hosts.has(origin.replace(/^https?:\/\//, '').toLowerCase())) {
    return { status: 403, message: `Requests from ${origin} are refused: only Flowscope's own page may call this server.` };
  }
  const byToken = bearerToken(req) ?? queryToken(url);
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none' && !(byToken !== null && isTopLevelNavigation(req))) {
    return { status: 403, message: 'Requests from other sites are refused. Paste the UI address that `flowscope serve` printed into the address bar.' };
  }
  if (byToken !== null) {
    return tokensEqual(byToken, auth.token)
      ? null
      : { status: 401, message: 'The token is wrong. Use the address `flowscope serve` printed, or the ui-token file in the data directory.' };
  }
  const session = cookieValue(req.headers.cookie, auth.cookieName);
  if (session !== null && tokensEqual(session, auth.session)) return null;
  return {
    status: 401,
    message: 'A token is required. Open the UI address that `flowscope serve` printed (it carries ?token=), or send ' +
      'Authorization: Bearer <token> (the token is in the data directory\'s ui-token file).',
  };
}

/** Set when the UI URL with ?token= is opened, so the page's own requests are let in without the token in URLs. */
export function sessionCookie(auth: AuthContext): string {
  return `${auth.cookieName}=${auth.session}; HttpOnly; SameSite=Strict; Path=/`;
}
