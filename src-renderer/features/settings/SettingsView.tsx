/**
 * Settings through settings.get / settings.set. A value refused by the form or by the service is
 * said next to its field (labels.ts maps the setting a service message names to its field); what
 * applied now and what needs a restart are said after saving.
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { SettingsChange } from '../../../src-shared/api/types.js';
import { useServices } from '../../components/api-context.js';
import { useApp } from '../../store/index.js';
import { AuthAttempts } from './AuthAttempts.js';
import { BlockRulesEditor } from './BlockRulesEditor.js';
import { TextField, type Form } from './fields.js';
import { serviceError } from './labels.js';
import { ClassesAndLogSection, ClientsSection, LimitsSection, ListenersSection, TlsSection, UpstreamSection } from './PolicySections.js';
import { ProxyAuthSection } from './ProxyAuthSection.js';
import { fromDraft, toDraft, type Draft, type Errors } from './settings-draft.js';

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
    if (!draft || !view) return;
    const checked = fromDraft(draft, view.settings);
    setChange(null);
    if ('errors' in checked) {
      setErrors(checked.errors);
      return;
    }
    setSaving(true);
    try {
      const result = await api['settings.set']({ settings: checked.patch });
      setChange(result);
      setErrors({});
      setDraft(toDraft(result.settings));
      settingsLoaded({ ...view, settings: result.settings });
    } catch (e) {
      setErrors(serviceError((e as Error).message));
    } finally {
      setSaving(false);
    }
  };

  if (!draft || !view) return <div className="page">{errors.form ? <p className="error-text">{errors.form}</p> : <p className="muted">Loading settings…</p>}</div>;
  const form: Form = { draft, errors, edit: (patch) => setDraft({ ...draft, ...patch }), fromFlags: view.fromFlags };
  return (
    <form className="page settings" onSubmit={(e) => void save(e)}>
      <h2>Settings</h2>
      <div className="settings-sections">
        <fieldset>
          <legend>Proxy</legend>
          <TextField form={form} name="proxyHost" />
          <TextField form={form} name="proxyPort" numeric />
          <TextField form={form} name="maxBodySize" numeric />
        </fieldset>
        <ListenersSection form={form} />
        <UpstreamSection form={form} />
        <TlsSection form={form} />
        <div className="section-wide"><BlockRulesEditor form={form} /></div>
        <div className="section-stack">
          <ProxyAuthSection form={form} stored={view.settings.proxyAuth} />
          <AuthAttempts />
        </div>
        <ClientsSection form={form} />
        <LimitsSection form={form} />
        <ClassesAndLogSection form={form} />
        <fieldset>
          <legend>Retention</legend>
          <TextField form={form} name="maxFlows" numeric placeholder="no limit" />
          <TextField form={form} name="maxAgeDays" numeric placeholder="no limit" />
          <TextField form={form} name="maxDbMegabytes" numeric placeholder="no limit" />
        </fieldset>
      </div>
      <div className="save-bar">
        {errors.form ? <p className="error-text" role="alert">{errors.form}</p> : null}
        {change ? (
          <div className="save-result" role="status" data-testid="settings-saved">
            {change.applied.map((line) => <p key={line} className="applied">✓ {line}</p>)}
            {change.needsRestart.map((line) => <p key={line} className="notice">↻ {line}</p>)}
            {change.applied.length + change.needsRestart.length === 0 ? <p>Nothing changed.</p> : null}
          </div>
        ) : null}
        <div className="button-row">
          <button type="submit" className="primary" disabled={saving}>{saving ? 'Saving…' : 'Save'}</button>
          <span className="muted">Stored in {view.file}</span>
        </div>
      </div>
    </form>
  );
}
