/**
 * Adds or changes a watch: its name, its filter (checked as it is typed with the same parser the
 * store uses, the mistake said under the input) and whether it collects URLs.
 */
import { useId, useState, type FormEvent } from 'react';
import { parseFilter } from '../../../src-shared/filter/index.js';
import type { Watch } from '../../../src-shared/model/settings.js';

interface WatchFormProps {
  initial: Watch;
  submitLabel: string;
  /** Resolves with what went wrong saving, or null. */
  onSave(watch: Watch): Promise<string | null>;
  onCancel(): void;
}

export function WatchForm({ initial, submitLabel, onSave, onCancel }: WatchFormProps) {
  const [name, setName] = useState(initial.name);
  const [filter, setFilter] = useState(initial.filter);
  const [collectUrls, setCollectUrls] = useState(initial.collectUrls);
  const [nameError, setNameError] = useState<string | null>(null);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const ids = useId();

  const parsed = parseFilter(filter);
  const filterError = filter.trim() === '' ? null : parsed.ok ? null : parsed.error.message;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmedName = name.trim();
    setNameError(trimmedName === '' ? 'Give the watch a name.' : null);
    if (trimmedName === '' || filterError || filter.trim() === '') {
      if (filter.trim() === '') setSaveError('Enter a filter, e.g. ~u \\.m3u8 or ~d api.example.com.');
      return;
    }
    setSaving(true);
    const error = await onSave({ id: initial.id, name: trimmedName, filter: filter.trim(), collectUrls });
    setSaving(false);
    setSaveError(error);
  };

  return (
    <form className="watch-form" onSubmit={(e) => void submit(e)} aria-label={submitLabel}>
      <label>
        <span>Name</span>
        <input
          value={name} onChange={(e) => setName(e.target.value)} aria-invalid={nameError ? 'true' : 'false'}
          aria-describedby={nameError ? `${ids}-name` : undefined} placeholder="Stream playlists" autoFocus
        />
      </label>
      {nameError ? <small className="field-error" id={`${ids}-name`} role="alert">{nameError}</small> : null}
      <label>
        <span>Filter</span>
        <input
          className="mono" value={filter} spellCheck={false} placeholder="~u \.m3u8"
          onChange={(e) => {
            setFilter(e.target.value);
            setSaveError(null);
          }}
          aria-invalid={filterError ? 'true' : 'false'} aria-describedby={filterError ? `${ids}-filter` : undefined}
        />
      </label>
      {filterError ? <small className="field-error" id={`${ids}-filter`} role="alert" data-testid="watch-filter-error">{filterError}</small> : null}
      <label className="check">
        <input type="checkbox" checked={collectUrls} onChange={(e) => setCollectUrls(e.target.checked)} />
        <span>Collect URLs and pick the best one</span>
      </label>
      {saveError ? <small className="field-error" role="alert">{saveError}</small> : null}
      <div className="button-row">
        <button type="submit" className="primary" disabled={saving || filterError !== null}>{saving ? 'Saving…' : submitLabel}</button>
        <button type="button" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}
