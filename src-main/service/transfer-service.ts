/**
 * The contract's replay, export, import and delete calls: flows going out again (replay, files)
 * and coming in (import). api-service.ts adds these handlers to the rest.
 */
import type { WriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { ApiHandlers } from '../../src-shared/api/contract.js';
import { ApiError } from '../../src-shared/api/errors.js';
import type { ExportQuery, ImportResult } from '../../src-shared/api/types.js';
import { Replayer } from '../replay/replayer.js';
import { exportFileName, openExportFile, removePartialExport, writeExport } from '../transfer/export-stream.js';
import { parseImport } from '../transfer/import-file.js';
import type { ProxyRuntime } from './proxy-runtime.js';

/** Asks where to save a file (Electron's native dialog); resolves null when the person cancels. */
export type SaveDialog = (suggestedName: string) => Promise<string | null>;

type TransferCalls =
  | 'flows.delete' | 'replay.send' | 'replay.flow' | 'replay.batch' | 'replay.cancel' | 'replay.targets' | 'export.save' | 'import.flows';

export interface TransferService {
  handlers: Pick<ApiHandlers, TransferCalls>;
  /** Streams an export to `out` (an HTTP response, a file), with export.progress events when exportId is given. */
  exportTo(query: ExportQuery, out: Writable, exportId?: string): Promise<number>;
  /** Imports a file's text: every flow or none. */
  importText(text: string, filename: string): Promise<ImportResult>;
  dispose(): void;
}

export function createTransferService(runtime: ProxyRuntime, saveDialog?: SaveDialog): TransferService {
  const { store, reads, feed, engine } = runtime;
  const replayer = new Replayer({
    sink: feed,
    reads,
    committed: () => store.committed(),
    dataDir: runtime.dataDir,
    sendOptions: () => ({
      maxBodySize: engine.capture.maxBodySize,
      timeoutMs: runtime.upstream.responseTimeoutMs,
      upstreamCaPems: runtime.upstream.caPems,
      insecureHosts: runtime.upstream.insecureHosts,
    }),
    broadcast: (event, payload) => feed.broadcast(event, payload),
  });

  const exportTo = async (query: ExportQuery, out: Writable, exportId?: string): Promise<number> => {
    // Flows announced live may still be queued: an export taken now should hold them.
    await store.committed();
    let last = { done: 0, total: 0 };
    const progress = (state: 'running' | 'finished' | 'failed', error: string | null = null) => {
      if (exportId) feed.broadcast('export.progress', { exportId, ...last, state, error });
    };
    try {
      const count = await writeExport(reads, query, out, (done, total) => {
        last = { done, total };
        progress('running');
      });
      progress('finished');
      return count;
    } catch (error) {
      progress('failed', error instanceof Error ? error.message : String(error));
      throw error;
    }
  };

  const importText = async (text: string, filename: string): Promise<ImportResult> => {
    const { format, records } = parseImport(text, filename);
    if (records.length === 0) throw new ApiError('BAD_ARGUMENT', `${filename} holds no flows; nothing was imported.`);
    const { firstId, lastId } = await store.importRecords(records);
    await store.committed();
    if (firstId !== null && lastId !== null) {
      const summaries = (await reads.pageSummaries({ beforeId: lastId + 1, limit: Math.min(records.length, 1_000) })).items
        .filter((s) => s.id >= firstId);
      if (summaries.length > 0) feed.broadcast('flows.added', summaries.reverse());
    }
    return { format, imported: records.length, firstId, lastId };
  };

  const handlers: TransferService['handlers'] = {
    'flows.delete': async ({ ids }) => {
      await store.committed();
      const deleted = store.deleteFlows(ids);
      feed.broadcast('flows.deleted', { ids });
      return { deleted };
    },
    'replay.send': ({ request, replayOf }) => replayer.sendRequest(request, replayOf),
    'replay.flow': ({ id, target }) => replayer.replayFlow(id, target),
    'replay.batch': (query) => replayer.startBatch(query),
    'replay.cancel': ({ batchId }) => ({ cancelled: replayer.cancel(batchId) }),
    'replay.targets': () => ({ targets: replayer.targets }),
    'export.save': async ({ exportId, ...query }) => {
      if (!saveDialog) {
        throw new ApiError('UNAVAILABLE', `Saving through a dialog works in the desktop app. In a browser, download /api/export.${query.format} instead.`);
      }
      const file = await saveDialog(exportFileName(query.format));
      if (!file) return null;
      let out: WriteStream | null = null;
      try {
        out = await openExportFile(file);
        const count = await exportTo(query, out, exportId);
        out.end();
        await finished(out);
        return { path: file, count };
      } catch (error) {
        out?.destroy();
        const removed = out !== null && removePartialExport(file);
        throw new ApiError('UNAVAILABLE', `The export to ${file} failed${removed ? ' and the partial file was removed' : ''}: ${error instanceof Error ? error.message : String(error)}. Check that the folder is writable and has room.`);
      }
    },
    'import.flows': ({ text, filename }) => importText(text, filename),
  };
  return { handlers, exportTo, importText, dispose: () => replayer.dispose() };
}
