import zlib from 'node:zlib';

/**
 * How a body is stored: as captured, or (identity bodies of 4 KiB or more) compressed with brotli
 * at quality 1, which is both faster and smaller than deflate at level 1 here (JSON: 4.8 vs
 * 6.0 ms/MB, 20% vs 22% of the size). 'deflate' is read for rows written before that.
 */
export type BodyStorage = 'raw' | 'deflate' | 'br';

export interface PreparedBody {
  storage: BodyStorage;
  data: Buffer;
  /** Size after content-decoding; null when the body is truncated or cannot be decoded. */
  decodedSize: number | null;
}

/**
 * Body bytes as capture saw them, not yet measured or compressed: the writer thread does that
 * (prepareBodySync), so no zlib work (and no zlib stream set-up, ~100-250 us per body here) falls
 * on the proxy's thread. `data` is a view of a pooled shared buffer; release() returns it once
 * the body is committed or dropped.
 */
export interface CapturedBody {
  storage: 'captured';
  data: Uint8Array;
  contentEncoding: string | null;
  truncated: boolean;
  release(): void;
}

/** A body as the store's queue takes it: ready to store, or still to be prepared by the writer. */
export type QueuedBody = PreparedBody | CapturedBody;

/** Identity bodies from this size up are worth compressing; smaller ones are stored as they are. */
export const COMPRESS_FROM_BYTES = 4 * 1024;
/** Decoding stops here, so a small "zip bomb" cannot take the process's memory. */
export const MAX_DECODED_BYTES = 256 * 1024 * 1024;

const DECODE_OPTIONS = { maxOutputLength: MAX_DECODED_BYTES };
/**
 * Preparing a body only measures what an encoded body decodes to (on the writer thread, or libuv's
 * threads for prepareBody); a small body that inflates past this (a compression bomb) is left
 * unmeasured rather than inflated in full.
 */
const MEASURE_OPTIONS = { maxOutputLength: 16 * 1024 * 1024 };

type Coding = 'gzip' | 'deflate' | 'br';

/**
 * Parses a Content-Encoding header into the codings to undo, in the order to undo them (the last
 * one applied comes first). Returns the unsupported coding's name instead when there is one.
 */
export function parseContentEncoding(header: string | null): { codings: Coding[] } | { unsupported: string } {
  const codings: Coding[] = [];
  for (const token of (header ?? '').split(',')) {
    const name = token.trim().toLowerCase();
    if (name === '' || name === 'identity') continue;
    if (name === 'gzip' || name === 'x-gzip') codings.push('gzip');
    else if (name === 'deflate') codings.push('deflate');
    else if (name === 'br') codings.push('br');
    else return { unsupported: name };
  }
  return { codings: codings.reverse() };
}

/** "deflate" is meant to be zlib-wrapped (RFC 1950), but many servers send raw deflate (RFC 1951). */
function hasZlibHeader(data: Uint8Array): boolean {
  const [cmf, flg] = data;
  return cmf !== undefined && flg !== undefined && (cmf & 0x0f) === 8 && ((cmf << 8) | flg) % 31 === 0;
}

function bufferOf(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function decodeStepAsync(coding: Coding, data: Buffer, options: { maxOutputLength: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, out: Buffer): void => (err ? reject(err) : resolve(out));
    if (coding === 'gzip') zlib.gunzip(data, options, done);
    else if (coding === 'br') zlib.brotliDecompress(data, options, done);
    else if (hasZlibHeader(data)) zlib.inflate(data, options, done);
    else zlib.inflateRaw(data, options, done);
  });
}

function decodeStepSync(coding: Coding, data: Buffer, options: zlib.ZlibOptions & zlib.BrotliOptions = DECODE_OPTIONS): Buffer {
  if (coding === 'gzip') return zlib.gunzipSync(data, options);
  if (coding === 'br') return zlib.brotliDecompressSync(data, options);
  return hasZlibHeader(data) ? zlib.inflateSync(data, options) : zlib.inflateRawSync(data, options);
}

/** Flushing instead of finishing lets a cut-off stream (a truncated body) decode as far as it goes. */
function prefixOptions(coding: Coding, maxBytes: number): zlib.ZlibOptions & zlib.BrotliOptions {
  const finishFlush = coding === 'br' ? zlib.constants.BROTLI_OPERATION_FLUSH : zlib.constants.Z_SYNC_FLUSH;
  return { maxOutputLength: maxBytes, finishFlush };
}

/**
 * Up to maxBytes of what a body decodes to, for searching: truncated bodies decode as far as they
 * go, and a body that decodes to more is cut rather than decoded in full. Null when it is not
 * valid data for its encoding (or the encoding is unknown).
 */
export function decodeContentPrefix(data: Buffer, contentEncoding: string | null, maxBytes: number): Buffer | null {
  const parsed = parseContentEncoding(contentEncoding);
  if ('unsupported' in parsed) return null;
  let bytes = data.subarray(0, parsed.codings.length === 0 ? maxBytes : data.length);
  for (const coding of parsed.codings) {
    let input = bytes;
    for (;;) {
      try {
        bytes = decodeStepSync(coding, input, prefixOptions(coding, maxBytes));
        break;
      } catch (err) {
        // zlib gives nothing back past maxOutputLength, so decode less input until it fits.
        const tooLarge = (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError;
        if (!tooLarge || input.length < 64) return null;
        input = input.subarray(0, input.length >> 1);
      }
    }
  }
  return bytes.subarray(0, maxBytes);
}

/** How much of a body is test-compressed to decide whether compressing the rest is worth it. */
const SAMPLE_BYTES = 4 * 1024;
const FAST_BROTLI = { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 0 } };

/**
 * Media, archives and encrypted data do not shrink, and compressing a megabyte of them costs
 * milliseconds for nothing; a 4 KiB sample tells (brotli quality 0: 15-30 us here, half what
 * deflate level 1 takes).
 */
function looksIncompressible(data: Buffer): boolean {
  const sample = data.subarray(0, SAMPLE_BYTES);
  return zlib.brotliCompressSync(sample, FAST_BROTLI).length > sample.length * 0.9;
}

const STORE_BROTLI = { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1 } };

function compressAsync(data: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zlib.brotliCompress(data, STORE_BROTLI, (err, out) => (err ? reject(err) : resolve(out)));
  });
}

interface BodyFacts {
  contentEncoding: string | null;
  truncated: boolean;
}

/** What preparing a body takes: nothing more, measuring what an encoded body decodes to, or compressing an identity one. */
type BodyPlan =
  | { kind: 'ready'; body: PreparedBody }
  | { kind: 'measure'; data: Buffer; codings: Coding[] }
  | { kind: 'compress'; data: Buffer; decodedSize: number | null };

function planBody(bytes: Uint8Array, info: BodyFacts): BodyPlan {
  const data = bufferOf(bytes);
  const parsed = parseContentEncoding(info.contentEncoding);
  if ('unsupported' in parsed) return { kind: 'ready', body: { storage: 'raw', data, decodedSize: null } };
  if (parsed.codings.length > 0) {
    // Already compressed on the wire: keep those bytes, and only measure what they decode to.
    if (info.truncated) return { kind: 'ready', body: { storage: 'raw', data, decodedSize: null } };
    return { kind: 'measure', data, codings: parsed.codings };
  }
  const decodedSize = info.truncated ? null : data.length;
  if (data.length < COMPRESS_FROM_BYTES || looksIncompressible(data)) return { kind: 'ready', body: { storage: 'raw', data, decodedSize } };
  return { kind: 'compress', data, decodedSize };
}

/** What still does not shrink is stored raw, which saves decompressing it on every read. */
function smallerOf(data: Buffer, compressed: Buffer, decodedSize: number | null): PreparedBody {
  return compressed.length < data.length ? { storage: 'br', data: compressed, decodedSize } : { storage: 'raw', data, decodedSize };
}

/**
 * Turns body bytes into what the store keeps, with zlib's async APIs (libuv's thread pool), for
 * bodies prepared on the proxy's thread (replays, imports). Captured bodies are prepared by the
 * writer thread instead (prepareBodySync, see CapturedBody).
 */
export async function prepareBody(bytes: Uint8Array, info: BodyFacts): Promise<PreparedBody> {
  const plan = planBody(bytes, info);
  if (plan.kind === 'ready') return plan.body;
  if (plan.kind === 'compress') return smallerOf(plan.data, await compressAsync(plan.data), plan.decodedSize);
  try {
    let decoded = plan.data;
    for (const coding of plan.codings) decoded = await decodeStepAsync(coding, decoded, MEASURE_OPTIONS);
    return { storage: 'raw', data: plan.data, decodedSize: decoded.length };
  } catch {
    return { storage: 'raw', data: plan.data, decodedSize: null };
  }
}

/** prepareBody for the writer thread, where blocking on zlib stalls no socket. */
export function prepareBodySync(bytes: Uint8Array, info: BodyFacts): PreparedBody {
  const plan = planBody(bytes, info);
  if (plan.kind === 'ready') return plan.body;
  if (plan.kind === 'compress') return smallerOf(plan.data, zlib.brotliCompressSync(plan.data, STORE_BROTLI), plan.decodedSize);
  try {
    let decoded = plan.data;
    for (const coding of plan.codings) decoded = decodeStepSync(coding, decoded, MEASURE_OPTIONS);
    return { storage: 'raw', data: plan.data, decodedSize: decoded.length };
  } catch {
    return { storage: 'raw', data: plan.data, decodedSize: null };
  }
}

export type ChunkStorage = 'raw' | 'br';

/**
 * How a WebSocket message chunk (see message-chunks.ts) is stored: compressed with brotli at
 * quality 0, synchronously, on the writer thread. A busy socket writes tens of megabytes a second
 * and every byte SQLite writes costs about 3.4 us/KB here (WAL plus checkpoint); quality 0 costs
 * 0.6-1.3 us/KB and leaves a sixth of typical JSON messages, so compressing is cheaper than not.
 * Quality 1 would save another third of the space at three times the time.
 */
export function storeChunk(data: Buffer): { storage: ChunkStorage; data: Buffer } {
  if (data.length < COMPRESS_FROM_BYTES || looksIncompressible(data)) return { storage: 'raw', data };
  const compressed = zlib.brotliCompressSync(data, FAST_BROTLI);
  return compressed.length < data.length ? { storage: 'br', data: compressed } : { storage: 'raw', data };
}

/** Undoes the storage step of prepareBody: the body's bytes as they were on the wire. */
export function unstoreBody(storage: BodyStorage, data: Buffer): Buffer {
  if (storage === 'br') return zlib.brotliDecompressSync(data);
  return storage === 'deflate' ? zlib.inflateRawSync(data) : data;
}

export type DecodeResult = { ok: true; bytes: Buffer } | { ok: false; error: string };

function describeDecodeFailure(coding: Coding, err: unknown): string {
  const code = (err as { code?: string }).code;
  if (code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
    return `The body decodes to more than ${MAX_DECODED_BYTES / 1024 / 1024} MiB, which is too large to show; showing it encoded.`;
  }
  const reason = err instanceof Error ? err.message : String(err);
  return `The body is not valid ${coding} data (${reason}); showing the bytes as they were sent.`;
}

/** Undoes the content-encoding of a complete body, synchronously (used when a user opens it). */
export function decodeContent(data: Buffer, contentEncoding: string | null): DecodeResult {
  const parsed = parseContentEncoding(contentEncoding);
  if ('unsupported' in parsed) {
    return { ok: false, error: `Flowscope cannot decode the "${parsed.unsupported}" content-encoding; showing the bytes as they were sent.` };
  }
  let bytes = data;
  for (const coding of parsed.codings) {
    try {
      bytes = decodeStepSync(coding, bytes);
    } catch (err) {
      return { ok: false, error: describeDecodeFailure(coding, err) };
    }
  }
  return { ok: true, bytes };
}

/** True when the header names at least one coding to undo (not absent, empty or "identity"). */
export function isContentEncoded(contentEncoding: string | null): boolean {
  const parsed = parseContentEncoding(contentEncoding);
  return 'unsupported' in parsed || parsed.codings.length > 0;
}
