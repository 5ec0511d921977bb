import type { FlagName, TextField } from './ast.js';

/** ~ operators that take a regular expression, and what they match it against. */
export const REGEX_OPERATORS: Readonly<Record<string, { field: TextField; what: string }>> = {
  '~u': { field: 'url', what: 'the URL' },
  '~d': { field: 'host', what: 'the host name' },
  '~t': { field: 'contentType', what: 'the request or response content type' },
  '~h': { field: 'header', what: 'request and response header lines ("Name: value")' },
  '~hq': { field: 'requestHeader', what: 'request header lines ("Name: value")' },
  '~hs': { field: 'responseHeader', what: 'response header lines ("Name: value")' },
  '~b': { field: 'body', what: 'the request or response body' },
  '~bq': { field: 'requestBody', what: 'the request body' },
  '~bs': { field: 'responseBody', what: 'the response body' },
};

/** ~ operators that take no argument. */
export const FLAG_OPERATORS: Readonly<Record<string, { flag: FlagName; what: string }>> = {
  '~e': { flag: 'error', what: 'flows that failed (connection, TLS or protocol error)' },
  '~websocket': { flag: 'websocket', what: 'WebSocket flows' },
  '~replay': { flag: 'replay', what: 'flows sent by replay' },
  '~imported': { flag: 'imported', what: 'flows read from an imported HAR or JSON file' },
  '~a': { flag: 'asset', what: 'assets: scripts, style sheets, images and fonts' },
  '~blocked': { flag: 'blocked', what: 'requests a block rule stopped' },
};

/** ~ operators with an argument that is not a regular expression. */
export const VALUE_OPERATORS = {
  '~m': 'METHOD',
  '~c': 'CODE',
  '~class': 'CLASS',
} as const;

/** The names before a colon in field:value terms. */
export const FIELD_NAMES = ['status', 'duration', 'size', 'method', 'host'] as const;
export type FieldName = (typeof FIELD_NAMES)[number];

export const TILDE_OPERATORS = [...Object.keys(REGEX_OPERATORS), ...Object.keys(FLAG_OPERATORS), ...Object.keys(VALUE_OPERATORS)];

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The candidates nearest to a misspelt name, when they are near enough to be a likely typo,
 * said as "a", "a or b" or "a, b or c"; null when none is near or too many are equally near.
 */
export function closest(name: string, candidates: readonly string[], maxDistance: number): string | null {
  let best: string[] = [];
  let bestDistance = maxDistance + 1;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate);
    if (distance < bestDistance) {
      best = [candidate];
      bestDistance = distance;
    } else if (distance === bestDistance) {
      best.push(candidate);
    }
  }
  if (best.length === 0 || best.length > 3) return null;
  return best.length === 1 ? best[0]! : `${best.slice(0, -1).join(', ')} or ${best[best.length - 1]}`;
}

export interface FilterSyntaxEntry {
  syntax: string;
  description: string;
}

const SYNTAX: readonly FilterSyntaxEntry[] = [
  { syntax: 'word', description: 'URL contains the word (ignoring case); quote it to include spaces: "two words"' },
  ...Object.entries(REGEX_OPERATORS).map(([op, { what }]) => ({ syntax: `${op} REGEX`, description: `regular expression matches ${what}, ignoring case` })),
  { syntax: '~m METHOD', description: 'request method, e.g. ~m POST' },
  { syntax: '~c CODE', description: 'response status code, e.g. ~c 404 or ~c 5xx' },
  { syntax: '~class CLASS', description: 'traffic class: llm, mcp, web or other (this machine)' },
  ...Object.entries(FLAG_OPERATORS).map(([op, { what }]) => ({ syntax: op, description: what })),
  { syntax: 'status:>=400', description: 'status code compared: = < <= > >=, or a class such as status:4xx' },
  { syntax: 'duration:>1000', description: 'duration in milliseconds (or with a unit: 2s)' },
  { syntax: 'size:>1mb', description: 'response size; units b, kb, mb, gb (1024-based)' },
  { syntax: 'method:GET', description: 'request method' },
  { syntax: 'host:example.com', description: 'exact host name' },
  { syntax: '!  &  |  ( )', description: 'not, and, or, grouping; terms side by side mean and; ! binds tightest, then &, then |' },
];

/** The filter language in short, one entry per operator, for help text and completion. */
export function describeFilterSyntax(): readonly FilterSyntaxEntry[] {
  return SYNTAX;
}
