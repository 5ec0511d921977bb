/** Where the CA is trusted on this machine, with one click to add or remove it per store. */
import { useServices } from '../../components/api-context.js';
import type { OsAction } from './use-os-status.js';

export function TrustStores({ os }: { os: OsAction }) {
  const { api } = useServices();
  const { status, busy, run } = os;
  if (!status) return <p className="muted">Checking the trust stores…</p>;
  if (status.trust.length === 0) return <p className="muted">No trust store could be checked on this system; follow the steps below.</p>;
  return (
    <table className="trust-stores" data-testid="trust-stores">
      <tbody>
        {status.trust.map((entry) => (
          <tr key={`${entry.store}:${entry.location ?? ''}`}>
            <td>{entry.label}</td>
            <td className={entry.trusted ? 'ok-text' : 'muted'}>{entry.trusted ? 'trusted' : 'not trusted'}</td>
            <td>
              <button
                type="button"
                disabled={busy}
                onClick={() => void run(() => api['ca.trust.set']({ store: entry.store, trusted: !entry.trusted, ...(entry.location && { location: entry.location }) }))}
              >
                {entry.trusted ? 'Remove' : 'Trust'}
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
