/**
 * Base64 and UTF-8 helpers for src-shared, which has neither Buffer nor atob/btoa. Export encodes
 * every body of every flow with bytesToBase64, so it writes ASCII codes into a byte array with
 * lookup tables (one 32-bit store per 3 input bytes) and lets the platform's UTF-8 decoder turn
 * that array into a string in one call: about three times slower than Node's Buffer, and twenty
 * times faster than building the string a character at a time.
 */
import { utf8DecodeStrict } from './web-globals.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** For 12 bits of input, the two ASCII codes they encode to, placed as the first / last half of a 32-bit word. */
const FIRST_PAIR = new Uint32Array(4096);
const SECOND_PAIR = new Uint32Array(4096);
for (let i = 0; i < 4096; i++) {
  const a = ALPHABET.charCodeAt(i >> 6);
  const b = ALPHABET.charCodeAt(i & 63);
  const pair = LITTLE_ENDIAN ? a | (b << 8) : (a << 8) | b;
  FIRST_PAIR[i] = LITTLE_ENDIAN ? pair : pair * 65536;
  SECOND_PAIR[i] = LITTLE_ENDIAN ? pair * 65536 : pair;
}

/** Value of each character code, or INVALID; '-' and '_' (base64url) are read as '+' and '/'. */
const INVALID = 255;
const VALUES = new Uint8Array(256).fill(INVALID);
for (let i = 0; i < 64; i++) VALUES[ALPHABET.charCodeAt(i)] = i;
VALUES['-'.charCodeAt(0)] = 62;
VALUES['_'.charCodeAt(0)] = 63;

export function bytesToBase64(bytes: Uint8Array): string {
  const whole = bytes.length - (bytes.length % 3);
  const out = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
  const words = new Uint32Array(out.buffer, 0, out.length >> 2);
  let w = 0;
  for (let i = 0; i < whole; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    words[w++] = FIRST_PAIR[v >> 12]! | SECOND_PAIR[v & 4095]!;
  }
  const rest = bytes.length - whole;
  if (rest > 0) {
    const v = (bytes[whole]! << 16) | (rest === 2 ? bytes[whole + 1]! << 8 : 0);
    const o = w * 4;
    out[o] = ALPHABET.charCodeAt(v >> 18);
    out[o + 1] = ALPHABET.charCodeAt((v >> 12) & 63);
    out[o + 2] = rest === 2 ? ALPHABET.charCodeAt((v >> 6) & 63) : 61; // '='
    out[o + 3] = 61;
  }
  // ASCII is always valid UTF-8.
  return utf8DecodeStrict(out)!;
}

/**
 * The bytes of standard base64 (also base64url, with or without padding, with line breaks or
 * spaces in it, as some HAR writers wrap it). Throws an Error naming the first character that is
 * not base64.
 */
export function base64ToBytes(text: string): Uint8Array<ArrayBuffer> {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 61) end--; // trailing '='
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let bits = 0;
  let count = 0;
  let o = 0;
  for (let i = 0; i < end; i++) {
    const code = text.charCodeAt(i);
    const value = code < 256 ? VALUES[code]! : INVALID;
    if (value === INVALID) {
      if (code === 32 || code === 9 || code === 10 || code === 13) continue;
      throw new Error(`This is not base64: ${JSON.stringify(text.charAt(i))} at position ${i + 1}.`);
    }
    bits = (bits << 6) | value;
    if (++count === 4) {
      out[o++] = bits >> 16;
      out[o++] = (bits >> 8) & 255;
      out[o++] = bits & 255;
      bits = 0;
      count = 0;
    }
  }
  if (count === 1) throw new Error('This is not base64: it ends in the middle of a byte.');
  if (count === 2) out[o++] = bits >> 4;
  if (count === 3) {
    out[o++] = bits >> 10;
    out[o++] = (bits >> 2) & 255;
  }
  // Skipped spaces made the estimate too large.
  return o === out.length ? out : out.slice(0, o);
}

/**
 * The text of UTF-8 bytes, or null when they are not UTF-8. Unlike utf8DecodeStrict it keeps a
 * leading byte order mark, so the text encodes back to the same bytes.
 */
export function utf8Text(bytes: Uint8Array): string | null {
  const text = utf8DecodeStrict(bytes);
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  return text !== null && bom ? `\uFEFF${text}` : text;
}

/**
 * The text of UTF-8 bytes, with U+FFFD for each sequence that is not UTF-8: for WebSocket text
 * messages cut in the middle of a character, which HAR can only carry as text.
 */
export function utf8DecodeLenient(bytes: Uint8Array): string {
  const strict = utf8Text(bytes);
  if (strict !== null) return strict;
  let text = '';
  let start = 0;
  let i = 0;
  while (i < bytes.length) {
    const length = validSequenceLength(bytes, i);
    if (length > 0) {
      i += length;
      continue;
    }
    text += utf8Text(bytes.subarray(start, i))! + '\uFFFD';
    i += 1;
    start = i;
  }
  return text + utf8Text(bytes.subarray(start))!;
}

/** Length of the well-formed UTF-8 sequence at `i`, or 0 (ranges from the Unicode standard, table 3-7). */
function validSequenceLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i]!;
  if (b0 < 0x80) return 1;
  const cont = (k: number, low = 0x80, high = 0xbf): boolean => {
    const b = bytes[i + k];
    return b !== undefined && b >= low && b <= high;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const low = b0 === 0xe0 ? 0xa0 : 0x80;
    const high = b0 === 0xed ? 0x9f : 0xbf;
    return cont(1, low, high) && cont(2) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const low = b0 === 0xf0 ? 0x90 : 0x80;
    const high = b0 === 0xf4 ? 0x8f : 0xbf;
    return cont(1, low, high) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}
