/**
 * Settings through settings.get / settings.set. A value refused by the form or by the service is
 * said next to its field; what applied now and what needs a restart are said after saving.
 * Numbers are typed into text inputs: a number input reports "" for "12x", which for a retention
 * field would read as "no limit" instead of a mistake.
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

const RETENTION: ReadonlySet<Field> = new Set(['maxFlows', 'maxAgeDays', 'maxDbMegabytes']);

type Errors = Partial<Record<Field | 'form', string>>;

/**
 * The draft as settings, or what is wrong with each field. Number('') is 0, which for the body
 * size cap would silently stop keeping bodies, so an empty or non-numeric value is refused here;
 * ranges are left to the service, which says them in its own words. Empty retention means no limit.
 */
/** The settings this form edits; the others keep their values. */
type BasicSettings = Pick<Settings, 'proxyHost' | 'proxyPort' | 'maxBodySize' | 'retention'>;

function fromDraft(d: Draft): { settings: BasicSettings } | { errors: Errors } {
  const errors: Errors = {};
  const whole = (name: Field): number | null => {
    const text = d[name].trim();
    if (text === '') {
      if (!RETENTION.has(name)) errors[name] = `${LABELS[name]} cannot be empty: enter a whole number.`;
      return null;
    }
    if (!/^\d+$/.test(text)) {
      errors[name] = `${LABELS[name]}: "${text}" is not a whole number${RETENTION.has(name) ? ' (leave it empty for no limit)' : ''}.`;
      return null;
    }
    return Number(text);
  };
  const proxyHost = d.proxyHost.trim();
  if (proxyHost === '') errors.proxyHost = `${LABELS.proxyHost} cannot be empty: enter a host name or IP address, e.g. 127.0.0.1.`;
  const settings: BasicSettings = {
    proxyHost, proxyPort: whole('proxyPort') ?? 0, maxBodySize: whole('maxBodySize') ?? 0,
    retention: { maxFlows: whole('maxFlows'), maxAgeDays: whole('maxAgeDays'), maxDbMegabytes: whole('maxDbMegabytes') },
  };
  return Object.keys(errors).length > 0 ? { errors } : { settings };
}

/** The field a service message is about (it names the setting), with the setting's label in place of its key. */
function serviceError(message: string): Errors {
  const names = Object.keys(LABELS) as Field[];
  const field = names.find((name) => message.includes(name));
  if (!field) return { form: message };
  const said = message.replace(/^settings\.set:\s*/, '').replace(`retention.${field}`, field).replace(field, LABELS[field]);
  return { [field]: said };
}

export function SettingsView() {
  const { api } = useServices();
  const view = useApp((s) => s.settings);
  const settingsLoaded = useApp((s) => s.settingsLoaded);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [errors, setErrors] = useState<Errors>({});
  const [change, setChange] = useState<SettingsChange | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    api['settings.get']({}).then((loaded) => {
      settingsLoaded(loaded);
      setDraft(toDraft(loaded.settings));
    }, (e: Error) => setErrors({ form: e.message }));
  }, [api, settingsLoaded]);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!draft) return;
    const checked = fromDraft(draft);
    setChange(null);
    if ('errors' in checked) {
      setErrors(checked.errors);
      return;
    }
    setSaving(true);
    try {
      const result = await api['settings.set']({ settings: checked.settings });
      setChange(result);
      setErrors({});
      setDraft(toDraft(result.settings));
      if (view) settingsLoaded({ ...view, settings: result.settings });
    } catch (e) {
      setErrors(serviceError((e as Error).message));
    } finally {
      setSaving(false);
    }
  };

  if (!draft) return <div className="page">{errors.form ? <p className="error-text">{errors.form}</p> : <p className="muted">Loading settings…</p>}</div>;
  const field = (name: Field, type: 'text' | 'number') => (
    <label className="field" key={name}>
      <span>{LABELS[name]}</span>
      <input
        name={name}
        type="text"
        inputMode={type === 'number' ? 'numeric' : undefined}
        value={draft[name]}
        aria-invalid={errors[name] ? 'true' : 'false'}
        aria-describedby={errors[name] ? `${name}-error` : undefined}
        onChange={(e) => setDraft({ ...draft, [name]: e.target.value })}
        placeholder={type === 'number' && name.startsWith('max') && name !== 'maxBodySize' ? 'no limit' : undefined}
      />
      {(view?.fromFlags as string[] | undefined)?.includes(name) ? <small className="muted">Set by a command-line flag for this run; a saved value applies at the next start without it.</small> : null}
      {errors[name] ? <small className="field-error" id={`${name}-error`} role="alert">{errors[name]}</small> : null}
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
      {errors.form ? <p className="error-text" role="alert">{errors.form}</p> : null}
      <div className="button-row">
        <button type="submit" className="primary" disabled={saving}>{saving ? 'Saving…' : 'Save'}</button>
        {view ? <span className="muted">Stored in {view.file}</span> : null}
      </div>
      {change ? (
        <div className="save-result" role="status" data-testid="settings-saved">
          {change.applied.map((line) => <p key={line} className="applied">✓ {line}</p>)}
          {change.needsRestart.map((line) => <p key={line} className="notice">↻ {line}</p>)}
          {change.applied.length + change.needsRestart.length === 0 ? <p>Nothing changed.</p> : null}
        </div>
      ) : null}
    </form>
  );
}
