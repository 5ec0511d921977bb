/** Inputs of the Settings form: each with its label, a hint, the flag note and its error, tied together for screen readers. */
import type { ReactNode } from 'react';
import type { Draft, Errors } from './settings-draft.js';
import { LABELS, SETTING_OF, type Field } from './labels.js';

export interface Form {
  draft: Draft;
  errors: Errors;
  edit(patch: Partial<Draft>): void;
  /** Settings given as command-line flags for this run. */
  fromFlags: readonly string[];
}

type TextKey = { [K in keyof Draft]: Draft[K] extends string ? K : never }[keyof Draft] & Field;

export function FieldNotes({ form, name, hint }: { form: Form; name: string; hint?: ReactNode }) {
  const setting = SETTING_OF[name as Field] ?? name;
  const error = form.errors[name];
  return (
    <>
      {hint ? <small className="muted hint" id={`${name}-hint`}>{hint}</small> : null}
      {form.fromFlags.includes(setting) ? <small className="muted">Set by a command-line flag for this run; a saved value applies at the next start without it.</small> : null}
      {error ? <small className="field-error" id={`${name}-error`} role="alert">{error}</small> : null}
    </>
  );
}

function described(form: Form, name: string, hint: unknown): { 'aria-invalid': 'true' | 'false'; 'aria-describedby'?: string } {
  const ids = [form.errors[name] ? `${name}-error` : null, hint ? `${name}-hint` : null].filter(Boolean);
  return { 'aria-invalid': form.errors[name] ? 'true' : 'false', ...(ids.length > 0 && { 'aria-describedby': ids.join(' ') }) };
}

interface TextFieldProps {
  form: Form;
  name: TextKey;
  hint?: ReactNode;
  placeholder?: string;
  numeric?: boolean;
  type?: 'text' | 'password';
  autoComplete?: string;
}

export function TextField({ form, name, hint, placeholder, numeric, type = 'text', autoComplete }: TextFieldProps) {
  return (
    <div className="field">
      <label htmlFor={`field-${name}`}>{LABELS[name]}</label>
      <input
        id={`field-${name}`} name={name} type={type} inputMode={numeric ? 'numeric' : undefined} value={form.draft[name]} placeholder={placeholder}
        autoComplete={autoComplete} spellCheck={false} onChange={(e) => form.edit({ [name]: e.target.value })} {...described(form, name, hint)}
      />
      <FieldNotes form={form} name={name} hint={hint} />
    </div>
  );
}

/** A list edited as text, one entry per line. */
export function ListField({ form, name, hint, placeholder, rows = 3 }: Omit<TextFieldProps, 'numeric' | 'type'> & { rows?: number }) {
  return (
    <div className="field">
      <label htmlFor={`field-${name}`}>{LABELS[name]}</label>
      <textarea
        id={`field-${name}`} name={name} rows={rows} value={form.draft[name]} placeholder={placeholder} spellCheck={false}
        onChange={(e) => form.edit({ [name]: e.target.value })} {...described(form, name, hint)}
      />
      <FieldNotes form={form} name={name} hint={hint} />
    </div>
  );
}
