import type Database from 'better-sqlite3';
import { ApiError } from '../../src-shared/api/errors.js';
import type { CompareOp, FilterNode, NumberField, TextField } from '../../src-shared/filter/ast.js';
import { parseFilter } from '../../src-shared/filter/index.js';
import type { RawHeaders } from '../../src-shared/model/flow.js';
import { decodeContentPrefix, unstoreBody, type BodyStorage } from './body-codec.js';

/** A WHERE clause over `flows` whose every value is a bound parameter. */
export interface SqlFilter {
  where: string;
  params: unknown[];
}

/** Bodies are searched in their first few MiB only, so one huge body cannot stall a query. */
export const BODY_SEARCH_BYTES = 4 * 1024 * 1024;
/** Distinct patterns kept compiled; filters are typed by a person, so few are live at once. */
const REGEX_CACHE_SIZE = 64;

const NUMBER_COLUMNS: Readonly<Record<NumberField, string>> = {
  status: 'status_code',
  duration: 'duration_ms',
  size: 'response_wire_size',
};

const OPERATORS: Readonly<Record<CompareOp, string>> = { '=': '=', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };

/** Asset content types, as mitmproxy's ~a has them. */
const ASSET_TYPES = ['%javascript%', '%css%', 'image/%', '%font%'];

const regexCache = new Map<string, RegExp>();

function compiled(pattern: string, flags = 'i'): RegExp {
  const key = `${flags}/${pattern}`;
  let regex = regexCache.get(key);
  if (!regex) {
    if (regexCache.size >= REGEX_CACHE_SIZE) regexCache.clear();
    regex = new RegExp(pattern, flags);
    regexCache.set(key, regex);
  }
  return regex;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

/**
 * A regular expression of plain ASCII characters, '.', a leading ^ and a trailing $ means the same
 * as a LIKE pattern (LIKE ignores ASCII case, and _ is any one character), which SQLite runs
 * without calling back into JavaScript for every row.
 */
function regexAsLike(pattern: string): string | null {
  const match = /^(\^?)([\x20-\x7e]*?)(\$?)$/.exec(pattern);
  if (!match || /[\\^$*+?()[\]{}|]/.test(match[2]!)) return null;
  const body = escapeLike(match[2]!).replace(/\./g, '_');
  return `${match[1] ? '' : '%'}${body}${match[3] ? '' : '%'}`;
}

class Compiler {
  readonly params: unknown[] = [];

  private bind(value: unknown): string {
    this.params.push(value);
    return '?';
  }

  /** Every piece yields 0 or 1, never NULL, so that ! of it is right for flows missing a column. */
  node(node: FilterNode): string {
    switch (node.type) {
      case 'and':
        return `(${this.node(node.left)} AND ${this.node(node.right)})`;
      case 'or':
        return `(${this.node(node.left)} OR ${this.node(node.right)})`;
      case 'not':
        return `(NOT ${this.node(node.operand)})`;
      case 'text':
        return `(url LIKE ${this.bind(`%${escapeLike(node.text)}%`)} ESCAPE '\\')`;
      case 'equals':
        return `(${node.field === 'class' ? 'traffic_class' : node.field} = ${this.bind(node.value)})`;
      case 'compare': {
        const column = NUMBER_COLUMNS[node.field];
        return `(${column} IS NOT NULL AND ${column} ${OPERATORS[node.op]} ${this.bind(node.value)})`;
      }
      case 'flag':
        return this.flag(node.flag);
      case 'regex':
        return this.regex(node.field, node.pattern);
    }
  }

  private flag(flag: Extract<FilterNode, { type: 'flag' }>['flag']): string {
    switch (flag) {
      case 'error':
        return '(error_type IS NOT NULL)';
      case 'websocket':
        return `(kind = ${this.bind('websocket')})`;
      case 'replay':
        return `(source = ${this.bind('replay')})`;
      case 'imported':
        return `(source = ${this.bind('import')})`;
      case 'blocked':
        return '(blocked_by IS NOT NULL)';
      case 'asset': {
        const likes = ASSET_TYPES.map((type) => `response_content_type LIKE ${this.bind(type)}`);
        return `(response_content_type IS NOT NULL AND (${likes.join(' OR ')}))`;
      }
    }
  }

  private matchColumn(column: string, pattern: string): string {
    const like = regexAsLike(pattern);
    const test = like === null ? `regexp(${this.bind(pattern)}, ${column})` : `${column} LIKE ${this.bind(like)} ESCAPE '\\'`;
    return `(${column} IS NOT NULL AND ${test})`;
  }

  private body(side: 'request' | 'response' | null, pattern: string): string {
    const sideTest = side === null ? '' : ` AND bodies.side = ${this.bind(side)}`;
    const encoding = "CASE bodies.side WHEN 'request' THEN flows.request_content_encoding ELSE flows.response_content_encoding END";
    return `EXISTS (SELECT 1 FROM bodies WHERE bodies.flow_id = flows.id${sideTest} ` +
      `AND flowscope_body_match(${this.bind(pattern)}, bodies.storage, bodies.data, ${encoding}))`;
  }

  private regex(field: TextField, pattern: string): string {
    switch (field) {
      case 'url':
        return this.matchColumn('url', pattern);
      case 'host':
        return this.matchColumn('host', pattern);
      case 'contentType':
        return `(${this.matchColumn('request_content_type', pattern)} OR ${this.matchColumn('response_content_type', pattern)})`;
      case 'header':
        return `(flowscope_headers_match(${this.bind(pattern)}, request_headers) OR flowscope_headers_match(${this.bind(pattern)}, response_headers))`;
      case 'requestHeader':
        return `flowscope_headers_match(${this.bind(pattern)}, request_headers)`;
      case 'responseHeader':
        return `flowscope_headers_match(${this.bind(pattern)}, response_headers)`;
      case 'body':
        return this.body(null, pattern);
      case 'requestBody':
        return this.body('request', pattern);
      case 'responseBody':
        return this.body('response', pattern);
    }
  }
}

/** The WHERE clause for a parsed filter; no filter matches every flow. */
export function filterToSql(node: FilterNode | null): SqlFilter {
  if (node === null) return { where: '1', params: [] };
  const compiler = new Compiler();
  const where = compiler.node(node);
  return { where, params: compiler.params };
}

/** Parses and compiles filter text; text that does not parse is the caller's mistake (BAD_FILTER). */
export function compileFilter(text: string | undefined): SqlFilter {
  const parsed = parseFilter(text ?? '');
  if (!parsed.ok) {
    const { message, start, end } = parsed.error;
    throw new ApiError('BAD_FILTER', `${message} (at characters ${start}-${end} of the filter)`);
  }
  return filterToSql(parsed.ast);
}

/** The SQL functions below, as a compiled WHERE clause calls them (values are bound, never inlined). */
const JAVASCRIPT_CALL = /\b(?:regexp|flowscope_body_match|flowscope_headers_match)\(/;

/**
 * Whether the filter calls back into JavaScript for each flow it tests (a regular expression, a
 * header or body search): no index helps it, so even a page of its matches may read every flow.
 */
export function callsJavaScript(filter: SqlFilter): boolean {
  return JAVASCRIPT_CALL.test(filter.where);
}

function headerLines(json: string): string {
  return (JSON.parse(json) as RawHeaders).map(([name, value]) => `${name}: ${value}`).join('\n');
}

/** The SQL functions compiled filters call; each connection that runs filtered queries needs them. */
export function registerFilterFunctions(db: Database.Database): void {
  const deterministic = { deterministic: true };
  db.function('regexp', deterministic, (pattern: unknown, value: unknown) =>
    typeof value === 'string' && compiled(String(pattern)).test(value) ? 1 : 0,
  );
  // ^ and $ match at each header line, as in mitmproxy's ~h.
  db.function('flowscope_headers_match', deterministic, (pattern: unknown, json: unknown) =>
    typeof json === 'string' && compiled(String(pattern), 'im').test(headerLines(json)) ? 1 : 0,
  );
  db.function('flowscope_body_match', deterministic, (pattern: unknown, storage: unknown, data: unknown, encoding: unknown) => {
    if (!Buffer.isBuffer(data)) return 0;
    const wire = unstoreBody(storage as BodyStorage, data);
    const bytes = decodeContentPrefix(wire, typeof encoding === 'string' ? encoding : null, BODY_SEARCH_BYTES) ??
      wire.subarray(0, BODY_SEARCH_BYTES);
    return compiled(String(pattern)).test(bytes.toString('utf8')) ? 1 : 0;
  });
}
