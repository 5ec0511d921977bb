/**
 * Batch replay: the selected flows or a range of ids, one after another with a pause between
 * them, to their own URLs or another one. Then the progress and a summary (BatchProgressView).
 */
import { useState, type FormEvent } from 'react';
import { useServices } from '../../components/api-context.js';
import { Dialog } from '../../components/Dialog.js';
import { useApp } from '../../store/index.js';
import { BatchProgressView } from './BatchProgressView.js';
import { batchQuery, type BatchForm as Form } from './batch-form.js';
import { TargetInput } from './TargetInput.js';

export function BatchReplayDialog({ ids, onClose }: { ids: number[]; onClose(): void }) {
  const { api } = useServices();
  const windowIds = useApp((s) => s.flows.ids);
  const [form, setForm] = useState<Form>(() => {
    // One flow makes a poor range: offer the rows the list shows instead.
    const known = ids.length > 1 ? ids : windowIds;
    return {
      useSelection: ids.length > 0, from: String(known.length > 0 ? Math.min(...known) : 1), to: String(known.length > 0 ? Math.max(...known) : 1),
      delay: '1', otherTarget: false, targetText: '', keepHost: false,
    };
  });
  const [tried, setTried] = useState(false);
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [batch, setBatch] = useState<{ batchId: string; total: number } | null>(null);
  const edit = (patch: Partial<Form>) => setForm((f) => ({ ...f, ...patch }));

  const checked = batchQuery(form, ids);
  const start = async (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (!checked.ok) return;
    setStarting(true);
    setError(null);
    try {
      setBatch(await api['replay.batch'](checked.query));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setStarting(false);
    }
  };

  return (
    <Dialog title="Batch replay" onClose={onClose} className="batch-dialog">
      {batch ? (
        <>
          <BatchProgressView batchId={batch.batchId} total={batch.total} onShowFlow={onClose} />
          <div className="dialog-buttons"><button type="button" onClick={onClose}>Close</button></div>
        </>
      ) : (
        <form onSubmit={(e) => void start(e)} noValidate>
          <fieldset>
            <legend>Flows</legend>
            <label className="check">
              <input type="radio" name="flows" checked={form.useSelection} disabled={ids.length === 0} onChange={() => edit({ useSelection: true })} />
              {ids.length === 0 ? 'The selected flows (none selected)' : `The ${ids.length} selected ${ids.length === 1 ? 'flow' : 'flows'}`}
            </label>
            <label className="check">
              <input type="radio" name="flows" checked={!form.useSelection} onChange={() => edit({ useSelection: false })} />
              Flows with ids from
              <input type="text" inputMode="numeric" className="id-input" aria-label="First flow id" value={form.from} disabled={form.useSelection} onChange={(e) => edit({ from: e.target.value })} />
              to
              <input type="text" inputMode="numeric" className="id-input" aria-label="Last flow id" value={form.to} disabled={form.useSelection} onChange={(e) => edit({ to: e.target.value })} />
            </label>
          </fieldset>
          <label className="inline-field">
            Delay between requests
            <input type="text" inputMode="decimal" className="id-input" aria-label="Delay between requests in seconds" data-autofocus value={form.delay} onChange={(e) => edit({ delay: e.target.value })} />
            seconds
          </label>
          <fieldset>
            <legend>Send to</legend>
            <label className="check">
              <input type="radio" name="target" checked={!form.otherTarget} onChange={() => edit({ otherTarget: false })} />
              Each flow&apos;s own URL
            </label>
            <label className="check">
              <input type="radio" name="target" checked={form.otherTarget} onChange={() => edit({ otherTarget: true })} />
              Another URL
            </label>
            {form.otherTarget ? (
              <TargetInput
                text={form.targetText} onText={(targetText) => edit({ targetText })}
                keepHost={form.keepHost} onKeepHost={(keepHost) => edit({ keepHost })} showError={tried}
              />
            ) : null}
          </fieldset>
          {tried && !checked.ok && checked.field === 'form' ? <p className="error-text" role="alert">{checked.error}</p> : null}
          {error ? <p className="error-text" role="alert">{error}</p> : null}
          <div className="dialog-buttons">
            <button type="button" onClick={onClose}>Cancel</button>
            <button type="submit" className="primary" disabled={starting}>{starting ? 'Starting…' : 'Start'}</button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
