/** Fields a regular expression (or a plain word) is matched against. */
export type TextField =
  | 'url'
  | 'host'
  | 'contentType'
  | 'header'
  | 'requestHeader'
  | 'responseHeader'
  | 'body'
  | 'requestBody'
  | 'responseBody';

/** status: the response status code; duration: milliseconds; size: response bytes on the wire. */
export type NumberField = 'status' | 'duration' | 'size';

export type CompareOp = '=' | '<' | '<=' | '>' | '>=';

export type FlagName = 'error' | 'websocket' | 'replay' | 'imported' | 'asset' | 'blocked';

/**
 * A parsed filter. Regular expressions are JavaScript ones, matched case-insensitively, so the UI
 * (which validates with the same parser) and the store agree on what a pattern means.
 */
export type FilterNode =
  | { type: 'and'; left: FilterNode; right: FilterNode }
  | { type: 'or'; left: FilterNode; right: FilterNode }
  | { type: 'not'; operand: FilterNode }
  | { type: 'regex'; field: TextField; pattern: string }
  /** A plain word: the URL contains it, ignoring case; no character is special. */
  | { type: 'text'; text: string }
  /** method: upper case; host: lower case; both compared whole. */
  | { type: 'equals'; field: 'method' | 'host' | 'class'; value: string }
  | { type: 'compare'; field: NumberField; op: CompareOp; value: number }
  | { type: 'flag'; flag: FlagName };

export interface FilterParseError {
  message: string;
  /** Character offsets of the offending part of the text: [start, end). */
  start: number;
  end: number;
}

export type FilterParseResult = { ok: true; ast: FilterNode | null } | { ok: false; error: FilterParseError };
