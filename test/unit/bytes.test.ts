import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64, utf8DecodeLenient, utf8Text } from '../../src-shared/util/bytes.js';

describe('bytesToBase64', () => {
  it('writes what Buffer writes, for every length and for views into larger buffers', () => {
    const data = randomBytes(300);
    for (let length = 0; length <= 64; length++) {
      const bytes = new Uint8Array(data.buffer, data.byteOffset + 7, length);
      expect(bytesToBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
    }
    const large = randomBytes(1024 * 1024 + 2);
    expect(bytesToBase64(large)).toBe(large.toString('base64'));
  });

  it('encodes a megabyte in a few milliseconds (export encodes every body)', () => {
    const body = randomBytes(1024 * 1024);
    bytesToBase64(body);
    const started = performance.now();
    for (let i = 0; i < 20; i++) bytesToBase64(body);
    const perMegabyte = (performance.now() - started) / 20;
    // About 2 ms here; the bound leaves room for a slow CI machine.
    expect(perMegabyte).toBeLessThan(50);
  });
});

describe('base64ToBytes', () => {
  it('reads what Buffer writes', () => {
    for (const length of [0, 1, 2, 3, 4, 5, 100, 65_537]) {
      const bytes = randomBytes(length);
      expect(Buffer.from(base64ToBytes(bytes.toString('base64')))).toEqual(bytes);
    }
  });

  it('reads base64 without padding, base64url, and base64 broken into lines', () => {
    const bytes = randomBytes(200);
    expect(Buffer.from(base64ToBytes(bytes.toString('base64').replace(/=+$/, '')))).toEqual(bytes);
    expect(Buffer.from(base64ToBytes(bytes.toString('base64url')))).toEqual(bytes);
    expect(Buffer.from(base64ToBytes(bytes.toString('base64').replace(/.{76}/g, '$&\r\n')))).toEqual(bytes);
  });

  it('says where text stops being base64', () => {
    expect(() => base64ToBytes('QUJD!')).toThrow('This is not base64: "!" at position 5.');
    expect(() => base64ToBytes('QUJDR')).toThrow('This is not base64: it ends in the middle of a byte.');
    expect(() => base64ToBytes('QQ==QQ==')).toThrow('This is not base64: "=" at position 3.');
  });
});

describe('UTF-8 text of bytes', () => {
  const utf8 = (text: string) => new TextEncoder().encode(text);

  it('keeps a byte order mark, so the text encodes back to the same bytes', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, 0x41]);
    expect(utf8Text(bytes)).toBe('\uFEFFA');
    expect(utf8(utf8Text(bytes)!)).toEqual(bytes);
    expect(utf8Text(new Uint8Array([0xff]))).toBeNull();
  });

  it('replaces what is not UTF-8, such as a character cut in half, and keeps the rest', () => {
    const cut = utf8('naïve ✓').slice(0, -1);
    expect(utf8DecodeLenient(cut)).toBe('naïve \uFFFD\uFFFD');
    expect(utf8DecodeLenient(new Uint8Array([0x41, 0xff, 0x42]))).toBe('A\uFFFDB');
    expect(utf8DecodeLenient(utf8('plain ✓'))).toBe('plain ✓');
  });
});
