/**
 * A running or finished replay batch, from replay.progress through the store: the bar, Cancel,
 * and at the end how the replays went (status codes and errors, with counts) and what was skipped.
 */
import { useState } from 'react';
import { useServices } from '../../components/api-context.js';
import { ProgressBar } from '../../components/ProgressBar.js';
import { useApp } from '../../store/index.js';
import { outcomeName, outcomeTone } from './outcome.js';

export function BatchProgressView({ batchId, total, onShowFlow }: { batchId: string; total: number; onShowFlow(): void }) {
  const { api } = useServices();
  const progress = useApp((s) => s.progress.batches.find((b) => b.batchId === batchId));
  const select = useApp((s) => s.select);
  const setView = useApp((s) => s.setView);
  const [cancelError, setCancelError] = useState<string | null>(null);
  const state = progress?.state ?? 'running';
  const cancel = () => {
    api['replay.cancel']({ batchId }).catch((error: Error) => setCancelError(error.message));
  };
  const show = (id: number) => {
    select(id);
    setView('traffic');
    onShowFlow();
  };
  return (
    <div className="batch-progress" data-testid="batch-progress" aria-live="polite">
      <ProgressBar done={progress?.done ?? 0} total={progress?.total ?? total} label="Replayed" />
      <p className="batch-state">
        {state === 'running' ? 'Replaying…' : state === 'finished' ? 'Finished.' : 'Cancelled.'}
        {state === 'running' ? <button type="button" onClick={cancel}>Cancel</button> : null}
      </p>
      {cancelError ? <p className="error-text" role="alert">{cancelError}</p> : null}
      {progress && progress.outcomes.length > 0 ? (
        <table className="outcomes" aria-label="Outcomes">
          <caption>Outcomes</caption>
          <tbody>
            {progress.outcomes.map((o) => (
              <tr key={o.key}><th scope="row" className={`tone-${outcomeTone(o.key)}`}>{outcomeName(o.key)}</th><td className="num">{o.count}</td></tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {progress && progress.skipped.length > 0 ? (
        <div className="skipped">
          <p>{progress.skipped.length} {progress.skipped.length === 1 ? 'flow was' : 'flows were'} skipped:</p>
          <ul>
            {progress.skipped.slice(0, 50).map((s) => <li key={s.id}>#{s.id}: {s.reason}</li>)}
          </ul>
          {progress.skipped.length > 50 ? <p className="muted">…and {progress.skipped.length - 50} more.</p> : null}
        </div>
      ) : null}
      {progress?.lastFlowId != null ? (
        <p><button type="button" className="link" onClick={() => show(progress.lastFlowId!)}>Show the last replay (flow #{progress.lastFlowId})</button></p>
      ) : null}
    </div>
  );
}
