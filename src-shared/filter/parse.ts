import type { FilterNode, FilterParseResult } from './ast.js';
import { closest, FIELD_NAMES, FLAG_OPERATORS, REGEX_OPERATORS, TILDE_OPERATORS, type FieldName } from './operators.js';
import { FilterSyntaxError, tokenize, type Token } from './tokenize.js';
import { classValue, durationValue, nameValue, sizeValue, statusValue, type ValueSpan } from './values.js';

type WordToken = Extract<Token, { kind: 'word' }>;

/** Words like "http://..." look like field:value but are URL searches. */
const URL_SCHEMES = new Set(['http', 'https', 'ws', 'wss']);

/** The reason part of a JavaScript RegExp SyntaxError ("Invalid regular expression: /(/i: Unterminated group"). */
function regexProblem(pattern: string): string | null {
  try {
    new RegExp(pattern, 'i');
    return null;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return message.slice(message.lastIndexOf(': ') + 2);
  }
}

function startsTerm(token: Token | undefined): boolean {
  return token !== undefined && (token.kind === 'word' || token.kind === '(' || token.kind === '!');
}

/** Recursive descent over: or := and ('|' and)*; and := not ('&'? not)*; not := '!' not | primary. */
class Parser {
  private pos = 0;

  constructor(private readonly tokens: Token[], private readonly length: number) {}

  parse(): FilterNode | null {
    if (this.tokens.length === 0) return null;
    const node = this.or();
    const extra = this.tokens[this.pos];
    if (extra) throw new FilterSyntaxError('This ) has no matching (: remove it, or add a ( before it.', extra.start, extra.end);
    return node;
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private or(): FilterNode {
    let left = this.and();
    for (let token = this.peek(); token?.kind === '|'; token = this.peek()) {
      this.pos++;
      this.mustHaveRight(token, '|', 'or');
      left = { type: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): FilterNode {
    let left = this.not();
    for (let token = this.peek(); token?.kind === '&' || startsTerm(token); token = this.peek()) {
      if (token?.kind === '&') {
        this.pos++;
        this.mustHaveRight(token, '&', 'and');
      }
      left = { type: 'and', left, right: this.not() };
    }
    return left;
  }

  private not(): FilterNode {
    const token = this.peek();
    if (token?.kind !== '!') return this.primary();
    this.pos++;
    if (!startsTerm(this.peek())) {
      throw new FilterSyntaxError('! needs a filter after it, e.g. !~c 200.', token.start, token.end);
    }
    return { type: 'not', operand: this.not() };
  }

  private mustHaveRight(token: Token, symbol: string, name: string): void {
    if (!startsTerm(this.peek())) {
      throw new FilterSyntaxError(`${symbol} (${name}) needs a filter on its right, e.g. ~d example.com ${symbol} ~c 404.`, token.start, token.end);
    }
  }

  private primary(): FilterNode {
    const token = this.tokens[this.pos++];
    if (!token) throw new FilterSyntaxError('A filter is missing at the end.', this.length, this.length);
    switch (token.kind) {
      case 'word':
        return this.term(token);
      case '(':
        return this.group(token);
      case ')':
        throw new FilterSyntaxError('This ) has no matching (: remove it, or add a ( before it.', token.start, token.end);
      default:
        throw new FilterSyntaxError(
          `${token.kind} (${token.kind === '&' ? 'and' : 'or'}) needs a filter on its left, e.g. ~d example.com ${token.kind} ~c 404.`,
          token.start,
          token.end,
        );
    }
  }

  private group(open: Token): FilterNode {
    const next = this.peek();
    if (next?.kind === ')') {
      throw new FilterSyntaxError('These parentheses are empty: put a filter inside, e.g. (~c 404 | ~c 500).', open.start, next.end);
    }
    const inner = this.or();
    if (this.peek()?.kind !== ')') {
      throw new FilterSyntaxError('This ( is never closed: add a ) after the filter it groups.', open.start, open.end);
    }
    this.pos++;
    return inner;
  }

  private term(word: WordToken): FilterNode {
    if (word.quoted) return { type: 'text', text: word.text };
    if (word.text.startsWith('~')) return this.operator(word);
    const field = /^([A-Za-z]+):(.*)$/s.exec(word.text);
    if (field) {
      const name = field[1]!.toLowerCase();
      if ((FIELD_NAMES as readonly string[]).includes(name)) return this.fieldValue(name as FieldName, word);
      const suggestion = URL_SCHEMES.has(name) ? null : closest(name, FIELD_NAMES, name.length >= 5 ? 2 : 1);
      if (suggestion) {
        throw new FilterSyntaxError(
          `There is no field ${name}:. Did you mean ${suggestion}:? To search URLs for the text itself, quote it: "${word.text}".`,
          word.start,
          word.start + name.length + 1,
        );
      }
    }
    return { type: 'text', text: word.text };
  }

  private operator(word: WordToken): FilterNode {
    const op = word.text;
    const regex = REGEX_OPERATORS[op];
    if (regex) {
      const arg = this.argument(op, `a regular expression to match ${regex.what}`, 'api');
      const problem = regexProblem(arg.text);
      if (problem !== null) {
        throw new FilterSyntaxError(
          `"${arg.text}" is not a valid regular expression: ${problem}. Put a \\ before special characters to match them literally, e.g. \\( or \\?.`,
          arg.start,
          arg.end,
        );
      }
      return { type: 'regex', field: regex.field, pattern: arg.text };
    }
    const flag = FLAG_OPERATORS[op];
    if (flag) return { type: 'flag', flag: flag.flag };
    if (op === '~m') return nameValue('method', this.argument(op, 'a request method', 'POST'), '~m POST');
    if (op === '~c') return statusValue(this.argument(op, 'a status code', '404'), '~c ');
    if (op === '~class') return classValue(this.argument(op, 'a traffic class (llm, mcp, web or other)', 'llm'));
    const suggestion = closest(op, TILDE_OPERATORS, 2);
    throw new FilterSyntaxError(
      suggestion
        ? `There is no operator ${op}. Did you mean ${suggestion}?`
        : `There is no operator ${op}. The operators are ${TILDE_OPERATORS.join(' ')}.`,
      word.start,
      word.end,
    );
  }

  /** The word after an operator; another operator or nothing there means the argument is missing. */
  private argument(op: string, what: string, example: string): ValueSpan {
    const next = this.peek();
    if (next?.kind !== 'word' || (!next.quoted && next.text.startsWith('~'))) {
      const operator = this.tokens[this.pos - 1]!;
      const quoteHint = next !== undefined && next.kind !== 'word' && next.kind !== '!'
        ? ` To match ( ) & or | themselves, quote the expression: ${op} "a|b".`
        : '';
      throw new FilterSyntaxError(`${op} needs ${what} after it, e.g. ${op} ${example}.${quoteHint}`, operator.start, operator.end);
    }
    this.pos++;
    return { text: next.text, start: next.start, end: next.end };
  }

  /** field:value, or field: value when a space follows the colon. */
  private fieldValue(field: FieldName, word: WordToken): FilterNode {
    const valueStart = word.start + field.length + 1;
    let span: ValueSpan = { text: word.text.slice(field.length + 1), start: valueStart, end: word.end };
    if (span.text === '') {
      const next = this.peek();
      if (next?.kind !== 'word' || (!next.quoted && next.text.startsWith('~'))) {
        throw new FilterSyntaxError(`${field}: needs a value, e.g. ${EXAMPLES[field]}.`, word.start, word.end);
      }
      this.pos++;
      span = { text: next.text, start: next.start, end: next.end };
    }
    switch (field) {
      case 'status':
        return statusValue(span, 'status:');
      case 'duration':
        return durationValue(span);
      case 'size':
        return sizeValue(span);
      case 'method':
      case 'host':
        return nameValue(field, span, EXAMPLES[field]);
    }
  }
}

const EXAMPLES: Readonly<Record<FieldName, string>> = {
  status: 'status:>=400',
  duration: 'duration:>1000',
  size: 'size:>1mb',
  method: 'method:GET',
  host: 'host:example.com',
};

/** Parses filter text; blank text is no filter (ast null). Never throws. */
export function parseFilter(text: string): FilterParseResult {
  try {
    return { ok: true, ast: new Parser(tokenize(text), text.length).parse() };
  } catch (err) {
    if (err instanceof FilterSyntaxError) return { ok: false, error: err.toParseError() };
    throw err;
  }
}
