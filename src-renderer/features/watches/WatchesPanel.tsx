/**
 * Saved filters pinned beside the flow list, each with a live count and its newest flows. The
 * watches are settings (saved with settings.set); their results come from the watches slice,
 * which the ingress keeps live.
 */
import { useState } from 'react';
import type { Watch } from '../../../src-shared/model/settings.js';
import { appStore, useApp, watchList } from '../../store/index.js';
import { newWatchId, useSaveWatches, withoutWatch, withWatch } from './watch-edits.js';
import { WatchCard } from './WatchCard.js';
import { WatchForm } from './WatchForm.js';

export function WatchesPanel() {
  const watches = useApp((s) => watchList(s.settings));
  const loaded = useApp((s) => s.settings !== null);
  const currentFilter = useApp((s) => s.filter.applied);
  const togglePanel = useApp((s) => s.watchesPanelToggled);
  const saveWatches = useSaveWatches();
  const [adding, setAdding] = useState<Watch | null>(null);

  const startAdding = () => setAdding({ id: newWatchId(), name: '', filter: currentFilter, collectUrls: false });
  // From the store at the time of saving: another card may have saved a moment ago.
  const latest = () => watchList(appStore.getState().settings);
  const save = (watch: Watch) => saveWatches(withWatch(latest(), watch));
  return (
    <aside className="watches-panel" aria-label="Watches">
      <header className="watches-header">
        <h2>Watches</h2>
        <button type="button" onClick={startAdding} disabled={!loaded || adding !== null} title="Pin a filter here with a live count">Add watch</button>
        <button type="button" className="dialog-close" onClick={() => togglePanel(false)} aria-label="Hide watches" title="Hide watches">×</button>
      </header>
      <div className="watches-scroll">
        {adding ? (
          <section className="watch-card editing" aria-label="New watch">
            <WatchForm
              initial={adding} submitLabel="Add watch" onCancel={() => setAdding(null)}
              onSave={async (watch) => {
                const error = await save(watch);
                if (!error) setAdding(null);
                return error;
              }}
            />
          </section>
        ) : null}
        {watches.length === 0 && !adding ? (
          <p className="muted watches-empty">
            {loaded ? 'No watches yet. A watch is a saved filter: its count and newest flows stay live here.' : 'Loading watches…'}
          </p>
        ) : null}
        {watches.map((watch) => (
          <WatchCard key={watch.id} watch={watch} onSave={save} onRemove={(id) => saveWatches(withoutWatch(latest(), id))} />
        ))}
      </div>
    </aside>
  );
}
