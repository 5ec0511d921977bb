/**
 * The scheme, host, port and path (with query) of a request's absolute URL, as WHATWG URL would
 * give them. Parsing with `new URL` cost about 1 us per flow, 3-6 us in the busy proxy; most URLs
 * a proxy sees are plain enough to split by hand with the same result. Anything that URL would
 * normalise (upper case, IPv4 shorthands, default or zero-padded ports, dot segments, characters
 * it percent-encodes, user info, IPv6) goes to URL itself.
 */
export interface UrlParts {
  scheme: string;
  host: string;
  port: number;
  /** Pathname and search, as sent. */
  path: string;
}

const PLAIN_URL = /^(https?|wss?):\/\/([a-z0-9.-]+)(?::([1-9]\d{0,4}))?(\/[\w\-.~!$&()*+,;=:@%/]*)?(\?[\w\-.~!$&()*+,;=:@%/?]*)?$/;
const DOT_SEGMENT = /\/\.\.?(?:\/|$)/;
const DOTTED_QUAD = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
/** A last label URL would read as a number (so the host as IPv4, perhaps in a shorthand). */
const NUMERIC_LABEL = /(?:^|\.)(?:0x[0-9a-f]*|\d+)$/;
const DEFAULT_PORTS: Record<string, number> = { http: 80, ws: 80, https: 443, wss: 443 };

function plainHost(host: string): boolean {
  if (host.startsWith('.') || host.endsWith('.') || host.includes('..')) return false;
  return !NUMERIC_LABEL.test(host) || DOTTED_QUAD.test(host);
}

export function urlParts(url: string): UrlParts {
  const match = PLAIN_URL.exec(url);
  if (match) {
    const [, scheme, host, portText, pathname = '/', search = ''] = match as unknown as [string, string, string, string | undefined, string | undefined, string | undefined];
    const defaultPort = DEFAULT_PORTS[scheme]!;
    const port = portText === undefined ? defaultPort : Number(portText);
    const portKept = portText === undefined || (port !== defaultPort && port <= 65535);
    if (portKept && plainHost(host) && !DOT_SEGMENT.test(pathname)) return { scheme, host, port, path: pathname + (search === '?' ? '' : search) };
  }
  const parsed = new URL(url);
  const scheme = parsed.protocol.slice(0, -1);
  return { scheme, host: parsed.hostname, port: parsed.port ? Number(parsed.port) : DEFAULT_PORTS[scheme] ?? 80, path: parsed.pathname + parsed.search };
}
