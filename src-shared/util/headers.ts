import type { RawHeaders } from '../model/flow.js';

/** The first value of a header, matched case-insensitively, or null. */
export function headerValue(headers: RawHeaders | null | undefined, name: string): string | null {
  if (!headers) return null;
  const wanted = name.toLowerCase();
  for (const [key, value] of headers) {
    // Comparing lengths first spares a lower-cased copy of nearly every other header's name.
    if (key.length === wanted.length && (key === wanted || key.toLowerCase() === wanted)) return value;
  }
  return null;
}

/** The media type of a Content-Type value, without parameters, lower-cased. */
export function mediaType(contentType: string | null): string | null {
  if (!contentType) return null;
  const type = contentType.split(';', 1)[0]!.trim().toLowerCase();
  return type || null;
}
