/** The editor's headers: name and value inputs per row, in order, repeated names allowed. */
import type { HeaderRow } from '../../store/editor-draft.js';
import { headerRow } from '../../store/editor-draft.js';

export function HeadersEditor({ rows, onChange }: { rows: HeaderRow[]; onChange(rows: HeaderRow[]): void }) {
  const edit = (key: number, patch: Partial<HeaderRow>) => onChange(rows.map((row) => (row.key === key ? { ...row, ...patch } : row)));
  return (
    <div className="headers-editor">
      <table aria-label="Request headers">
        <thead>
          <tr><th scope="col">Name</th><th scope="col">Value</th><th scope="col"><span className="visually-hidden">Remove</span></th></tr>
        </thead>
        <tbody>
          {rows.map((row, index) => (
            <tr key={row.key}>
              <td>
                <input type="text" aria-label={`Header ${index + 1} name`} value={row.name} spellCheck={false} onChange={(e) => edit(row.key, { name: e.target.value })} />
              </td>
              <td>
                <input type="text" aria-label={`Header ${index + 1} value`} value={row.value} spellCheck={false} onChange={(e) => edit(row.key, { value: e.target.value })} />
              </td>
              <td>
                <button type="button" className="icon-button" aria-label={`Remove header ${row.name || index + 1}`} title="Remove this header" onClick={() => onChange(rows.filter((r) => r.key !== row.key))}>×</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" onClick={() => onChange([...rows, headerRow()])}>+ Add header</button>
    </div>
  );
}
