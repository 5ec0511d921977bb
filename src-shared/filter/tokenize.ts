import type { FilterParseError } from './ast.js';

export type Token =
  | { kind: '(' | ')' | '!' | '&' | '|'; start: number; end: number }
  /** quoted: written in quotes, so never an operator, a field:value or a keyword. */
  | { kind: 'word'; text: string; quoted: boolean; start: number; end: number };

/** Thrown inside the parser and turned into a result at its edge. */
export class FilterSyntaxError extends Error {
  constructor(message: string, readonly start: number, readonly end: number) {
    super(message);
  }

  toParseError(): FilterParseError {
    return { message: this.message, start: this.start, end: this.end };
  }
}

const PUNCTUATION = new Set(['(', ')', '&', '|']);
const QUOTES = new Set(['"', "'"]);

function isSpace(ch: string): boolean {
  return /\s/.test(ch);
}

/**
 * Inside quotes a backslash keeps the quote or backslash after it; before any other character it
 * stays, so regular expressions such as "\d+" need no doubling.
 */
function readQuoted(text: string, start: number): { value: string; end: number } {
  const quote = text[start]!;
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === quote) return { value, end: i + 1 };
    if (ch === '\\' && (text[i + 1] === quote || text[i + 1] === '\\')) {
      value += text[i + 1];
      i += 2;
      continue;
    }
    value += ch;
    i++;
  }
  throw new FilterSyntaxError(`This ${quote} is never closed: add a closing ${quote} at the end of the text.`, start, text.length);
}

/**
 * Splits filter text into tokens. ( ) & | are always punctuation outside quotes, so a regular
 * expression that uses them must be quoted; ! is "not" only at the start of a token.
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (isSpace(ch)) {
      i++;
    } else if (PUNCTUATION.has(ch) || ch === '!') {
      tokens.push({ kind: ch as '(' | ')' | '!' | '&' | '|', start: i, end: i + 1 });
      i++;
    } else if (QUOTES.has(ch)) {
      const { value, end } = readQuoted(text, i);
      tokens.push({ kind: 'word', text: value, quoted: true, start: i, end });
      i = end;
    } else {
      const start = i;
      while (i < text.length && !isSpace(text[i]!) && !PUNCTUATION.has(text[i]!) && !QUOTES.has(text[i]!)) i++;
      tokens.push({ kind: 'word', text: text.slice(start, i), quoted: false, start, end: i });
    }
  }
  return tokens;
}
