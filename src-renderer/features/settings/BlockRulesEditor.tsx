/** Block rules as a table: pattern, what the pattern is (regex on the URL or a filter), and what happens (deny with 403, or close). */
import type { BlockRule } from '../../../src-shared/model/settings.js';
import { FieldNotes, type Form } from './fields.js';

export function BlockRulesEditor({ form }: { form: Form }) {
  const rules = form.draft.blockRules;
  const change = (i: number, patch: Partial<BlockRule>) => form.edit({ blockRules: rules.map((r, j) => (j === i ? { ...r, ...patch } : r)) });
  const remove = (i: number) => form.edit({ blockRules: rules.filter((_, j) => j !== i) });
  const add = () => form.edit({ blockRules: [...rules, { pattern: '', kind: 'regex', action: 'deny' }] });
  return (
    <fieldset>
      <legend>Block rules</legend>
      <p className="muted hint">Requests a rule matches never reach the server. A regex is matched against the full URL; a filter is the filter bar&apos;s language.</p>
      {rules.length > 0 ? (
        <table className="block-rules" aria-label="Block rules">
          <thead>
            <tr><th>Pattern</th><th>Pattern is</th><th>Then</th><th><span className="visually-hidden">Remove</span></th></tr>
          </thead>
          <tbody>
            {rules.map((rule, i) => {
              const key = `blockRules.${i}`;
              const error = form.errors[key];
              return (
                <tr key={i} className={error ? 'invalid' : undefined}>
                  <td>
                    <input
                      className="mono" aria-label={`Rule ${i + 1} pattern`} value={rule.pattern} spellCheck={false}
                      placeholder={rule.kind === 'regex' ? 'ads\\.example\\.com/' : '~d ads.example.com'}
                      aria-invalid={error ? 'true' : 'false'} aria-describedby={error ? `${key}-error` : undefined}
                      onChange={(e) => change(i, { pattern: e.target.value })}
                    />
                    <FieldNotes form={form} name={key} />
                  </td>
                  <td>
                    <select aria-label={`Rule ${i + 1} kind`} value={rule.kind} onChange={(e) => change(i, { kind: e.target.value as BlockRule['kind'] })}>
                      <option value="regex">regex</option>
                      <option value="filter">filter</option>
                    </select>
                  </td>
                  <td>
                    <select aria-label={`Rule ${i + 1} action`} value={rule.action} onChange={(e) => change(i, { action: e.target.value as BlockRule['action'] })}>
                      <option value="deny">deny (403)</option>
                      <option value="close">close</option>
                    </select>
                  </td>
                  <td><button type="button" className="icon-button" aria-label={`Remove rule ${i + 1}`} onClick={() => remove(i)}>×</button></td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : <p className="muted">No block rules.</p>}
      <button type="button" onClick={add}>Add rule</button>
      <FieldNotes form={form} name="blockRules" />
    </fieldset>
  );
}
