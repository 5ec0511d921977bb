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

/** One element per line, indented by depth. Text is kept as it is; nothing is parsed as HTML. */
export function prettyMarkup(text: string): string {
  const out: string[] = [];
  let depth = 0;
  for (const token of text.match(/<!--[\s\S]*?-->|<[^>]+>|[^<]+/g) ?? []) {
    if (token.startsWith('<') && !token.startsWith('<!') && !token.startsWith('<?')) {
      const closing = token.startsWith('</');
      const name = /^<\/?\s*([\w:-]+)/.exec(token)?.[1]?.toLowerCase() ?? '';
      if (closing) depth = Math.max(0, depth - 1);
      out.push('  '.repeat(depth) + token);
      if (!closing && !token.endsWith('/>') && !VOID_ELEMENTS.has(name)) depth++;
    } else {
      const trimmed = token.trim();
      if (trimmed) out.push('  '.repeat(depth) + trimmed);
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
  let out = '';
  let depth = 0;
  let parens = 0;
  let quote: string | null = null;
  const newline = () => {
    out = out.trimEnd() + '\n' + '  '.repeat(depth);
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      out += ch;
      if (ch === '\\') out += text[++i] ?? '';
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === '/' && (text[i + 1] === '*' || text[i + 1] === '/')) {
      const end = text[i + 1] === '*' ? text.indexOf('*/', i + 2) : text.indexOf('\n', i + 2);
      const stop = end === -1 ? text.length : text[i + 1] === '*' ? end + 2 : end;
      out += text.slice(i, stop);
      i = stop - 1;
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '`') quote = ch;
    if (ch === '(') parens++;
    if (ch === ')') parens = Math.max(0, parens - 1);
    if (ch === '}') {
      depth = Math.max(0, depth - 1);
      newline();
      out += ch;
      if (text[i + 1] !== ';' && text[i + 1] !== ',' && text[i + 1] !== ')') newline();
      continue;
    }
    if (ch === '\n' || ch === '\r') continue;
    out += ch;
    if (ch === '{') {
      depth++;
      newline();
    } else if (ch === ';' && parens === 0) newline();
  }
  return out.trim();
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
