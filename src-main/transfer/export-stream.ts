/**
 * Streams an export (HAR 1.2 or Flowscope JSON) page by page to any writable stream, waiting for
 * it to drain: 100,000 flows go out in the memory of one page, never the whole store.
 */
import { createWriteStream, rmSync, statSync, type WriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { ExportQuery } from '../../src-shared/api/types.js';
import { toJsonLine } from '../../src-shared/har/flowscope-json.js';
import { redactHeaders } from '../../src-shared/har/redact.js';
import { harDocumentParts, harEntry } from '../../src-shared/har/to-har.js';
import type { FlowRecord } from '../../src-shared/model/transfer.js';
import type { ExportPageQuery } from '../store/index.js';
import { FLOWSCOPE_VERSION } from './version.js';

/** What an export reads: the service's read pool or a store the CLI opened. */
export interface ExportSource {
  countForExport(filter?: string, ids?: number[]): Promise<number> | number;
  exportPage(filter: string | undefined, query: ExportPageQuery): Promise<FlowRecord[]> | FlowRecord[];
}

/** Flows per page: each holds its bodies (up to maxBodySize each), so pages stay small. */
const PAGE = 50;

function write(out: Writable, text: string): Promise<void> | null {
  if (out.errored) throw out.errored;
  if (out.write(text)) return null;
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      out.off('error', onError);
      resolve();
    };
    const onError = (error: Error) => {
      out.off('drain', onDrain);
      reject(error);
    };
    out.once('drain', onDrain);
    out.once('error', onError);
  });
}

function redactRecord(record: FlowRecord): FlowRecord {
  const { flow } = record;
  return {
    ...record,
    flow: { ...flow, requestHeaders: redactHeaders(flow.requestHeaders), responseHeaders: flow.responseHeaders && redactHeaders(flow.responseHeaders) },
  };
}

export function exportFileName(format: ExportQuery['format'], now = new Date()): string {
  const stamp = now.toISOString().slice(0, 19).replace(/[:T]/g, '-');
  return `flowscope-${stamp}.${format === 'har' ? 'har' : 'ndjson'}`;
}

/** Removes what a failed export left, if it is a plain file (never a device or pipe the person chose). */
export function removePartialExport(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    rmSync(file, { force: true });
    return true;
  } catch {
    return false; // already gone
  }
}

/** Opens a file for an export; rejects (nothing written) when it cannot be created. */
export function openExportFile(file: string): Promise<WriteStream> {
  const out = createWriteStream(file, { mode: 0o644 });
  return new Promise((resolve, reject) => {
    out.once('ready', () => {
      out.off('error', reject);
      resolve(out);
    });
    out.once('error', reject);
  });
}

/**
 * Writes the export and returns how many flows it holds. `onProgress` is called after each page.
 * The stream is not ended here (the caller owns it).
 */
export async function writeExport(
  source: ExportSource,
  query: ExportQuery,
  out: Writable,
  onProgress?: (done: number, total: number) => void,
): Promise<number> {
  // A stream that fails between two writes must not crash the process: write() reports it.
  const ignore = () => undefined;
  out.on('error', ignore);
  try {
    return await writeAll(source, query, out, onProgress);
  } finally {
    out.off('error', ignore);
  }
}

async function writeAll(
  source: ExportSource,
  query: ExportQuery,
  out: Writable,
  onProgress?: (done: number, total: number) => void,
): Promise<number> {
  const total = await source.countForExport(query.filter, query.ids);
  onProgress?.(0, total);
  const har = query.format === 'har';
  const parts = har ? harDocumentParts({ name: 'Flowscope', version: FLOWSCOPE_VERSION }) : null;
  if (parts) await write(out, parts.head);
  let done = 0;
  let afterId = 0;
  for (;;) {
    const page = await source.exportPage(query.filter, {
      afterId, limit: PAGE, bodies: har ? 'decoded' : 'wire', ...(query.ids && { ids: query.ids }),
    });
    if (page.length === 0) break;
    let text = '';
    for (const record of page) {
      if (parts) text += (done > 0 ? parts.separator : '') + JSON.stringify(harEntry(record, { redact: query.redact }));
      else text += `${toJsonLine(query.redact ? redactRecord(record) : record)}\n`;
      done++;
    }
    await write(out, text);
    afterId = page.at(-1)!.flow.id;
    onProgress?.(done, Math.max(total, done));
    if (page.length < PAGE) break;
  }
  if (parts) await write(out, parts.tail);
  return done;
}
