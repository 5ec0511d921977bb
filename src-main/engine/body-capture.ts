/** Keeps the first `cap` bytes of a body and counts all of it, so large bodies stream through. */
export class BodyCapture {
  private chunks: Buffer[] = [];
  private capturedBytes = 0;
  private totalBytes = 0;

  constructor(private readonly cap: number) {}

  add(chunk: Uint8Array): void {
    this.totalBytes += chunk.length;
    const room = this.cap - this.capturedBytes;
    if (room <= 0 || chunk.length === 0) return;
    const buffer = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    // A partial chunk is copied so the rest of a large buffer is not kept alive by the slice.
    this.chunks.push(chunk.length <= room ? buffer : Buffer.from(buffer.subarray(0, room)));
    this.capturedBytes += Math.min(room, chunk.length);
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

  /** The first chunk captured (enough to recognise a JSON-RPC body), without joining the rest. */
  head(): Buffer | null {
    return this.chunks[0] ?? null;
  }

  bytes(): Buffer {
    if (this.chunks.length === 1) return this.chunks[0]!;
    return Buffer.concat(this.chunks, this.capturedBytes);
  }
}
