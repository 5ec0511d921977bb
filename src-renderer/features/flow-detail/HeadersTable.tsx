import type { RawHeaders } from '../../../src-shared/model/flow.js';
import { CopyButton } from '../../components/CopyButton.js';

/** Headers exactly as sent: original order and case, repeated names kept. */
export function HeadersTable({ headers, label }: { headers: RawHeaders; label: string }) {
  if (headers.length === 0) return <p className="muted">No headers.</p>;
  return (
    <table className="headers" aria-label={label}>
      <tbody>
        {headers.map(([name, value], index) => (
          <tr key={index}>
            <th scope="row">{name}</th>
            <td><span className="header-value">{value}</span><CopyButton value={value} /></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
