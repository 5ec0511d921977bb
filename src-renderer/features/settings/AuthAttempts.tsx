/** The last proxy authentication attempts (events.list), newest first, refreshed on demand. */
import { useCallback, useEffect, useState } from 'react';
import type { ConnectionEvent } from '../../../src-shared/model/flow.js';
import { useServices } from '../../components/api-context.js';

const LIMIT = 100;

function when(time: number): string {
  const d = new Date(time);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function AuthAttempts() {
  const { api } = useServices();
  const [events, setEvents] = useState<ConnectionEvent[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      setEvents(await api['events.list']({ types: ['AUTH_SUCCESS', 'AUTH_FAILURE'], limit: LIMIT }));
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setLoading(false);
    }
  }, [api]);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section className="auth-attempts" aria-label="Recent authentication attempts">
      <div className="section-header">
        <h3>Recent authentication attempts</h3>
        <button type="button" onClick={() => void load()} disabled={loading}>Refresh</button>
      </div>
      {error ? <p className="error-text" role="alert">{error}</p> : null}
      {events && events.length === 0 ? <p className="muted">No attempts yet.</p> : null}
      {events && events.length > 0 ? (
        <table className="auth-table">
          <thead>
            <tr><th>Time</th><th>Client</th><th>Result</th><th>Message</th></tr>
          </thead>
          <tbody>
            {events.map((event) => (
              <tr key={event.id}>
                <td className="num">{when(event.time)}</td>
                <td className="mono">{event.clientIp ?? '–'}</td>
                <td className={event.type === 'AUTH_SUCCESS' ? 'tone-ok' : 'tone-server-error'}>{event.type === 'AUTH_SUCCESS' ? '✓ success' : '✕ failure'}</td>
                <td>{event.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
