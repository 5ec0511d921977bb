/**
 * How a batch of records crosses to the writer thread: one JSON text for all of its records and
 * the bytes of its bodies, written into one pooled shared buffer (the arena), plus the WebSocket
 * message chunks and large bodies as views of their own shared memory. The arena goes back to its
 * pool once the batch is committed: a batch as a fresh string and a fresh transferred buffer
 * (hundreds of KiB each, mapped and unmapped every time) cost postMessage about 1 ms of the
 * proxy's thread per batch in the benchmark.
 *
 * A flow travels as the JSON of its wire form (wire-flow.ts), and the writer thread turns it into
 * a row: on the proxy's thread, a flow costs one JSON.stringify. Before, the proxy's thread built
 * the row and cloned it (an array of 46 values, an ArrayBuffer per body) through postMessage: the
 * largest single cost of capture in the benchmark.
 */
import type { WireBody, WireItem } from './batch-commit.js';
import type { BodyStorage } from './body-codec.js';
import { copyInto, takeSharedBuffer } from './shared-buffers.js';
import { flowToRow } from './rows.js';
import { flowRowValues } from './statements.js';
import { flowFromWire, type WireFlow } from './wire-flow.js';

export interface WireBatch {
  /** UTF-8 JSON of the records. */
  json: Uint8Array;
  /** The bytes of the batch's bodies, back to back; large captured bodies excepted. */
  bytes: Uint8Array;
  /** Message chunks and large captured bodies, views of pooled shared memory read in place (shared-buffers.ts). */
  shared: Uint8Array[];
}

/**
 * Each SharedArrayBuffer in a message costs postMessage a few microseconds on the proxy's thread
 * (about 4 us each in the benchmark, 0.9 ms for a batch of 185 small bodies), more than copying a
 * small body: captured bodies below this size are copied into `bytes`, larger ones go by reference.
 */
const SHARE_FROM_BYTES = 64 * 1024;

/** A body in the JSON: prepared or captured, its bytes in `bytes` (offset, length) or in `shared` (index). */
type BodyRef =
  | [storage: BodyStorage, offset: number, length: number]
  | [storage: 'captured', offset: number, length: number, contentEncoding: string | null, truncated: 0 | 1]
  | [storage: 'shared', index: number, contentEncoding: string | null, truncated: 0 | 1]
  | null;
type EncodedItem =
  | ['f', WireFlow, 0 | 1, 0 | 1, BodyRef, BodyRef]
  | ['m', number, number, number, number, number]
  | ['e', number, string, string | null, number | null, string | null, string];

const OPEN = 0x5b; // [
const COMMA = 0x2c;
const CLOSE = 0x5d; // ]

export class BatchEncoder {
  private readonly parts: string[] = [];
  private readonly bodies: Uint8Array[] = [];
  private readonly shared: Uint8Array[] = [];
  private offset = 0;

  /**
   * `flowJson`: JSON.stringify(flowToWire(flow)), made when it was queued. A body dropped under overload
   * keeps its sizes in the row but has no bytes.
   */
  addFlow(flowJson: string, dropped: { request: boolean; response: boolean }, request: WireBody | null, response: WireBody | null): void {
    const flags = `${dropped.request ? 1 : 0},${dropped.response ? 1 : 0}`;
    this.parts.push(`["f",${flowJson},${flags},${this.bodyRef(request)},${this.bodyRef(response)}]`);
  }

  addMessages(flowId: number, firstSeq: number, lastSeq: number, count: number, data: Uint8Array): void {
    this.shared.push(data);
    this.parts.push(JSON.stringify(['m', flowId, firstSeq, lastSeq, count, this.shared.length - 1]));
  }

  addEvent(e: { time: number; type: string; clientIp: string | null; clientPort: number | null; host: string | null; message: string }): void {
    this.parts.push(JSON.stringify(['e', e.time, e.type, e.clientIp, e.clientPort, e.host, e.message]));
  }

  /** The batch, in an arena from the shared pool: give it back (giveBackSharedBuffer) once the batch is committed. */
  finish(): { batch: WireBatch; arena: Buffer } {
    let textBytes = 2;
    for (const part of this.parts) textBytes += Buffer.byteLength(part) + 1;
    const arena = takeSharedBuffer(textBytes + this.offset);
    let at = 0;
    arena[at++] = OPEN;
    this.parts.forEach((part, i) => {
      if (i > 0) arena[at++] = COMMA;
      at += arena.write(part, at);
    });
    arena[at++] = CLOSE;
    const json = arena.subarray(0, at);
    for (const body of this.bodies) {
      copyInto(arena, body, at);
      at += body.byteLength;
    }
    return { batch: { json, bytes: arena.subarray(json.length, at), shared: this.shared }, arena };
  }

  private bodyRef(body: WireBody | null): string {
    if (!body || body.data.byteLength === 0) return 'null';
    if (body.storage === 'captured' && body.data.byteLength >= SHARE_FROM_BYTES) {
      this.shared.push(body.data);
      return JSON.stringify(['shared', this.shared.length - 1, body.contentEncoding, body.truncated ? 1 : 0]);
    }
    const where = [this.offset, body.data.byteLength];
    this.bodies.push(body.data);
    this.offset += body.data.byteLength;
    if (body.storage === 'captured') return JSON.stringify(['captured', ...where, body.contentEncoding, body.truncated ? 1 : 0]);
    return JSON.stringify([body.storage, ...where]);
  }
}

/** The records of a batch, their bytes as views of the batch's buffers. */
export function decodeBatch(batch: WireBatch): WireItem[] {
  const body = (ref: BodyRef): WireBody | null => {
    if (!ref) return null;
    if (ref[0] === 'shared') return { storage: 'captured', data: batch.shared[ref[1]]!, contentEncoding: ref[2], truncated: ref[3] === 1 };
    const data = batch.bytes.subarray(ref[1], ref[1] + ref[2]);
    if (ref[0] === 'captured') return { storage: 'captured', data, contentEncoding: ref[3], truncated: ref[4] === 1 };
    return { storage: ref[0], data };
  };
  const text = Buffer.from(batch.json.buffer, batch.json.byteOffset, batch.json.byteLength).toString('utf8');
  return (JSON.parse(text) as EncodedItem[]).map((item): WireItem => {
    if (item[0] === 'f') {
      const flow = flowFromWire(item[1]);
      return { kind: 'flow', id: flow.id, values: flowRowValues(flowToRow(flow, item[2] === 1, item[3] === 1)), request: body(item[4]), response: body(item[5]) };
    }
    if (item[0] === 'm') {
      return { kind: 'messages', flowId: item[1], firstSeq: item[2], lastSeq: item[3], count: item[4], data: batch.shared[item[5]]! };
    }
    return { kind: 'event', time: item[1], type: item[2], clientIp: item[3], clientPort: item[4], host: item[5], message: item[6] };
  });
}
