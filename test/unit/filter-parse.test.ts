import { describe, expect, it } from 'vitest';
import { describeFilterSyntax, parseFilter, type FilterNode } from '../../src-shared/filter/index.js';

function ast(text: string): FilterNode | null {
  const result = parseFilter(text);
  if (!result.ok) throw new Error(`"${text}" did not parse: ${result.error.message}`);
  return result.ast;
}

/** The error and the part of the text it marks. */
function error(text: string): { message: string; marked: string } {
  const result = parseFilter(text);
  if (result.ok) throw new Error(`"${text}" parsed, but should not have`);
  return { message: result.error.message, marked: text.slice(result.error.start, result.error.end) };
}

const text = (t: string): FilterNode => ({ type: 'text', text: t });
const status = (op: '=' | '<' | '<=' | '>' | '>=', value: number): FilterNode => ({ type: 'compare', field: 'status', op, value });

describe('parseFilter', () => {
  it('is no filter for empty or blank text', () => {
    expect(ast('')).toBeNull();
    expect(ast('  \t ')).toBeNull();
  });

  it.each([
    ['~u', 'url'], ['~d', 'host'], ['~t', 'contentType'], ['~h', 'header'], ['~hq', 'requestHeader'],
    ['~hs', 'responseHeader'], ['~b', 'body'], ['~bq', 'requestBody'], ['~bs', 'responseBody'],
  ])('reads %s REGEX as a regular expression on the %s', (op, field) => {
    expect(ast(`${op} ^api\\d+$`)).toEqual({ type: 'regex', field, pattern: '^api\\d+$' });
  });

  it.each([['~e', 'error'], ['~websocket', 'websocket'], ['~replay', 'replay'], ['~a', 'asset']])('reads %s as a flag', (op, flag) => {
    expect(ast(op)).toEqual({ type: 'flag', flag });
  });

  it('reads methods, status codes and status classes', () => {
    expect(ast('~m post')).toEqual({ type: 'equals', field: 'method', value: 'POST' });
    expect(ast('method:get')).toEqual({ type: 'equals', field: 'method', value: 'GET' });
    expect(ast('host:API.Example.com')).toEqual({ type: 'equals', field: 'host', value: 'api.example.com' });
    expect(ast('~c 404')).toEqual(status('=', 404));
    expect(ast('~c 5xx')).toEqual({ type: 'and', left: status('>=', 500), right: status('<', 600) });
    expect(ast('status:4XX')).toEqual({ type: 'and', left: status('>=', 400), right: status('<', 500) });
  });

  it.each([
    ['status:404', status('=', 404)],
    ['status:=404', status('=', 404)],
    ['status:>=400', status('>=', 400)],
    ['status:<300', status('<', 300)],
    ['status: >500', status('>', 500)],
    ['duration:>1000', { type: 'compare', field: 'duration', op: '>', value: 1000 }],
    ['duration:<=1.5s', { type: 'compare', field: 'duration', op: '<=', value: 1500 }],
    ['duration:>250ms', { type: 'compare', field: 'duration', op: '>', value: 250 }],
    ['size:>1mb', { type: 'compare', field: 'size', op: '>', value: 1024 * 1024 }],
    ['size:<2KB', { type: 'compare', field: 'size', op: '<', value: 2048 }],
    ['size:>=1Gb', { type: 'compare', field: 'size', op: '>=', value: 1024 ** 3 }],
    ['size:10b', { type: 'compare', field: 'size', op: '=', value: 10 }],
    ['size:500', { type: 'compare', field: 'size', op: '=', value: 500 }],
  ])('reads the comparison %s', (input, expected) => {
    expect(ast(input)).toEqual(expected);
  });

  it('reads plain and quoted words as URL searches, with quotes keeping operators literal', () => {
    expect(ast('login')).toEqual(text('login'));
    expect(ast('"two words"')).toEqual(text('two words'));
    expect(ast("'~u'")).toEqual(text('~u'));
    expect(ast('"say \\"hi\\""')).toEqual(text('say "hi"'));
    expect(ast('http://example.com/a')).toEqual(text('http://example.com/a'));
    expect(ast('~u "a|(b)"')).toEqual({ type: 'regex', field: 'url', pattern: 'a|(b)' });
    expect(ast("~b '\\d+'")).toEqual({ type: 'regex', field: 'body', pattern: '\\d+' });
  });

  it('gives ! over & over |, and reads juxtaposition as &', () => {
    expect(ast('a | b & c')).toEqual({ type: 'or', left: text('a'), right: { type: 'and', left: text('b'), right: text('c') } });
    expect(ast('a b | c')).toEqual({ type: 'or', left: { type: 'and', left: text('a'), right: text('b') }, right: text('c') });
    expect(ast('!a & b')).toEqual({ type: 'and', left: { type: 'not', operand: text('a') }, right: text('b') });
    expect(ast('!!a')).toEqual({ type: 'not', operand: { type: 'not', operand: text('a') } });
    expect(ast('a b c')).toEqual(ast('(a & b) & c'));
    expect(ast('a & b')).toEqual(ast('a b'));
  });

  it('lets parentheses override precedence', () => {
    expect(ast('(a | b) c')).toEqual({ type: 'and', left: { type: 'or', left: text('a'), right: text('b') }, right: text('c') });
    expect(ast('!(a | b)')).toEqual({ type: 'not', operand: { type: 'or', left: text('a'), right: text('b') } });
    expect(ast('~d example\\.com !(~c 200 | ~c 304)')).toEqual({
      type: 'and',
      left: { type: 'regex', field: 'host', pattern: 'example\\.com' },
      right: { type: 'not', operand: { type: 'or', left: status('=', 200), right: status('=', 304) } },
    });
  });

  describe('errors, each marking its place', () => {
    it('names the closest operator for an unknown one', () => {
      expect(error('~c 200 ~hz x')).toEqual({ marked: '~hz', message: 'There is no operator ~hz. Did you mean ~h, ~hq or ~hs?' });
      expect(error('~websockt')).toEqual({ marked: '~websockt', message: 'There is no operator ~websockt. Did you mean ~websocket?' });
      expect(error('~zzzzz').message).toMatch(/^There is no operator ~zzzzz\. The operators are ~u ~d/);
    });

    it('names the closest field for a misspelt one', () => {
      expect(error('stauts:404')).toEqual({
        marked: 'stauts:',
        message: 'There is no field stauts:. Did you mean status:? To search URLs for the text itself, quote it: "stauts:404".',
      });
    });

    it('says which argument is missing', () => {
      expect(error('~c 200 & ~u')).toEqual({ marked: '~u', message: '~u needs a regular expression to match the URL after it, e.g. ~u api.' });
      expect(error('~d ~c 200').marked).toBe('~d');
      expect(error('~m').message).toBe('~m needs a request method after it, e.g. ~m POST.');
      expect(error('~u (a|b)').message).toMatch(/quote the expression: ~u "a\|b"/);
      expect(error('status:')).toEqual({ marked: 'status:', message: 'status: needs a value, e.g. status:>=400.' });
    });

    it('says why a regular expression is invalid', () => {
      const { message, marked } = error('~c 200 ~b "a(b"');
      expect(marked).toBe('"a(b"');
      expect(message).toMatch(/^"a\(b" is not a valid regular expression: Unterminated group\. Put a \\ before/);
      expect(error('~u [z-a]').marked).toBe('[z-a]');
    });

    it('marks unbalanced parentheses and quotes', () => {
      expect(error('a (b | c')).toEqual({ marked: '(', message: 'This ( is never closed: add a ) after the filter it groups.' });
      expect(error('a | b)')).toEqual({ marked: ')', message: 'This ) has no matching (: remove it, or add a ( before it.' });
      expect(error('a () b').marked).toBe('()');
      expect(error('a "b c')).toEqual({ marked: '"b c', message: 'This " is never closed: add a closing " at the end of the text.' });
    });

    it('marks a dangling operator', () => {
      expect(error('a &')).toEqual({ marked: '&', message: '& (and) needs a filter on its right, e.g. ~d example.com & ~c 404.' });
      expect(error('| a')).toEqual({ marked: '|', message: '| (or) needs a filter on its left, e.g. ~d example.com | ~c 404.' });
      expect(error('a | | b').marked).toBe('|');
      expect(error('a !')).toEqual({ marked: '!', message: '! needs a filter after it, e.g. !~c 200.' });
    });

    it.each([
      ['status:abc', 'abc', /is not a status code/],
      ['status:>=4000', '>=4000', /is not a status code/],
      ['~c 6xx', '6xx', /is not a status code/],
      ['duration:>fast', '>fast', /is not a duration\. Write milliseconds such as duration:>1000/],
      ['size:>1tb', '>1tb', /is not a size\. .*a unit \(b, kb, mb, gb\)/],
      ['method:>GET', '>', /A method is compared whole: write method:GET, without >/],
      ['method:G/T', 'G/T', /is not a request method/],
    ])('rejects the value in %s', (input, marked, message) => {
      const result = error(input);
      expect(result.marked).toBe(marked);
      expect(result.message).toMatch(message);
    });
  });

  it('describes every operator for the UI', () => {
    const syntax = describeFilterSyntax().map((entry) => entry.syntax.split(' ')[0]);
    for (const op of ['~u', '~d', '~m', '~c', '~t', '~h', '~hq', '~hs', '~b', '~bq', '~bs', '~e', '~websocket', '~replay', '~a', 'status:>=400', 'size:>1mb']) {
      expect(syntax).toContain(op);
    }
  });
});
