/** The toolbar button that shows or hides the watches panel (beside the flow list, so it opens the traffic view). */
import { useApp, watchList } from '../../store/index.js';

export function WatchesToggle() {
  const open = useApp((s) => s.watches.panelOpen && s.ui.view === 'traffic');
  const count = useApp((s) => watchList(s.settings).length);
  const toggle = useApp((s) => s.watchesPanelToggled);
  const setView = useApp((s) => s.setView);
  const onClick = () => {
    if (open) toggle(false);
    else {
      setView('traffic');
      toggle(true);
    }
  };
  return (
    <button type="button" className={`watches-toggle${open ? ' on' : ''}`} aria-pressed={open} onClick={onClick} title="Saved filters with live counts, beside the flow list">
      Watches{count > 0 ? <span className="toggle-count">{count}</span> : null}
    </button>
  );
}
