/**
 * Settings through settings.get / settings.set. A refused value shows the service's message next
 * to the field it names; what applied now and what needs a restart are said after saving.
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { SettingsChange } from '../../../src-shared/api/types.js';
import type { Settings } from '../../../src-shared/model/settings.js';
import { useServices } from '../../components/api-context.js';
import { useApp } from '../../store/index.js';

type Field = 'proxyHost' | 'proxyPort' | 'maxBodySize' | 'maxFlows' | 'maxAgeDays' | 'maxDbMegabytes';
type Draft = Record<Field, string>;

const LABELS: Record<Field, string> = {
  proxyHost: 'Proxy address',
  proxyPort: 'Proxy port',
  maxBodySize: 'Body size cap (bytes)',
  maxFlows: 'Keep at most (flows)',
  maxAgeDays: 'Delete flows older than (days)',
  maxDbMegabytes: 'Keep the store under (MB)',
};

function toDraft(s: Settings): Draft {
  const text = (n: number | null) => (n === null ? '' : String(n));
  return {
    proxyHost: s.proxyHost, proxyPort: String(s.proxyPort), maxBodySize: String(s.maxBodySize),
    maxFlows: text(s.retention.maxFlows), maxAgeDays: text(s.retention.maxAgeDays), maxDbMegabytes: text(s.retention.maxDbMegabytes),
  };
}

function fromDraft(d: Draft): Settings {
  const optional = (text: string) => (text.trim() === '' ? null : Number(text));
  return {
    proxyHost: d.proxyHost.trim(), proxyPort: Number(d.proxyPort), maxBodySize: Number(d.maxBodySize),
    retention: { maxFlows: optional(d.maxFlows), maxAgeDays: optional(d.maxAgeDays), maxDbMegabytes: optional(d.maxDbMegabytes) },
  };
}

/** The field an error message is about, by the setting name it mentions; else the form as a whole. */
function fieldOf(message: string): Field | null {
  const names = Object.keys(LABELS) as Field[];
  return names.find((name) => message.includes(name)) ?? null;
}

export function SettingsView() {
  const { api } = useServices();
  const view = useApp((s) => s.settings);
  const settingsLoaded = useApp((s) => s.settingsLoaded);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [error, setError] = useState<{ field: Field | null; message: string } | null>(null);
  const [change, setChange] = useState<SettingsChange | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    api['settings.get']({}).then((loaded) => {
      settingsLoaded(loaded);
      setDraft(toDraft(loaded.settings));
    }, (e: Error) => setError({ field: null, message: e.message }));
  }, [api, settingsLoaded]);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!draft) return;
    setSaving(true);
    try {
      const result = await api['settings.set']({ settings: fromDraft(draft) });
      setChange(result);
      setError(null);
      setDraft(toDraft(result.settings));
      if (view) settingsLoaded({ ...view, settings: result.settings });
    } catch (e) {
      const message = (e as Error).message;
      setError({ field: fieldOf(message), message });
      setChange(null);
    } finally {
      setSaving(false);
    }
  };

  if (!draft) return <div className="page">{error ? <p className="error-text">{error.message}</p> : <p className="muted">Loading settings…</p>}</div>;
  const field = (name: Field, type: 'text' | 'number') => (
    <label className="field" key={name}>
      <span>{LABELS[name]}</span>
      <input
        name={name}
        type={type}
        value={draft[name]}
        aria-invalid={error?.field === name}
        onChange={(e) => setDraft({ ...draft, [name]: e.target.value })}
        placeholder={type === 'number' && name.startsWith('max') && name !== 'maxBodySize' ? 'no limit' : undefined}
      />
      {(view?.fromFlags as string[] | undefined)?.includes(name) ? <small className="muted">Set by a command-line flag for this run; a saved value applies at the next start without it.</small> : null}
      {error?.field === name ? <small className="field-error" role="alert">{error.message}</small> : null}
    </label>
  );
  return (
    <form className="page settings" onSubmit={(e) => void save(e)}>
      <h2>Settings</h2>
      <fieldset>
        <legend>Proxy</legend>
        {field('proxyHost', 'text')}
        {field('proxyPort', 'number')}
        {field('maxBodySize', 'number')}
      </fieldset>
      <fieldset>
        <legend>Retention</legend>
        {field('maxFlows', 'number')}
        {field('maxAgeDays', 'number')}
        {field('maxDbMegabytes', 'number')}
      </fieldset>
      {error && error.field === null ? <p className="error-text" role="alert">{error.message}</p> : null}
      <div className="button-row">
        <button type="submit" className="primary" disabled={saving}>{saving ? 'Saving…' : 'Save'}</button>
        {view ? <span className="muted">Stored in {view.file}</span> : null}
      </div>
      {change ? (
        <div className="save-result" role="status">
          {change.applied.map((line) => <p key={line} className="applied">✓ {line}</p>)}
          {change.needsRestart.map((line) => <p key={line} className="notice">↻ {line}</p>)}
          {change.applied.length + change.needsRestart.length === 0 ? <p>Nothing changed.</p> : null}
        </div>
      ) : null}
    </form>
  );
}
