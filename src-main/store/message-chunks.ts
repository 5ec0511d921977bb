/**
 * WebSocket messages are stored in chunks: one row holds a run of consecutive messages of one
 * flow. A busy socket sends tens of thousands of small messages a second; a row (and two B-tree
 * inserts) per message cost more than proxying them, while a row per run is one sequential write.
 *
 * A chunk is a sequence of records:
 *   u32 seq | u8 direction | u8 type | f64 time | u32 size | u8 truncated | i32 closeCode (-1: none)
 *   | u32 reasonLength | reason (utf8) | u32 payloadLength | payload
 */
import type { WsDirection, WsMessage, WsMessageType } from '../../src-shared/model/flow.js';
import { copyInto, giveBackSharedBuffer, takeSharedBuffer } from './shared-buffers.js';

const DIRECTIONS: readonly WsDirection[] = ['client-to-server', 'server-to-client'];
const TYPES: readonly WsMessageType[] = ['text', 'binary', 'ping', 'pong', 'close'];
const FIXED_BYTES = 4 + 1 + 1 + 8 + 4 + 1 + 4 + 4 + 4;

/** Chunk buffers come from the shared pools (shared-buffers.ts): a busy socket makes almost no garbage. */
/** Appends messages of one flow into one buffer; release() once its chunk is committed (or dropped). */
export class ChunkBuilder {
  firstSeq = -1;
  lastSeq = -1;
  count = 0;
  private buffer: Buffer;
  private length = 0;

  constructor(readonly flowId: number, firstMessageBytes = 0) {
    this.buffer = takeSharedBuffer(FIXED_BYTES + firstMessageBytes);
  }

  get byteLength(): number {
    return this.length;
  }

  append(message: WsMessage, payload: Uint8Array, truncated: boolean): void {
    const reason = message.closeReason ? Buffer.from(message.closeReason, 'utf8') : null;
    const needed = FIXED_BYTES + (reason?.length ?? 0) + payload.byteLength;
    this.reserve(needed);
    const b = this.buffer;
    let at = this.length;
    at = b.writeUInt32LE(message.seq, at);
    at = b.writeUInt8(DIRECTIONS.indexOf(message.direction), at);
    at = b.writeUInt8(TYPES.indexOf(message.type), at);
    at = b.writeDoubleLE(message.time, at);
    at = b.writeUInt32LE(message.size, at);
    at = b.writeUInt8(truncated ? 1 : 0, at);
    at = b.writeInt32LE(message.closeCode ?? -1, at);
    at = b.writeUInt32LE(reason?.length ?? 0, at);
    if (reason) {
      copyInto(b, reason, at);
      at += reason.length;
    }
    at = b.writeUInt32LE(payload.byteLength, at);
    copyInto(b, payload, at);
    this.length = at + payload.byteLength;
    if (this.count === 0) this.firstSeq = message.seq;
    this.lastSeq = message.seq;
    this.count++;
  }

  /** The encoded records, a view of shared memory: valid until release(). */
  view(): Uint8Array {
    return new Uint8Array(this.buffer.buffer, this.buffer.byteOffset, this.length);
  }

  release(): void {
    giveBackSharedBuffer(this.buffer);
    this.buffer = Buffer.alloc(0);
    this.length = 0;
  }

  private reserve(needed: number): void {
    if (this.length + needed <= this.buffer.length) return;
    const grown = takeSharedBuffer(this.length + needed);
    copyInto(grown, this.buffer.subarray(0, this.length), 0);
    giveBackSharedBuffer(this.buffer);
    this.buffer = grown;
  }
}

/** The messages of a chunk with seq greater than afterSeq, at most limit of them. */
export function decodeChunk(flowId: number, data: Uint8Array, afterSeq: number, limit: number): WsMessage[] {
  const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const messages: WsMessage[] = [];
  let at = 0;
  while (at < b.length && messages.length < limit) {
    const seq = b.readUInt32LE(at);
    const direction = DIRECTIONS[b.readUInt8(at + 4)]!;
    const type = TYPES[b.readUInt8(at + 5)]!;
    const time = b.readDoubleLE(at + 6);
    const size = b.readUInt32LE(at + 14);
    const truncated = b.readUInt8(at + 18) === 1;
    const closeCode = b.readInt32LE(at + 19);
    const reasonLength = b.readUInt32LE(at + 23);
    at += 27;
    const closeReason = b.toString('utf8', at, at + reasonLength);
    at += reasonLength;
    const payloadLength = b.readUInt32LE(at);
    at += 4;
    const payload = Buffer.from(b.subarray(at, at + payloadLength));
    at += payloadLength;
    if (seq <= afterSeq) continue;
    messages.push({
      flowId, seq, direction, type, time, size, payload, truncated,
      closeCode: closeCode === -1 ? null : closeCode,
      closeReason: type === 'close' || reasonLength > 0 ? closeReason : null,
    });
  }
  return messages;
}
