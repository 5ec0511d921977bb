/**
 * Turning captured bytes into something to read: which language they are, a pretty-printed text
 * for minified JSON, XML, HTML, JavaScript and CSS, or a hex dump for binary. Pure functions, run
 * in the body worker so big bodies never block the UI.
 */
export type BodyLanguage = 'json' | 'xml' | 'html' | 'javascript' | 'css' | 'plaintext';

export type FormattedBody =
  | { kind: 'text'; text: string; language: BodyLanguage; prettified: boolean }
  | { kind: 'hex'; text: string; shownBytes: number }
  | { kind: 'image'; mimeType: string };

/** Hex dumps past this are cut (a dump is ~4.5 characters per byte). */
export const HEX_DUMP_LIMIT = 256 * 1024;
/** Bodies are pretty-printed only when they look minified: lines longer than this on average. */
const MINIFIED_LINE_LENGTH = 160;

const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'image/bmp', 'image/x-icon', 'image/vnd.microsoft.icon', 'image/svg+xml']);

export function mediaType(contentType: string | null): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

export function languageFor(type: string, text: string): BodyLanguage {
  if (/[/+]json$/.test(type) || type === 'application/json') return 'json';
  if (type === 'text/html' || type === 'application/xhtml+xml') return 'html';
  if (/[/+]xml$/.test(type)) return 'xml';
  if (/javascript|ecmascript/.test(type)) return 'javascript';
  if (type === 'text/css') return 'css';
  const start = text.trimStart().slice(0, 1);
  if (start === '{' || start === '[') {
    try {
      JSON.parse(text);
      return 'json';
    } catch {
      return 'plaintext';
    }
  }
  if (start === '<') return /^\s*<(!doctype html|html)/i.test(text) ? 'html' : 'xml';
  return 'plaintext';
}

function looksMinified(text: string): boolean {
  const lines = text.split('\n').length;
  return text.length / lines > MINIFIED_LINE_LENGTH;
}

const VOID_ELEMENTS = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);
/** Deeper nesting is not indented further: 100,000 unclosed tags would otherwise make gigabytes of spaces. */
const MAX_INDENT_DEPTH = 40;

const indent = (depth: number) => '  '.repeat(Math.min(depth, MAX_INDENT_DEPTH));

/**
 * Markup split into comments, tags and text in one pass. Each search for a closing "-->" or ">"
 * is remembered until the scan passes it, so no character is searched twice: a regular expression
 * with a lazy or negated class re-scans the rest of the body from every "<" that does not close.
 */
function* markupTokens(text: string): Generator<{ token: string; tag: boolean }> {
  let commentEnd = -2;
  let tagEnd = -2;
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '<') {
      const next = text.indexOf('<', i);
      const end = next === -1 ? text.length : next;
      yield { token: text.slice(i, end), tag: false };
      i = end;
      continue;
    }
    if (text.startsWith('<!--', i)) {
      if (commentEnd !== -1 && commentEnd < i + 4) commentEnd = text.indexOf('-->', i + 4);
      if (commentEnd !== -1) {
        yield { token: text.slice(i, commentEnd + 3), tag: true };
        i = commentEnd + 3;
        continue;
      }
    }
    if (tagEnd !== -1 && tagEnd <= i) tagEnd = text.indexOf('>', i + 1);
    if (tagEnd === -1) {
      // No ">" anywhere after this point: nothing else can close, the rest is text.
      yield { token: text.slice(i), tag: false };
      return;
    }
    if (tagEnd === i + 1) {
      // "<>" is not a tag.
      yield { token: '<>', tag: false };
      i += 2;
      continue;
    }
    yield { token: text.slice(i, tagEnd + 1), tag: true };
    i = tagEnd + 1;
  }
}

/** One element per line, indented by depth. Text is kept as it is; nothing is parsed as HTML. */
export function prettyMarkup(text: string): string {
  const out: string[] = [];
  let depth = 0;
  for (const { token, tag } of markupTokens(text)) {
    if (tag && !token.startsWith('<!') && !token.startsWith('<?')) {
      const closing = token.startsWith('</');
      const name = /^<\/?\s*([\w:-]+)/.exec(token)?.[1]?.toLowerCase() ?? '';
      if (closing) depth = Math.max(0, depth - 1);
      out.push(indent(depth) + token);
      if (!closing && !token.endsWith('/>') && !VOID_ELEMENTS.has(name)) depth++;
    } else if (tag) {
      out.push(indent(depth) + token);
    } else {
      const trimmed = token.trim();
      if (trimmed) out.push(indent(depth) + trimmed);
    }
  }
  return out.join('\n');
}

/**
 * Breaks minified JavaScript or CSS at braces and semicolons, outside strings, comments and
 * parentheses (so `for (;;)` stays whole). Regular expression literals are not recognised, which
 * can only cost some line breaks, never characters.
 */
export function prettyCode(text: string): string {
  // Finished lines are kept apart from the one being written: trimming the whole output at every
  // break made 200 KB of minified code take seconds.
  const lines: string[] = [];
  let line = '';
  let depth = 0;
  let parens = 0;
  let quote: string | null = null;
  const newline = () => {
    const finished = line.trimEnd();
    if (finished !== '') lines.push(finished);
    line = indent(depth);
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      line += ch;
      if (ch === '\\') line += text[++i] ?? '';
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === '/' && (text[i + 1] === '*' || text[i + 1] === '/')) {
      const end = text[i + 1] === '*' ? text.indexOf('*/', i + 2) : text.indexOf('\n', i + 2);
      const stop = end === -1 ? text.length : text[i + 1] === '*' ? end + 2 : end;
      line += text.slice(i, stop);
      i = stop - 1;
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '`') quote = ch;
    if (ch === '(') parens++;
    if (ch === ')') parens = Math.max(0, parens - 1);
    if (ch === '}') {
      depth = Math.max(0, depth - 1);
      newline();
      line += ch;
      if (text[i + 1] !== ';' && text[i + 1] !== ',' && text[i + 1] !== ')') newline();
      continue;
    }
    if (ch === '\n' || ch === '\r') continue;
    line += ch;
    if (ch === '{') {
      depth++;
      newline();
    } else if (ch === ';' && parens === 0) newline();
  }
  lines.push(line.trimEnd());
  return lines.join('\n').trim();
}

export function prettyPrint(text: string, language: BodyLanguage): { text: string; prettified: boolean } {
  try {
    if (language === 'json') return { text: JSON.stringify(JSON.parse(text), null, 2), prettified: true };
    if (!looksMinified(text)) return { text, prettified: false };
    if (language === 'xml' || language === 'html') return { text: prettyMarkup(text), prettified: true };
    if (language === 'javascript' || language === 'css') return { text: prettyCode(text), prettified: true };
  } catch {
    // Not what the content type claims: show it as it is.
  }
  return { text, prettified: false };
}

export function hexDump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += 16) {
    const row = bytes.subarray(offset, offset + 16);
    const hex = Array.from(row, (b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = Array.from(row, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${offset.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${ascii}`);
  }
  return lines.join('\n');
}

/** Text if the bytes decode as UTF-8 without NUL characters, else null. */
function asText(bytes: Uint8Array): string | null {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.includes('\u0000') ? null : text;
  } catch {
    return null;
  }
}

export function formatBody(bytes: Uint8Array, contentType: string | null, view: 'auto' | 'hex' | 'raw'): FormattedBody {
  const type = mediaType(contentType);
  if (view === 'auto' && IMAGE_TYPES.has(type)) return { kind: 'image', mimeType: type };
  const text = view === 'hex' ? null : asText(bytes);
  if (text === null) {
    const shown = bytes.subarray(0, HEX_DUMP_LIMIT);
    return { kind: 'hex', text: hexDump(shown), shownBytes: shown.length };
  }
  const language = languageFor(type, text);
  if (view === 'raw') return { kind: 'text', text, language, prettified: false };
  return { kind: 'text', language, ...prettyPrint(text, language) };
}
