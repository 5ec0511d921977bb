/**
 * Proxy authentication: none, Basic (user and password) or a bearer token. Secrets are stored as
 * hashes, so the password and token inputs are never filled in: they say whether one is set, and
 * left empty they keep it.
 */
import type { Settings } from '../../../src-shared/model/settings.js';
import { FieldNotes, TextField, type Form } from './fields.js';
import type { Draft } from './settings-draft.js';

const CHOICES: Array<[Draft['authType'], string]> = [['none', 'None'], ['basic', 'Basic: user and password'], ['bearer', 'Bearer token']];

export function ProxyAuthSection({ form, stored }: { form: Form; stored: Settings['proxyAuth'] }) {
  const type = form.draft.authType;
  const passwordSet = stored.type === 'basic';
  const tokenSet = stored.type === 'bearer';
  return (
    <fieldset>
      <legend>Proxy authentication</legend>
      <div className="radio-row" role="radiogroup" aria-label="Proxy authentication">
        {CHOICES.map(([value, text]) => (
          <label className="check" key={value}>
            <input type="radio" name="authType" value={value} checked={type === value} onChange={() => form.edit({ authType: value })} />
            <span>{text}</span>
          </label>
        ))}
      </div>
      <FieldNotes form={form} name="authType" hint={type === 'none' ? 'Anyone who can reach the proxy may use it.' : 'Clients send Proxy-Authorization; others get 407.'} />
      {type === 'basic' ? (
        <>
          <TextField form={form} name="authUser" autoComplete="off" />
          <TextField
            form={form} name="authPassword" type="password" autoComplete="new-password"
            placeholder={passwordSet ? 'unchanged' : ''}
            hint={passwordSet ? <span data-testid="password-set">A password is set. Type a new one to replace it, or leave this empty to keep it.</span> : 'No password is set yet.'}
          />
        </>
      ) : null}
      {type === 'bearer' ? (
        <TextField
          form={form} name="authToken" type="password" autoComplete="new-password" placeholder={tokenSet ? 'unchanged' : ''}
          hint={tokenSet ? <span data-testid="token-set">A token is set. Type a new one to replace it, or leave this empty to keep it.</span> : 'No token is set yet.'}
        />
      ) : null}
    </fieldset>
  );
}
