/** Web Worker: base64 decoding and pretty-printing of bodies and messages, off the UI thread. */
import { formatBody, type FormattedBody } from './body-format.js';
import { base64ToBytes } from './format.js';

export interface BodyJob {
  id: number;
  base64: string;
  contentType: string | null;
  view: 'auto' | 'hex' | 'raw';
}

export interface BodyJobResult {
  id: number;
  body: FormattedBody;
  /** The decoded bytes, for image previews (transferred, not copied). */
  bytes: ArrayBuffer | null;
}

/** A job that threw says so with its id, so only that job fails and the worker keeps serving. */
export type BodyJobReply = BodyJobResult | { id: number; error: string };

self.onmessage = (event: MessageEvent<BodyJob>) => {
  const { id, base64, contentType, view } = event.data;
  const post = (reply: BodyJobReply, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(reply, transfer);
  try {
    const bytes = base64ToBytes(base64);
    const body = formatBody(bytes, contentType, view);
    const result: BodyJobResult = { id, body, bytes: body.kind === 'image' ? bytes.buffer : null };
    post(result, result.bytes ? [result.bytes] : []);
  } catch (error) {
    post({ id, error: error instanceof Error ? error.message : String(error) });
  }
};
