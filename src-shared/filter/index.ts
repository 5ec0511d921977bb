/** The filter language: one parser for the UI (validation), the store (SQL) and any matcher. */
export type { FilterNode, FilterParseError, FilterParseResult } from './ast.js';
export { describeFilterSyntax, type FilterSyntaxEntry } from './operators.js';
export { parseFilter } from './parse.js';
