/**
 * Globals that Node 20 and every browser share, typed for src-shared (which has neither DOM nor
 * node types, so code here cannot reach a platform-only API by accident).
 */
export interface ParsedUrl {
  href: string;
  protocol: string;
  username: string;
  password: string;
  host: string;
  hostname: string;
  port: string;
  pathname: string;
  search: string;
  hash: string;
  origin: string;
}

interface WebGlobals {
  URL: new (url: string, base?: string) => ParsedUrl;
  TextEncoder: new () => { encode(text: string): Uint8Array };
  TextDecoder: new (label?: string, options?: { fatal?: boolean }) => { decode(bytes: Uint8Array): string };
}

const web = globalThis as unknown as WebGlobals;

/** Parses a URL; throws TypeError when it is not one. */
export function parseUrl(url: string, base?: string): ParsedUrl {
  return new web.URL(url, base);
}

export function utf8Encode(text: string): Uint8Array {
  return new web.TextEncoder().encode(text);
}

/** The text of UTF-8 bytes, or null when they are not valid UTF-8. */
export function utf8DecodeStrict(bytes: Uint8Array): string | null {
  try {
    return new web.TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}
