/**
 * The error an import reports for a file it cannot read, saying what is wrong and where, so a
 * person can open the file and fix it (or see it was the wrong file).
 */
export class ImportFormatError extends Error {
  override readonly name = 'ImportFormatError';

  /** Where in the file: "log.entries[2]", "line 12", "line 4, column 7". */
  readonly location: string;

  constructor(message: string, location: string) {
    super(message);
    this.location = location;
  }
}

export interface JsonProblem {
  /** What is wrong, e.g. "unexpected '}'". */
  problem: string;
  line: number;
  column: number;
}

/**
 * Where JSON.parse failed on `text` and why. Node 20's messages have no position for most errors
 * ("Unexpected token 'x', "..." is not valid JSON"), so this scans the text itself; it runs only
 * after JSON.parse has failed. Returns null if it finds nothing wrong.
 */
export function findJsonProblem(text: string): JsonProblem | null {
  const at = (offset: number, problem: string): JsonProblem => {
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    return { problem, line, column: offset - before.lastIndexOf('\n') };
  };
  const containers: string[] = [];
  type Expect = 'value' | 'value-or-close' | 'key' | 'key-or-close' | 'colon' | 'comma-or-close' | 'end';
  let expect: Expect = 'value';
  let i = 0;
  const afterValue = (): Expect => (containers.length > 0 ? 'comma-or-close' : 'end');
  for (;;) {
    while (i < text.length && ' \t\n\r'.includes(text.charAt(i))) i++;
    if (i >= text.length) return expect === 'end' ? null : at(i, 'the text ends before the JSON does');
    const c = text.charAt(i);
    const shown = `unexpected ${JSON.stringify(c).replace(/^"|"$/g, "'")}`;
    const open = containers.at(-1);
    const close = open === '{' ? '}' : ']';
    if (expect === 'end') return at(i, `${shown} after the end of the JSON`);
    if (expect === 'colon') {
      if (c !== ':') return at(i, `${shown}: expected ':' after a property name`);
      i++;
      expect = 'value';
    } else if (expect === 'comma-or-close') {
      if (c === ',') {
        i++;
        expect = open === '{' ? 'key' : 'value';
      } else if (c === close) {
        containers.pop();
        i++;
        expect = afterValue();
      } else {
        return at(i, `${shown}: expected ',' or '${close}'`);
      }
    } else if ((expect === 'key-or-close' && c === '}') || (expect === 'value-or-close' && c === ']')) {
      containers.pop();
      i++;
      expect = afterValue();
    } else if (expect === 'key' || expect === 'key-or-close') {
      if (c !== '"') return at(i, `${shown}: expected a property name in double quotes`);
      const end = stringEnd(text, i);
      if (typeof end !== 'number') return at(end.offset, end.problem);
      i = end;
      expect = 'colon';
    } else if (c === '{' || c === '[') {
      containers.push(c);
      i++;
      expect = c === '{' ? 'key-or-close' : 'value-or-close';
    } else if (c === '"') {
      const end = stringEnd(text, i);
      if (typeof end !== 'number') return at(end.offset, end.problem);
      i = end;
      expect = afterValue();
    } else {
      const literal = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;
      literal.lastIndex = i;
      if (!literal.test(text)) return at(i, shown);
      i = literal.lastIndex;
      expect = afterValue();
    }
  }
}

/** The offset just past the string starting at `start` (a '"'), or what is wrong with it. */
function stringEnd(text: string, start: number): number | { offset: number; problem: string } {
  for (let i = start + 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 34) return i + 1;
    if (code < 32) return { offset: i, problem: 'a line break or control character inside a string' };
    if (code === 92) {
      const next = text.charAt(i + 1);
      if (next === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return { offset: i, problem: 'a broken \\u escape in a string' };
        i += 5;
      } else if ('"\\/bfnrt'.includes(next) && next !== '') {
        i += 1;
      } else {
        return { offset: i, problem: 'a broken escape in a string' };
      }
    }
  }
  return { offset: text.length, problem: 'the text ends inside a string' };
}
