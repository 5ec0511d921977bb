import { base64ToBytes } from './format.js';

/** base64 from the contract → Blob → a download the browser saves; the object URL is released after. */
export function downloadBase64(filename: string, mimeType: string, base64: string): void {
  const url = URL.createObjectURL(new Blob([base64ToBytes(base64)], { type: mimeType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
