/** `flowscope list` and `flowscope show`: read the store, even while a proxy writes to it. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { FLOW_ERROR_ADVICE } from '../../src-shared/model/errors.js';
import type { Flow, FlowSummary, RawHeaders } from '../../src-shared/model/flow.js';
import { mediaType } from '../../src-shared/util/headers.js';
import { FlowStore } from '../store/index.js';
import { formatBytes } from './parse.js';

export class NoStoreError extends Error {
  constructor(dataDir: string) {
    super(`No flows have been captured in ${dataDir} yet. Start capturing with \`flowscope serve\`, or pass --data-dir.`);
  }
}

export function openStoreForReading(dataDir: string): FlowStore {
  const file = path.join(dataDir, 'flows.db');
  if (!existsSync(file)) throw new NoStoreError(dataDir);
  return FlowStore.open(file, { readonly: true });
}

function time(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 23);
}

function summaryLine(s: FlowSummary): string {
  const status = s.errorType ?? (s.statusCode === null ? '...' : String(s.statusCode));
  const duration = s.durationMs === null ? '-' : `${Math.round(s.durationMs)} ms`;
  const target = `${s.scheme}://${s.host}${(s.scheme === 'https' || s.scheme === 'wss') ? (s.port === 443 ? '' : `:${s.port}`) : (s.port === 80 ? '' : `:${s.port}`)}${s.path}`;
  return [
    String(s.id).padStart(7),
    time(s.startedAt),
    s.method.padEnd(7),
    status.padEnd(18),
    (mediaType(s.responseContentType) ?? '-').padEnd(24),
    formatBytes(s.responseSize).padStart(9),
    duration.padStart(9),
    target,
  ].join('  ');
}

export function listFlows(dataDir: string, limit: number, json: boolean, out: NodeJS.WritableStream = process.stdout): void {
  const store = openStoreForReading(dataDir);
  try {
    const { items } = store.pageSummaries({ limit });
    if (json) {
      out.write(`${JSON.stringify(items, null, 2)}\n`);
      return;
    }
    if (items.length === 0) {
      out.write('No flows captured yet.\n');
      return;
    }
    out.write(`${['     ID', 'TIME (UTC)'.padEnd(23), 'METHOD ', 'STATUS'.padEnd(18), 'TYPE'.padEnd(24), '     SIZE', ' DURATION', 'URL'].join('  ')}\n`);
    for (const item of items) out.write(`${summaryLine(item)}\n`);
  } finally {
    store.close();
  }
}

function headerLines(headers: RawHeaders): string {
  return headers.map(([name, value]) => `  ${name}: ${value}`).join('\n');
}

const TEXT_TYPES = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded|[\w.+-]+\+(json|xml)))/;

function bodyText(store: FlowStore, flow: Flow, side: 'request' | 'response'): string {
  const info = side === 'request' ? flow.requestBody : flow.responseBody;
  if (!info || info.wireSize === 0) return '  (no body)';
  if (info.dropped) return `  (${formatBytes(info.wireSize)}, not stored: dropped under load)`;
  const body = store.getBody(flow.id, side);
  if (!body) return `  (${formatBytes(info.wireSize)}, not stored)`;
  const notes: string[] = [];
  if (info.truncated) notes.push(`truncated at ${info.capturedSize} of ${info.wireSize} bytes`);
  if (body.decodeError) notes.push(`could not decode: ${body.decodeError}`);
  const type = mediaType(info.contentType);
  const printable = body.decoded || !info.contentEncoding;
  const text = printable && (type === null || TEXT_TYPES.test(type))
    ? body.bytes.toString('utf8')
    : `(${formatBytes(body.bytes.length)} of ${type ?? 'binary'} data; use --json for base64)`;
  return `${notes.length ? `  [${notes.join('; ')}]\n` : ''}${text}`;
}

export function showFlow(dataDir: string, id: number, json: boolean, out: NodeJS.WritableStream = process.stdout): boolean {
  const store = openStoreForReading(dataDir);
  try {
    const flow = store.getFlow(id);
    if (!flow) return false;
    if (json) {
      const body = (side: 'request' | 'response') => {
        const b = store.getBody(id, side);
        return b ? { base64: b.bytes.toString('base64'), decoded: b.decoded, truncated: b.truncated } : null;
      };
      const messages = flow.kind === 'websocket'
        ? store.getWsMessages(id, { limit: 10_000 }).map((m) => ({ ...m, payload: Buffer.from(m.payload).toString('base64') }))
        : undefined;
      out.write(`${JSON.stringify({ ...flow, bodies: { request: body('request'), response: body('response') }, messages }, null, 2)}\n`);
      return true;
    }
    const parts = [
      `Flow ${flow.id}  ${time(flow.startedAt)}  ${flow.durationMs === null ? '' : `${Math.round(flow.durationMs)} ms`}`,
      `${flow.method} ${flow.url} HTTP/${flow.httpVersion}`,
      headerLines(flow.requestHeaders),
      bodyText(store, flow, 'request'),
      '',
      flow.statusCode === null ? '(no response)' : `HTTP ${flow.statusCode} ${flow.statusMessage ?? ''}`.trimEnd(),
      flow.responseHeaders ? headerLines(flow.responseHeaders) : '',
      flow.responseHeaders ? bodyText(store, flow, 'response') : '',
    ];
    if (flow.error) parts.push('', `Error: ${flow.error.type}: ${flow.error.message}`, FLOW_ERROR_ADVICE[flow.error.type]);
    if (flow.kind === 'websocket') {
      parts.push('', 'Messages:');
      for (const m of store.getWsMessages(id, { limit: 1000 })) {
        const arrow = m.direction === 'client-to-server' ? '->' : '<-';
        const content = m.type === 'text' ? Buffer.from(m.payload).toString('utf8') : m.type === 'close' ? `${m.closeCode ?? ''} ${m.closeReason ?? ''}` : `${m.size} bytes`;
        parts.push(`  ${arrow} ${m.type.padEnd(6)} ${content}`);
      }
    }
    out.write(`${parts.filter((p, i, all) => p !== '' || all[i - 1] !== '').join('\n')}\n`);
    return true;
  } finally {
    store.close();
  }
}
