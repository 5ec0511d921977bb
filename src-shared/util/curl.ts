/**
 * A request as a curl command for bash or zsh that sends the same bytes: method, path as it was
 * (--path-as-is keeps "..", --globoff keeps [] and {}), headers with their names' case, body.
 * curl adds headers of its own (User-Agent, Accept, a form Content-Type, Expect) unless told not
 * to, so the command removes each one the request did not have.
 */
import type { RawHeaders } from '../model/flow.js';
import { utf8Text } from './bytes.js';

export interface CurlRequest {
  method: string;
  url: string;
  headers: RawHeaders;
  body: Uint8Array | null;
}

/**
 * @param options.bodyFile a file that holds the body; the command reads it with --data-binary @FILE
 *   (use it for large bodies: a body given on the command line must stay under the system's
 *   128 KiB limit for one argument).
 */
export function toCurl(request: CurlRequest, options: { bodyFile?: string } = {}): string {
  const has = (name: string) => request.headers.some(([n]) => n.toLowerCase() === name);
  const contentLength = request.headers.find(([n]) => n.toLowerCase() === 'content-length')?.[1].trim();
  // A request that said Content-Length: 0 had a body, an empty one; curl sends that header only with data.
  const body = request.body && request.body.length > 0 ? request.body : contentLength === '0' ? new Uint8Array() : request.body;
  const isHead = request.method === 'HEAD';
  const sendsBody = body !== null && !isHead;

  const args: string[] = ['curl --globoff --path-as-is'];
  // -X HEAD would make curl wait for a body that never comes; --head sends HEAD and expects none.
  if (isHead) args.push('--head');
  else if (sendsBody ? request.method !== 'POST' : request.method !== 'GET') args.push(`-X ${shellWord(request.method)}`);
  args.push(quote(curlUrl(request.url)));

  for (const [name, value] of request.headers) {
    const lower = name.toLowerCase();
    // HTTP/2 pseudo-headers come from the URL and method; curl computes Content-Length itself.
    if (name.startsWith(':') || lower === 'content-length') continue;
    args.push(`-H ${quote(value === '' ? `${name};` : `${name}: ${value}`)}`);
  }
  if (!has('user-agent')) args.push(`-H ${quote('User-Agent:')}`);
  if (!has('accept')) args.push(`-H ${quote('Accept:')}`);
  if (sendsBody && !has('content-type')) args.push(`-H ${quote('Content-Type:')}`);
  if (sendsBody && !has('expect')) args.push(`-H ${quote('Expect:')}`);

  let stdin = '';
  if (body !== null && sendsBody) {
    if (options.bodyFile !== undefined) {
      args.push(`--data-binary ${quote(`@${options.bodyFile}`)}`);
    } else if (body.includes(0)) {
      // A shell argument ends at a NUL byte, so this body goes through printf and a pipe.
      stdin = `printf ${printfQuote(body)} | `;
      args.push('--data-binary @-');
    } else {
      const text = shellText(body);
      // --data-binary reads a file when the data starts with '@'; --data-raw never does.
      const flag = body[0] === 0x40 ? '--data-raw' : '--data-binary';
      args.push(`${flag} ${text === null ? ansiQuote(body) : quote(text)}`);
    }
  }
  return stdin + args.join(' \\\n  ');
}

/**
 * The URL with what curl refuses in it percent-encoded: spaces, control characters and non-ASCII
 * in the path and query (HTTP cannot send them raw either; a browser encodes them the same way).
 */
function curlUrl(url: string): string {
  const authority = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(url)?.[0] ?? '';
  // eslint-disable-next-line no-control-regex
  const rest = url.slice(authority.length).replace(/[\u0000-\u0020\u007f-\u{10ffff}]/gu, encodeChar);
  return authority + rest;
}

function encodeChar(char: string): string {
  try {
    return encodeURIComponent(char);
  } catch {
    return '%EF%BF%BD'; // a lone surrogate: U+FFFD, as TextEncoder would write it
  }
}

/** A word as it is when the shell reads it as such (a method name), else quoted. */
function shellWord(text: string): string {
  return /^[A-Za-z0-9_.-]+$/.test(text) ? text : quote(text);
}

/** Single-quoted for the shell: nothing inside is special but the quote itself. */
export function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The body as text, when it is UTF-8 without control characters other than tab, CR and LF. */
function shellText(bytes: Uint8Array): string | null {
  const text = utf8Text(bytes);
  // eslint-disable-next-line no-control-regex
  return text !== null && !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text) ? text : null;
}

const hex = (byte: number) => byte.toString(16).padStart(2, '0');

/** Bash/zsh ANSI-C quoting, $'...': printable ASCII as it is, every other byte as \xHH. */
function ansiQuote(bytes: Uint8Array): string {
  let out = "$'";
  for (const byte of bytes) {
    if (byte === 0x5c) out += '\\\\';
    else if (byte === 0x27) out += "\\'";
    else if (byte === 0x0a) out += '\\n';
    else if (byte === 0x09) out += '\\t';
    else if (byte === 0x0d) out += '\\r';
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\x${hex(byte)}`;
  }
  return `${out}'`;
}

/** A printf format (single-quoted) that prints exactly these bytes: octal escapes, '%' doubled. */
function printfQuote(bytes: Uint8Array): string {
  let format = '';
  for (const byte of bytes) {
    if (byte === 0x5c) format += '\\\\';
    else if (byte === 0x25) format += '%%';
    else if (byte === 0x0a) format += '\\n';
    else if (byte === 0x09) format += '\\t';
    else if (byte === 0x0d) format += '\\r';
    else if (byte >= 0x20 && byte < 0x7f) format += String.fromCharCode(byte);
    else format += `\\${byte.toString(8).padStart(3, '0')}`;
  }
  return quote(format);
}
