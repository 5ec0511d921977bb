import { useServices } from '../../components/api-context.js';
import { useApp, useAppShallow } from '../../store/index.js';

/** Follow / resume, clear and the count of matching flows, for the toolbar. */
export function FlowControls() {
  const { api, queries } = useServices();
  const { follow, missed, newerNotLoaded, count } = useAppShallow((s) => ({
    follow: s.flows.follow, missed: s.flows.missed, newerNotLoaded: s.flows.newerNotLoaded, count: s.flows.count,
  }));
  const pauseFollow = useApp((s) => s.pauseFollow);
  const filtered = useApp((s) => s.filter.applied.trim() !== '');
  // Filtered, new flows may not match: a count of them would promise rows that never show up.
  const resumeLabel = missed > 0 && !filtered ? `Follow (${missed} new)` : newerNotLoaded ? 'Jump to newest' : 'Follow';
  const clear = () => {
    if (window.confirm('Delete every captured flow from the store?')) void api['flows.clear']({});
  };
  return (
    <div className="flow-controls">
      {follow ? (
        <button type="button" className="toggle on" aria-pressed="true" onClick={pauseFollow} title="Pause the live tail">● Following</button>
      ) : (
        <button type="button" className="toggle" aria-pressed="false" onClick={() => void queries.flows.resumeFollow()} title="Show the newest flows and keep following">
          {resumeLabel}
        </button>
      )}
      <button type="button" onClick={clear} title="Delete all captured flows">Clear</button>
      <span className="count" data-testid="flow-count" aria-live="polite">
        {count === null ? '…' : `${count.toLocaleString()} ${filtered ? 'matching' : count === 1 ? 'flow' : 'flows'}`}
      </span>
    </div>
  );
}
