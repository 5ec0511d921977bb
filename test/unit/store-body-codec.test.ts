import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  COMPRESS_FROM_BYTES,
  decodeContent,
  parseContentEncoding,
  prepareBody,
  prepareBodySync,
  unstoreBody,
} from '../../src-main/store/body-codec.js';

const text = Buffer.from('{"hello":"world","items":[1,2,3]}'.repeat(300));

/** What a reader gets back: the storage step undone, then the content-encoding. */
async function roundTrip(wire: Buffer, contentEncoding: string | null, truncated = false) {
  const prepared = await prepareBody(wire, { contentEncoding, truncated });
  const stored = unstoreBody(prepared.storage, prepared.data);
  return { prepared, stored, decoded: decodeContent(stored, contentEncoding) };
}

describe('body codec', () => {
  it.each([
    ['gzip', zlib.gzipSync(text)],
    ['x-gzip', zlib.gzipSync(text)],
    ['br', zlib.brotliCompressSync(text)],
    ['deflate', zlib.deflateSync(text)],
    ['deflate', zlib.deflateRawSync(text)],
    ['gzip, br', zlib.brotliCompressSync(zlib.gzipSync(text))],
    ['deflate,gzip', zlib.gzipSync(zlib.deflateRawSync(text))],
  ])('stores %s bodies as they were sent and decodes them on read', async (encoding, wire) => {
    const { prepared, stored, decoded } = await roundTrip(wire, encoding);
    expect(prepared.storage).toBe('raw');
    expect(prepared.decodedSize).toBe(text.length);
    expect(stored.equals(wire)).toBe(true);
    expect(decoded).toEqual({ ok: true, bytes: text });
  });

  it('compresses large identity bodies with brotli and gives them back unchanged', async () => {
    expect(text.length).toBeGreaterThanOrEqual(COMPRESS_FROM_BYTES);
    const { prepared, stored } = await roundTrip(text, null);
    expect(prepared.storage).toBe('br');
    expect(prepared.data.length).toBeLessThan(text.length / 10);
    expect(prepared.decodedSize).toBe(text.length);
    expect(stored.equals(text)).toBe(true);
  });

  it('keeps small identity bodies, and large ones that do not shrink, raw', async () => {
    const small = Buffer.from('tiny body');
    expect(await prepareBody(small, { contentEncoding: 'identity', truncated: false })).toEqual({
      storage: 'raw',
      data: small,
      decodedSize: small.length,
    });
    const random = crypto.randomBytes(64 * 1024);
    const prepared = await prepareBody(random, { contentEncoding: null, truncated: false });
    expect(prepared.storage).toBe('raw');
    expect(prepared.data.equals(random)).toBe(true);
  });

  it.each([
    ['identity, large', text, null, false],
    ['identity, small', Buffer.from('hello'), null, false],
    ['identity, truncated', text, null, true],
    ['incompressible', crypto.randomBytes(64 * 1024), null, false],
    ['gzip', zlib.gzipSync(text), 'gzip', false],
    ['gzip, truncated', zlib.gzipSync(text).subarray(0, 100), 'gzip', true],
    ['corrupt br', Buffer.from('not brotli at all'), 'br', false],
    ['unknown coding', text, 'zstd', false],
  ])('prepares %s bodies on the writer thread as it does on the thread pool', async (_name, bytes, contentEncoding, truncated) => {
    const info = { contentEncoding, truncated };
    const sync = prepareBodySync(bytes, info);
    const async = await prepareBody(bytes, info);
    expect({ ...sync, data: Buffer.from(sync.data) }).toEqual({ ...async, data: Buffer.from(async.data) });
  });

  it('accepts a plain Uint8Array', async () => {
    const bytes = new Uint8Array([1, 2, 3, 4]);
    const prepared = await prepareBody(bytes, { contentEncoding: null, truncated: false });
    expect([...prepared.data]).toEqual([1, 2, 3, 4]);
  });

  it('has no decoded size for truncated or corrupt encoded bodies, and refuses to decode them', async () => {
    const gz = zlib.gzipSync(crypto.randomBytes(10_000));
    const cut = gz.subarray(0, 2_000);
    const truncated = await roundTrip(cut, 'gzip', true);
    expect(truncated.prepared).toEqual({ storage: 'raw', data: cut, decodedSize: null });
    expect(truncated.decoded.ok).toBe(false);

    const corrupt = await roundTrip(Buffer.from('this is not gzip at all'), 'gzip');
    expect(corrupt.prepared.decodedSize).toBeNull();
    expect(corrupt.decoded).toMatchObject({ ok: false, error: expect.stringContaining('not valid gzip') });
  });

  it('names content-encodings it cannot decode', async () => {
    expect(parseContentEncoding('gzip, zstd')).toEqual({ unsupported: 'zstd' });
    const prepared = await prepareBody(Buffer.from('abc'), { contentEncoding: 'zstd', truncated: false });
    expect(prepared.decodedSize).toBeNull();
    expect(decodeContent(Buffer.from('abc'), 'zstd')).toMatchObject({ ok: false, error: expect.stringContaining('"zstd"') });
  });

  it('undoes codings in reverse order of application', () => {
    expect(parseContentEncoding('gzip, br')).toEqual({ codings: ['br', 'gzip'] });
    expect(parseContentEncoding(' Identity ')).toEqual({ codings: [] });
    expect(parseContentEncoding(null)).toEqual({ codings: [] });
  });

  it('stores bodies that do not compress (media, archives, random bytes) raw without deflating them whole', async () => {
    const random = crypto.randomBytes(64 * 1024);
    const compressible = Buffer.from('{"hello":"world"}'.repeat(4_000));
    expect((await prepareBody(random, { contentEncoding: null, truncated: false })).storage).toBe('raw');
    expect((await prepareBody(compressible, { contentEncoding: null, truncated: false })).storage).toBe('br');
  });

  it('still reads bodies stored raw-deflated by earlier versions', () => {
    const text = Buffer.from('old row '.repeat(1_000));
    expect(unstoreBody('deflate', zlib.deflateRawSync(text))).toEqual(text);
  });
});
