/** `flowscope export` and `flowscope import`: flows to and from HAR or Flowscope JSON files. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { validateExportQuery } from '../../src-shared/api/validate.js';
import type { ImportResult } from '../../src-shared/api/types.js';
import { lockDataDir } from '../service/runtime-file.js';
import { FlowStore } from '../store/index.js';
import { openExportFile, removePartialExport, writeExport } from '../transfer/export-stream.js';
import { parseImport } from '../transfer/import-file.js';
import { openStoreForReading } from './read.js';
import { restCall, runningApi } from './running-proxy.js';

export interface ExportCliOptions {
  format: string;
  filter?: string;
  ids?: number[];
  redact: boolean;
  /** A file, or '-' for stdout. */
  output: string;
  err?: NodeJS.WritableStream;
}

/** Streams the export from the store (read-only: a running proxy keeps capturing meanwhile). Returns how many flows. */
export async function exportCommand(dataDir: string, options: ExportCliOptions): Promise<number> {
  const query = validateExportQuery({
    format: options.format, redact: options.redact,
    ...(options.filter !== undefined && { filter: options.filter }),
    ...(options.ids && { ids: options.ids }),
  });
  const err = options.err ?? process.stderr;
  const store = openStoreForReading(dataDir);
  const toStdout = options.output === '-';
  let out: NodeJS.WritableStream & import('node:stream').Writable;
  try {
    out = toStdout ? process.stdout : await openExportFile(options.output);
  } catch (error) {
    store.close();
    throw new Error(`Cannot write ${options.output} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). Check that the folder exists and is writable.`);
  }
  const showProgress = !toStdout && (err as { isTTY?: boolean }).isTTY === true;
  try {
    const count = await writeExport(store, query, out, (done, total) => {
      if (showProgress) err.write(`\rExporting: ${done} of ${total} flows`);
    });
    if (!toStdout) {
      out.end();
      await finished(out);
      err.write(`${showProgress ? '\n' : ''}Exported ${count} flows to ${options.output}.\n`);
    }
    return count;
  } catch (error) {
    let removed = false;
    if (!toStdout) {
      out.destroy();
      removed = removePartialExport(options.output);
    }
    throw new Error(`The export failed${removed ? ` and the partial ${options.output} was removed` : ''}: ${(error as Error).message}. Check that the disk has room.`);
  } finally {
    store.close();
  }
}

/** Imports a file into the store: through the running proxy when one runs, else directly. */
export async function importCommand(dataDir: string, file: string): Promise<ImportResult> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
  }
  const name = path.basename(file);
  const api = runningApi(dataDir);
  if (api) return restCall<ImportResult>(api, 'POST', `/api/import?filename=${encodeURIComponent(name)}`, text, 'application/octet-stream');
  // Parsed before the store is touched: a malformed file changes nothing.
  const { format, records } = parseImport(text, name);
  if (records.length === 0) throw new Error(`${name} holds no flows; nothing was imported.`);
  const unlock = lockDataDir(dataDir);
  const store = FlowStore.open(path.join(dataDir, 'flows.db'));
  try {
    const { firstId, lastId } = await store.importRecords(records);
    return { format, imported: records.length, firstId, lastId };
  } finally {
    store.close();
    unlock();
  }
}
