/** How sizes, durations, times and statuses read in every view. */
import type { FlowSummary } from '../../src-shared/model/flow.js';

export function formatBytes(bytes: number | null): string {
  if (bytes === null) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** Bytes in a base64 string, from its length and padding: no decoding (payloads can be megabytes). */
export function base64ByteLength(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return Math.floor((base64.length * 3) / 4) - padding;
}

/** The bytes a base64 string holds (bodies and payloads cross the contract as base64). */
export function base64ToBytes(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function formatDuration(ms: number | null): string {
  if (ms === null) return '';
  if (ms < 1) return '<1 ms';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

export function formatTime(epochMs: number): string {
  const d = new Date(epochMs);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

export type StatusTone = 'ok' | 'redirect' | 'client-error' | 'server-error' | 'pending' | 'info';

export function statusTone(flow: Pick<FlowSummary, 'statusCode' | 'errorType'>): StatusTone {
  if (flow.errorType) return 'server-error';
  const code = flow.statusCode;
  if (code === null) return 'pending';
  if (code >= 500) return 'server-error';
  if (code >= 400) return 'client-error';
  if (code >= 300) return 'redirect';
  if (code >= 200) return 'ok';
  return 'info';
}

export function statusText(flow: Pick<FlowSummary, 'statusCode' | 'errorType' | 'kind'>): string {
  if (flow.errorType) return flow.statusCode ? `${flow.statusCode} ✕` : 'error';
  if (flow.statusCode !== null) return String(flow.statusCode);
  return flow.kind === 'websocket' ? 'open' : '…';
}

/** "application/json; charset=utf-8" → "json", the short form the list shows. */
export function shortContentType(contentType: string | null): string {
  if (!contentType) return '';
  const essence = contentType.split(';')[0]!.trim().toLowerCase();
  const subtype = essence.split('/')[1] ?? essence;
  return subtype.replace(/^x-/, '').replace(/\+.*$/, '');
}

/** base64 of bytes, in slices so a large body does not overflow the argument list. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
