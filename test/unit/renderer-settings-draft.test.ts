/**
 * The Settings form's text and the patch it sends: only what changed, lists one entry per line,
 * secrets never echoed back (an empty password keeps the stored hash), and each service message
 * said next to the field it names.
 */
import { describe, expect, it } from 'vitest';
import { settingsPatch } from '../../src-shared/api/validate-settings.js';
import { DEFAULT_SETTINGS, type Settings } from '../../src-shared/model/settings.js';
import { serviceError } from '../../src-renderer/features/settings/labels.js';
import { fromDraft, toDraft } from '../../src-renderer/features/settings/settings-draft.js';

const HASH = 'scrypt$c2FsdA==$aGFzaA==';
const STORED: Settings = { ...DEFAULT_SETTINGS, proxyAuth: { type: 'basic', user: 'alice', passwordHash: HASH }, tlsInterceptOnlyHosts: ['api.test'] };

/** What the service says about a patch, as the form would show it. */
function refusal(patch: unknown): Partial<Record<string, string>> {
  try {
    settingsPatch('settings.set', patch);
  } catch (error) {
    return serviceError((error as Error).message);
  }
  throw new Error('the patch was accepted');
}

describe('settings draft', () => {
  it('sends nothing when nothing changed, and never prefills a secret', () => {
    const draft = toDraft(STORED);
    expect(draft.authPassword).toBe('');
    expect(draft.authUser).toBe('alice');
    expect(draft.tlsMode).toBe('intercept-only');
    expect(fromDraft(draft, STORED)).toEqual({ patch: {} });
  });

  it('sends only the changed settings, lists split into lines', () => {
    const draft = { ...toDraft(STORED), allowIps: ' 10.0.0.0/8 \n\n192.168.1.7\n', maxConcurrent: '8', logDir: '' };
    expect(fromDraft(draft, STORED)).toEqual({
      patch: { allowIps: ['10.0.0.0/8', '192.168.1.7'], limits: { ...STORED.limits, maxConcurrent: 8 } },
    });
  });

  it('keeps the stored password hash when none is typed, even with a new user name', () => {
    const renamed = fromDraft({ ...toDraft(STORED), authUser: 'bob' }, STORED);
    expect(renamed).toEqual({ patch: { proxyAuth: { type: 'basic', user: 'bob', passwordHash: HASH } } });
    const replaced = fromDraft({ ...toDraft(STORED), authPassword: 'n3w' }, STORED);
    expect(replaced).toEqual({ patch: { proxyAuth: { type: 'basic', user: 'alice', password: 'n3w' } } });
    // Switching to a bearer token needs one: there is no stored token to keep.
    expect(fromDraft({ ...toDraft(STORED), authType: 'bearer' }, STORED)).toEqual({ errors: { authToken: 'Enter a token: none is set yet.' } });
  });

  it('moves the host list between passthrough and intercept-only', () => {
    const draft = { ...toDraft(STORED), tlsMode: 'passthrough' as const };
    expect(fromDraft(draft, STORED)).toEqual({ patch: { tlsPassthroughHosts: ['api.test'], tlsInterceptOnlyHosts: [] } });
  });

  it('refuses an empty rule pattern and a number that is not one, where they were typed', () => {
    const draft = { ...toDraft(STORED), blockRules: [{ pattern: ' ', kind: 'regex' as const, action: 'deny' as const }], idleTimeoutSeconds: '5s' };
    expect(fromDraft(draft, STORED)).toEqual({
      errors: {
        'blockRules.0': 'Enter a pattern, or remove the rule.',
        idleTimeoutSeconds: 'Idle timeout (s): "5s" is not a whole number (leave it empty for no limit).',
      },
    });
  });
});

describe('service messages next to their fields', () => {
  it('names the line of a list and the rule of a table', () => {
    expect(refusal({ allowIps: ['127.0.0.1', '10.0.0.0/33'] })).toEqual({
      allowIps: 'Allowed clients, line 2: "10.0.0.0/33": the prefix length must be 0 to 32.',
    });
    expect(refusal({ blockRules: [{ pattern: 'a', kind: 'regex', action: 'deny' }, { pattern: '(', kind: 'regex', action: 'deny' }] })['blockRules.1'])
      .toMatch(/^Pattern: /);
    expect(refusal({ modes: ['regular', 'sideways'] }).modes).toMatch(/^Modes, line 2: "sideways" is not a mode/);
    expect(refusal({ modes: ['regular', 'regular'] }).modes).toMatch(/^Two modes listen on/);
    expect(Object.keys(refusal({ tlsPassthroughHosts: ['not a host'] }))).toEqual(['tlsHosts']);
  });

  it('names nested settings by their label', () => {
    expect(refusal({ limits: { maxConcurrent: 0 } })).toEqual({ maxConcurrent: 'Requests in flight at most (or empty for none) must be at least 1.' });
    expect(refusal({ proxyAuth: { type: 'basic', user: 'a:b', password: 'x' } })).toEqual({
      authUser: 'User cannot contain ":" (Basic authentication separates user and password with it).',
    });
    expect(refusal({ proxyPort: 99_999 })).toEqual({ proxyPort: 'Proxy port must be at most 65535.' });
    expect(serviceError('settings.set: something else went wrong.')).toEqual({ form: 'something else went wrong.' });
  });
});
