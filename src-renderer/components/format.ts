/** How sizes, durations, times and statuses read in every view. */
import type { FlowSummary } from '../../src-shared/model/flow.js';

// Bodies and payloads cross the contract as base64: one codec for the whole app, in src-shared.
export { base64ToBytes, bytesToBase64 } from '../../src-shared/util/bytes.js';

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

