/**
 * Where an export goes, decided here once: in Electron, main asks where to save (export.save); in
 * browser mode the UI server streams the file as a download (GET /api/export.har or .json, which
 * the session cookie authenticates). Either way export.progress reports on `exportId`.
 */
import type { ApiClient } from '../../../src-shared/api/contract.js';
import type { ExportQuery } from '../../../src-shared/api/types.js';
import type { ExportRoute } from '../../components/api-context.js';

export type ExportStart =
  /** Electron: written, or the person cancelled the save dialog. */
  | { kind: 'saved'; path: string; count: number }
  | { kind: 'cancelled' }
  /** Browser: the download started; progress and the count come as events. */
  | { kind: 'downloading' };

export function exportUrl(query: ExportQuery, exportId: string): string {
  const params = new URLSearchParams();
  if (query.filter) params.set('filter', query.filter);
  if (query.ids) params.set('ids', query.ids.join(','));
  if (query.redact) params.set('redact', '1');
  params.set('exportId', exportId);
  return `/api/export.${query.format}?${params.toString()}`;
}

export async function startExport(api: ApiClient, route: ExportRoute, query: ExportQuery, exportId: string): Promise<ExportStart> {
  if (route === 'save-dialog') {
    const saved = await api['export.save']({ ...query, exportId });
    return saved ? { kind: 'saved', ...saved } : { kind: 'cancelled' };
  }
  const link = document.createElement('a');
  link.href = exportUrl(query, exportId);
  link.download = '';
  link.click();
  return { kind: 'downloading' };
}
