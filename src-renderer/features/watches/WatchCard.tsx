/** One watch: its name and live count, its filter, the newest matching flows, and its URLs when it collects them. */
import { useState } from 'react';
import type { Watch } from '../../../src-shared/model/settings.js';
import { statusText, statusTone } from '../../components/format.js';
import { useApp } from '../../store/index.js';
import { UrlRanking } from './UrlRanking.js';
import { WatchForm } from './WatchForm.js';

interface WatchCardProps {
  watch: Watch;
  onSave(watch: Watch): Promise<string | null>;
  onRemove(id: string): Promise<string | null>;
}

export function WatchCard({ watch, onSave, onRemove }: WatchCardProps) {
  const live = useApp((s) => s.watches.live[watch.id]);
  const selectedId = useApp((s) => s.selectedId);
  const select = useApp((s) => s.select);
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [removeError, setRemoveError] = useState<string | null>(null);

  if (editing) {
    return (
      <section className="watch-card editing" aria-label={`Edit watch ${watch.name}`}>
        <WatchForm
          initial={watch} submitLabel="Save watch" onCancel={() => setEditing(false)}
          onSave={async (changed) => {
            const error = await onSave(changed);
            if (!error) setEditing(false);
            return error;
          }}
        />
      </section>
    );
  }

  const remove = async () => {
    const error = await onRemove(watch.id);
    setRemoveError(error);
    if (error) setConfirming(false);
  };
  const count = live?.count;
  return (
    <section className="watch-card" aria-label={`Watch ${watch.name}`} data-testid="watch">
      <header className="watch-header">
        <h3 className="watch-name" title={watch.name}>{watch.name}</h3>
        <span className="watch-count" data-testid="watch-count" title="Matching flows">{count === null || count === undefined ? '…' : count.toLocaleString()}</span>
        <button type="button" className="icon-button" onClick={() => setEditing(true)} title="Rename or change the filter">Edit</button>
        <button type="button" className="icon-button" onClick={() => setConfirming(true)} title="Remove this watch">Remove</button>
      </header>
      <code className="watch-filter" title="Filter">{watch.filter}</code>
      {confirming ? (
        <div className="watch-confirm" role="alertdialog" aria-label="Remove watch">
          <span>Remove “{watch.name}”?</span>
          <button type="button" className="danger" onClick={() => void remove()}>Remove</button>
          <button type="button" onClick={() => setConfirming(false)}>Keep</button>
        </div>
      ) : null}
      {removeError ? <p className="field-error" role="alert">{removeError}</p> : null}
      {live?.error ? <p className="error-text" role="alert">{live.error}</p> : null}
      {count === 0 ? <p className="muted watch-empty">No matching flows yet.</p> : null}
      {live && live.recent.length > 0 ? (
        <ul className="watch-flows" aria-label={`Newest flows matching ${watch.name}`}>
          {live.recent.map((flow) => (
            <li key={flow.id}>
              <button
                type="button" className={`watch-flow${flow.id === selectedId ? ' selected' : ''}`} onClick={() => select(flow.id)}
                title={`${flow.method} ${flow.scheme}://${flow.host}${flow.path}`}
              >
                <span className="method">{flow.method}</span>
                <span className={`status tone-${statusTone(flow)}`}>{statusText(flow)}</span>
                <span className="watch-flow-path">{flow.path}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {watch.collectUrls ? <UrlRanking urls={live?.urls ?? null} watchName={watch.name} /> : null}
    </section>
  );
}
