/**
 * Parsers for the values proxy modes and traffic policy take, shared by the validators (UI, REST,
 * flags, settings.json) and the engine, so every layer reads "reverse:URL@PORT" or a CIDR alike.
 */
import { parseUrl } from '../util/web-globals.js';

export type ProxyMode = { kind: 'regular'; port: number | null } | { kind: 'reverse'; target: string; port: number | null };

/** "regular", "regular@8080", "reverse:http://localhost:3000", "reverse:https://api.test@8443". Throws Error with the reason. */
export function parseMode(text: string): ProxyMode {
  const at = text.lastIndexOf('@');
  const hasPort = at > 0 && /^\d+$/.test(text.slice(at + 1));
  const body = hasPort ? text.slice(0, at) : text;
  const port = hasPort ? Number(text.slice(at + 1)) : null;
  // @0 asks for any free port (scripts and tests read the one taken from `flowscope status`).
  if (port !== null && port > 65_535) throw new Error(`"${text}": port ${port} is not between 1 and 65535.`);
  if (body === 'regular') return { kind: 'regular', port };
  if (body.startsWith('reverse:')) {
    const target = body.slice('reverse:'.length);
    let url;
    try {
      url = parseUrl(target);
    } catch {
      throw new Error(`"${text}": "${target}" is not a URL. Write reverse:http://host:port or reverse:https://host.`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`"${text}": the backend must be http:// or https://.`);
    if (url.pathname !== '/' || url.search || url.hash) throw new Error(`"${text}": give the backend's origin only (scheme, host, port), without a path.`);
    return { kind: 'reverse', target: url.origin, port };
  }
  throw new Error(`"${text}" is not a mode. Use regular or reverse:URL, each optionally @PORT.`);
}

/** example.com, *.example.com, localhost, 10.0.0.1 */
export function isHostPattern(text: string): boolean {
  return /^(\*\.)?[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?$/i.test(text) || isIp(text);
}

const normalHost = (text: string) => text.toLowerCase().replace(/\.$/, '');

/**
 * Whether any of the patterns names the host (a "*." pattern also names the bare domain; case
 * and a final dot do not count), with the patterns prepared once: the list is checked on every
 * flow (20 patterns taken one by one cost 1.6 us a flow).
 */
export function hostPatternMatcher(patterns: readonly string[]): (host: string) => boolean {
  const exact = new Set<string>();
  const domains: string[] = [];
  for (const pattern of patterns) {
    const p = normalHost(pattern);
    if (p.startsWith('*.')) domains.push(p.slice(2));
    else exact.add(p);
  }
  return (host) => {
    const h = normalHost(host);
    if (exact.has(h)) return true;
    for (const domain of domains) {
      if (h === domain || (h.endsWith(domain) && h[h.length - domain.length - 1] === '.')) return true;
    }
    return false;
  };
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function isIpv6(text: string): boolean {
  if (!text.includes(':') || !/^[0-9a-f:.]+$/i.test(text)) return false;
  try {
    parseUrl(`http://[${text}]/`);
    return true;
  } catch {
    return false;
  }
}

export function isIp(text: string): boolean {
  return IPV4.test(text) || isIpv6(text);
}

export interface IpRange {
  address: string;
  /** Prefix length; a single address has the full length (32 or 128). */
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** "192.168.1.7", "10.0.0.0/8", "::1", "fd00::/8". Throws Error with the reason. */
export function parseIpRange(text: string): IpRange {
  const [address = '', prefixText, extra] = text.trim().split('/');
  if (extra !== undefined) throw new Error(`"${text}" is not an IP address or CIDR range.`);
  const family = IPV4.test(address) ? 'ipv4' : isIpv6(address) ? 'ipv6' : null;
  if (!family) throw new Error(`"${text}" is not an IP address or CIDR range (e.g. 192.168.1.7, 10.0.0.0/8, ::1, fd00::/8).`);
  const max = family === 'ipv4' ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!/^\d+$/.test(prefixText ?? String(max)) || prefix > max) throw new Error(`"${text}": the prefix length must be 0 to ${max}.`);
  return { address, prefix, family };
}
