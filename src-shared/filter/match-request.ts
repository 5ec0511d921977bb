/**
 * Evaluates a filter against a request before it is sent on (block rules): only what is known at
 * that moment counts. Terms about the response, the body, timings or sizes never match here, so a
 * rule written with them blocks nothing rather than guessing.
 */
import type { FilterNode } from './ast.js';

export interface RequestFacts {
  method: string;
  url: string;
  host: string;
  headers: ReadonlyArray<readonly [string, string]>;
}

const ASSET = /\.(js|mjs|css|png|jpe?g|gif|webp|svg|ico|woff2?|ttf|otf)(\?|$)/i;

function regexTest(pattern: string, text: string, cache: Map<string, RegExp>): boolean {
  let regex = cache.get(pattern);
  if (!regex) {
    regex = new RegExp(pattern, 'i');
    cache.set(pattern, regex);
  }
  return regex.test(text);
}

/** Compiles a parsed filter into a predicate over requests (regular expressions built once). */
export function requestMatcher(ast: FilterNode | null): (request: RequestFacts) => boolean {
  const cache = new Map<string, RegExp>();
  const evaluate = (node: FilterNode, r: RequestFacts): boolean => {
    switch (node.type) {
      case 'and':
        return evaluate(node.left, r) && evaluate(node.right, r);
      case 'or':
        return evaluate(node.left, r) || evaluate(node.right, r);
      case 'not':
        return !evaluate(node.operand, r);
      case 'text':
        return r.url.toLowerCase().includes(node.text.toLowerCase());
      case 'equals':
        if (node.field === 'method') return r.method.toUpperCase() === node.value;
        if (node.field === 'host') return r.host.toLowerCase() === node.value;
        return false;
      case 'regex':
        switch (node.field) {
          case 'url':
            return regexTest(node.pattern, r.url, cache);
          case 'host':
            return regexTest(node.pattern, r.host, cache);
          case 'header':
          case 'requestHeader':
            return r.headers.some(([name, value]) => regexTest(node.pattern, `${name}: ${value}`, cache));
          case 'contentType': {
            const type = r.headers.find(([name]) => name.toLowerCase() === 'content-type')?.[1];
            return type !== undefined && regexTest(node.pattern, type, cache);
          }
          default:
            return false;
        }
      case 'flag':
        return node.flag === 'asset' && ASSET.test(r.url);
      case 'compare':
        return false;
    }
  };
  return (request) => ast !== null && evaluate(ast, request);
}
