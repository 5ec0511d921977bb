/**
 * What the user typed as an alternate replay target: a full URL (every request goes exactly there)
 * or only an origin such as http://localhost:3000 (each request keeps its own path and query).
 */
export type ParsedTarget = { ok: true; targetUrl: string; originOnly: boolean } | { ok: false; error: string };

const ORIGIN_ONLY = /^https?:\/\/[^/?#]+\/?$/i;

export function parseTarget(text: string): ParsedTarget {
  const targetUrl = text.trim();
  if (targetUrl === '') return { ok: false, error: 'Enter where to send the requests, e.g. http://localhost:3000.' };
  let url: URL;
  try {
    url = new URL(targetUrl);
  } catch {
    return { ok: false, error: `"${targetUrl}" is not a URL. Give a full URL such as http://localhost:3000/path, or only an origin such as http://localhost:3000.` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, error: `The URL must start with http:// or https://, not ${url.protocol}//.` };
  return { ok: true, targetUrl, originOnly: ORIGIN_ONLY.test(targetUrl) };
}

/** Where one request with this path (and query) goes. */
export function targetFor(target: { targetUrl: string; originOnly: boolean }, path: string): string {
  return target.originOnly ? new URL(target.targetUrl).origin + path : target.targetUrl;
}
