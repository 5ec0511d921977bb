import type { CompareOp, FilterNode, NumberField } from './ast.js';
import { FilterSyntaxError } from './tokenize.js';

/** Where a value was written, so an error can point at it. */
export interface ValueSpan {
  text: string;
  start: number;
  end: number;
}

const COMPARISON = /^(>=|<=|>|<|=)?(.*)$/s;
const SIZE_UNITS: Readonly<Record<string, number>> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };
const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function compare(field: NumberField, op: CompareOp, value: number): FilterNode {
  return { type: 'compare', field, op, value };
}

function splitOperator(span: ValueSpan): { op: CompareOp; rest: string; restStart: number } {
  const [, op, rest] = COMPARISON.exec(span.text)!;
  return { op: (op ?? '=') as CompareOp, rest: rest!, restStart: span.start + (op?.length ?? 0) };
}

/** A status code (404), a comparison (>=400) or a class (4xx). */
export function statusValue(span: ValueSpan, example: string): FilterNode {
  const { op, rest } = splitOperator(span);
  const cls = /^([1-5])xx$/i.exec(rest);
  if (cls && op === '=') {
    const base = Number(cls[1]) * 100;
    return { type: 'and', left: compare('status', '>=', base), right: compare('status', '<', base + 100) };
  }
  if (/^\d{1,3}$/.test(rest)) return compare('status', op, Number(rest));
  throw new FilterSyntaxError(
    `"${span.text}" is not a status code. Write a code such as ${example}404, a comparison such as ${example}>=400, or a class such as ${example}4xx.`,
    span.start,
    span.end,
  );
}

/** Milliseconds, or seconds with an s: 1000, >250ms, <2s. */
export function durationValue(span: ValueSpan): FilterNode {
  const { op, rest } = splitOperator(span);
  const match = /^(\d+(?:\.\d+)?)(ms|s)?$/i.exec(rest);
  if (!match) {
    throw new FilterSyntaxError(
      `"${span.text}" is not a duration. Write milliseconds such as duration:>1000, or seconds such as duration:>2s.`,
      span.start,
      span.end,
    );
  }
  const factor = match[2]?.toLowerCase() === 's' ? 1000 : 1;
  return compare('duration', op, Number(match[1]) * factor);
}

/** Bytes, or with a 1024-based unit: >1mb, <=512kb. */
export function sizeValue(span: ValueSpan): FilterNode {
  const { op, rest } = splitOperator(span);
  const match = /^(\d+(?:\.\d+)?)(b|kb|mb|gb)?$/i.exec(rest);
  if (!match) {
    throw new FilterSyntaxError(
      `"${span.text}" is not a size. Write bytes such as size:>5000, or use a unit (b, kb, mb, gb) such as size:>1mb.`,
      span.start,
      span.end,
    );
  }
  const factor = SIZE_UNITS[(match[2] ?? 'b').toLowerCase()]!;
  return compare('size', op, Math.round(Number(match[1]) * factor));
}

/** Methods and hosts compare whole names, so only = (or nothing) may come before them. */
export function nameValue(field: 'method' | 'host', span: ValueSpan, example: string): FilterNode {
  const { op, rest, restStart } = splitOperator(span);
  if (op !== '=') {
    throw new FilterSyntaxError(`A ${field} is compared whole: write ${example}, without ${op}.`, span.start, restStart);
  }
  if (field === 'method') {
    if (!HTTP_TOKEN.test(rest)) {
      throw new FilterSyntaxError(`"${rest}" is not a request method. Write a method such as ${example}.`, restStart, span.end);
    }
    return { type: 'equals', field, value: rest.toUpperCase() };
  }
  if (rest === '' || /\s/.test(rest)) {
    throw new FilterSyntaxError(`"${rest}" is not a host name. Write a host such as ${example}.`, restStart, span.end);
  }
  return { type: 'equals', field, value: rest.toLowerCase() };
}

const CLASSES = ['llm', 'mcp', 'web', 'other'];

/** ~class llm: one of the traffic classes (src-shared/model/classify.ts). */
export function classValue(span: ValueSpan): FilterNode {
  const value = span.text.toLowerCase();
  if (!CLASSES.includes(value)) {
    throw new FilterSyntaxError(`"${span.text}" is not a traffic class. Write ~class with one of ${CLASSES.join(', ')}.`, span.start, span.end);
  }
  return { type: 'equals', field: 'class', value };
}
