/** Web Worker: base64 decoding and pretty-printing of bodies and messages, off the UI thread. */
import { formatBody, type FormattedBody } from './body-format.js';

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

function decodeBase64(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

self.onmessage = (event: MessageEvent<BodyJob>) => {
  const { id, base64, contentType, view } = event.data;
  const bytes = decodeBase64(base64);
  const body = formatBody(bytes, contentType, view);
  const result: BodyJobResult = { id, body, bytes: body.kind === 'image' ? bytes.buffer : null };
  (self as unknown as Worker).postMessage(result, result.bytes ? [result.bytes] : []);
};
