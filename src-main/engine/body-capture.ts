import { copyInto, giveBackSharedBuffer, takeSharedBuffer } from '../store/shared-buffers.js';

/** How much of a body classification looks at (enough to recognise a JSON-RPC request). */
const HEAD_BYTES = 4 * 1024;

/**
 * Keeps the first `cap` bytes of a body and counts all of it, so large bodies stream through.
 * The bytes are copied as they pass into a pooled shared buffer (shared-buffers.ts), which goes
 * to the writer thread as it is: no joining of chunks, and no fresh memory per body.
 */
export class BodyCapture {
  private buffer: Buffer | null = null;
  private capturedBytes = 0;
  private totalBytes = 0;

  constructor(private readonly cap: number) {}

  add(chunk: Uint8Array): void {
    this.totalBytes += chunk.length;
    const take = Math.min(this.cap - this.capturedBytes, chunk.length);
    if (take <= 0) return;
    this.reserve(this.capturedBytes + take);
    copyInto(this.buffer!, take === chunk.length ? chunk : chunk.subarray(0, take), this.capturedBytes);
    this.capturedBytes += take;
  }

  get size(): number {
    return this.totalBytes;
  }

  get captured(): number {
    return this.capturedBytes;
  }

  get truncated(): boolean {
    return this.totalBytes > this.capturedBytes;
  }

  /** The start of the body, for classification. */
  head(): Uint8Array | null {
    return this.buffer && this.buffer.subarray(0, Math.min(this.capturedBytes, HEAD_BYTES));
  }

  /** The captured bytes, a view of the shared buffer: valid until release(). */
  bytes(): Buffer {
    return this.buffer ? this.buffer.subarray(0, this.capturedBytes) : Buffer.alloc(0);
  }

  /** Returns the buffer to its pool; the capture is empty afterwards. */
  release(): void {
    if (this.buffer) giveBackSharedBuffer(this.buffer);
    this.buffer = null;
    this.capturedBytes = 0;
  }

  private reserve(needed: number): void {
    if (this.buffer && needed <= this.buffer.length) return;
    const grown = takeSharedBuffer(needed);
    if (this.buffer) {
      copyInto(grown, this.buffer.subarray(0, this.capturedBytes), 0);
      giveBackSharedBuffer(this.buffer);
    }
    this.buffer = grown;
  }
}
