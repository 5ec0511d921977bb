import { base64ToBytes } from './format.js';

function save(filename: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** base64 from the contract → Blob → a download the browser saves; the object URL is released after. */
export function downloadBase64(filename: string, mimeType: string, base64: string): void {
  save(filename, new Blob([base64ToBytes(base64)], { type: mimeType }));
}

export function downloadText(filename: string, text: string): void {
  save(filename, new Blob([text], { type: 'text/plain;charset=utf-8' }));
}
