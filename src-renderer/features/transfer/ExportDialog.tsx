/**
 * Export: which flows (all, the current filter, the selection), HAR or Flowscope JSON, and whether
 * to leave secrets out. Then the progress from export.progress and the final count, or the error.
 */
import { useState, type FormEvent } from 'react';
import { parseFilter } from '../../../src-shared/filter/index.js';
import type { ExportQuery } from '../../../src-shared/api/types.js';
import type { ExportFormat } from '../../../src-shared/model/transfer.js';
import { useServices } from '../../components/api-context.js';
import { Dialog } from '../../components/Dialog.js';
import { ProgressBar } from '../../components/ProgressBar.js';
import { useApp } from '../../store/index.js';
import { startExport, type ExportStart } from './run-export.js';

type Scope = 'all' | 'filter' | 'selection';

let exports = 0;
const newExportId = () => `export-${Date.now().toString(36)}-${++exports}`;

export function ExportDialog({ ids, format: initialFormat, onClose }: { ids: number[]; format: ExportFormat; onClose(): void }) {
  const { api, exportRoute } = useServices();
  const filter = useApp((s) => s.filter.applied.trim());
  const total = useApp((s) => s.flows.count);
  const [scope, setScope] = useState<Scope>(ids.length > 0 ? 'selection' : filter ? 'filter' : 'all');
  const [format, setFormat] = useState<ExportFormat>(initialFormat);
  const [redact, setRedact] = useState(true);
  const [exportId, setExportId] = useState<string | null>(null);
  const [start, setStart] = useState<ExportStart | null>(null);
  const [error, setError] = useState<string | null>(null);
  const progress = useApp((s) => (exportId === null ? undefined : s.progress.exports.find((p) => p.exportId === exportId)));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const query: ExportQuery = { format, redact };
    if (scope === 'filter') {
      const parsed = parseFilter(filter);
      if (!parsed.ok) return setError(`The filter is not valid: ${parsed.error.message}`);
      query.filter = filter;
    }
    if (scope === 'selection') query.ids = ids;
    const id = newExportId();
    setExportId(id);
    setStart(null);
    setError(null);
    try {
      setStart(await startExport(api, exportRoute, query, id));
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const running = exportId !== null && error === null && start?.kind !== 'cancelled' && start?.kind !== 'saved' && progress?.state !== 'finished' && progress?.state !== 'failed';
  const failure = error ?? (progress?.state === 'failed' ? progress.error ?? 'The export failed.' : null);
  const count = start?.kind === 'saved' ? start.count : progress?.state === 'finished' ? progress.done : null;
  return (
    <Dialog title="Export flows" onClose={onClose} className="export-dialog">
      <form onSubmit={(e) => void submit(e)} noValidate>
        <fieldset>
          <legend>Flows</legend>
          <label className="check">
            <input type="radio" name="scope" checked={scope === 'all'} onChange={() => setScope('all')} />
            All flows{total !== null && !filter ? ` (${total.toLocaleString()})` : ''}
          </label>
          <label className="check">
            <input type="radio" name="scope" checked={scope === 'filter'} disabled={!filter} onChange={() => setScope('filter')} />
            <span>{filter ? <>Flows matching the filter <code>{filter}</code>{total !== null ? ` (${total.toLocaleString()})` : ''}</> : 'Flows matching the filter (no filter applied)'}</span>
          </label>
          <label className="check">
            <input type="radio" name="scope" checked={scope === 'selection'} disabled={ids.length === 0} onChange={() => setScope('selection')} />
            {ids.length === 0 ? 'The selected flows (none selected)' : `The ${ids.length} selected ${ids.length === 1 ? 'flow' : 'flows'}`}
          </label>
        </fieldset>
        <fieldset>
          <legend>Format</legend>
          <label className="check">
            <input type="radio" name="format" checked={format === 'har'} onChange={() => setFormat('har')} />
            <span>HAR 1.2 <span className="muted">— opens in browsers&apos; developer tools and most HTTP tools</span></span>
          </label>
          <label className="check">
            <input type="radio" name="format" checked={format === 'json'} onChange={() => setFormat('json')} />
            <span>Flowscope JSON <span className="muted">— everything Flowscope keeps, WebSocket messages included</span></span>
          </label>
        </fieldset>
        <label className="check">
          <input type="checkbox" checked={redact} onChange={(e) => setRedact(e.target.checked)} />
          <span>Redact secrets <span className="muted">(Authorization, Cookie, Set-Cookie, API-key and token headers)</span></span>
        </label>
        {exportId !== null ? (
          <div className="export-status" role="status" data-testid="export-status">
            {progress && running ? <ProgressBar done={progress.done} total={progress.total} label="Exported" /> : null}
            {running && !progress ? <p className="muted">{exportRoute === 'save-dialog' ? 'Choose where to save the file…' : 'Starting the download…'}</p> : null}
            {start?.kind === 'cancelled' ? <p className="muted">Cancelled: nothing was saved.</p> : null}
            {count !== null && failure === null ? (
              <p className="done-line">
                ✓ Exported {count.toLocaleString()} {count === 1 ? 'flow' : 'flows'}{start?.kind === 'saved' ? <> to <code>{start.path}</code></> : ' (see your downloads)'}.
              </p>
            ) : null}
          </div>
        ) : null}
        {failure ? <p className="error-text" role="alert">{failure}</p> : null}
        <div className="dialog-buttons">
          <button type="button" onClick={onClose}>Close</button>
          <button type="submit" className="primary" disabled={running} data-autofocus>{running ? 'Exporting…' : 'Export'}</button>
        </div>
      </form>
    </Dialog>
  );
}
