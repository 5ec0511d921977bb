/**
 * Totals and breakdowns for the flows matching the current filter (stats.get), drawn as CSS bars.
 * Computed when the view opens, on Refresh, and every few seconds at most while flows arrive
 * (store/stats-queries.ts): on a big store each one is a scan of seconds.
 */
import { useEffect, useState } from 'react';
import type { CountBy } from '../../../src-shared/api/types.js';
import { useServices } from '../../components/api-context.js';
import { formatDuration } from '../../components/format.js';
import { useApp } from '../../store/index.js';

function Bars({ title, rows, tone }: { title: string; rows: CountBy[]; tone?: (key: string) => string }) {
  const max = Math.max(1, ...rows.map((r) => r.count));
  return (
    <section className="stats-card">
      <h3>{title}</h3>
      {rows.length === 0 ? <p className="muted">Nothing yet.</p> : null}
      {rows.map((row) => (
        <div className="bar-row" key={row.key}>
          <span className="bar-label" title={row.key}>{row.key}</span>
          <span className="bar-track"><span className={`bar ${tone?.(row.key) ?? ''}`} style={{ width: `${(row.count / max) * 100}%` }} /></span>
          <span className="num">{row.count.toLocaleString()}</span>
        </div>
      ))}
    </section>
  );
}

const classTone = (key: string) => ({ '2xx': 'tone-ok', '3xx': 'tone-redirect', '4xx': 'tone-client-error', '5xx': 'tone-server-error' })[key] ?? 'tone-pending';

const trafficTone = (key: string) => `class-${key}`;

/** Quick answers should not flash a notice: say "computing" only once it has taken a moment. */
const SLOW_AFTER_MS = 300;

function useSlow(busy: boolean): boolean {
  const [slow, setSlow] = useState(false);
  useEffect(() => {
    if (!busy) {
      setSlow(false);
      return;
    }
    const timer = setTimeout(() => setSlow(true), SLOW_AFTER_MS);
    return () => clearTimeout(timer);
  }, [busy]);
  return slow;
}

export function StatsView() {
  const { queries } = useServices();
  const filter = useApp((s) => s.filter.applied);
  const { value: stats, filter: statsFilter, computing, error } = useApp((s) => s.stats);
  const select = useApp((s) => s.select);
  const setView = useApp((s) => s.setView);
  const slow = useSlow(computing);

  useEffect(() => {
    queries.stats.open();
    return () => queries.stats.close();
  }, [queries, filter]);

  const refresh = (
    <div className="button-row">
      <button type="button" onClick={() => void queries.stats.refresh()}>Refresh</button>
      {slow ? <span className="muted" role="status" data-testid="stats-computing">Computing statistics…</span> : null}
      {error ? <span className="error-text" role="alert">{error}</span> : null}
    </div>
  );
  if (!stats) return <div className="page">{refresh}{!slow && !error ? <p className="muted">Loading statistics…</p> : null}</div>;
  return (
    <div className="page stats">
      <h2>Statistics{statsFilter ? <span className="muted"> for “{statsFilter}”</span> : null}</h2>
      {refresh}
      <div className="stat-tiles">
        <div className="tile"><span className="tile-value" data-testid="stats-total">{stats.total.toLocaleString()}</span><span>flows</span></div>
        <div className="tile"><span className="tile-value">{stats.errors.toLocaleString()}</span><span>connection errors</span></div>
        <div className="tile"><span className="tile-value">{stats.total ? `${((stats.failed / stats.total) * 100).toFixed(1)}%` : '–'}</span><span>failed (error or 5xx)</span></div>
        <div className="tile"><span className="tile-value">{formatDuration(stats.averageDurationMs) || '–'}</span><span>average duration</span></div>
      </div>
      <div className="stats-grid">
        <Bars title="By method" rows={stats.byMethod} />
        <Bars title="By status class" rows={stats.byStatusClass} tone={classTone} />
        <Bars title="By traffic class" rows={stats.byTrafficClass} tone={trafficTone} />
        <Bars title="Busiest hosts" rows={stats.byHost} />
        <section className="stats-card">
          <h3>Error rate by host</h3>
          {stats.errorRateByHost.length === 0 ? <p className="muted">No failures.</p> : null}
          {stats.errorRateByHost.map((row) => (
            <div className="bar-row" key={row.host}>
              <span className="bar-label" title={row.host}>{row.host}</span>
              <span className="bar-track"><span className="bar tone-server-error" style={{ width: `${row.rate * 100}%` }} /></span>
              <span className="num">{row.failed}/{row.total}</span>
            </div>
          ))}
        </section>
        <section className="stats-card wide">
          <h3>Slowest requests</h3>
          <table className="slowest">
            <tbody>
              {stats.slowest.map((flow) => (
                <tr key={flow.id} onClick={() => (select(flow.id), setView('traffic'))} title="Show in the traffic list">
                  <td>{flow.method}</td><td>{flow.statusCode ?? '–'}</td><td className="ellipsis">{flow.host}{flow.path}</td><td className="num">{formatDuration(flow.durationMs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
    </div>
  );
}
