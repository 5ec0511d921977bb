/**
 * The Settings form as text (what is in the inputs) and back as a settings patch. Lists are one
 * entry per line. Numbers are typed as text: Number('') is 0, which for the body size cap would
 * silently stop keeping bodies, so an empty or non-numeric value is refused here; ranges are left
 * to the service, which says them in its own words. Only settings that changed are sent.
 */
import type { SettingsPatch } from '../../../src-shared/api/validate-settings.js';
import type { BlockRule, Settings } from '../../../src-shared/model/settings.js';
import { LABELS, type NumberField } from './labels.js';

export interface Draft {
  proxyHost: string;
  proxyPort: string;
  maxBodySize: string;
  maxFlows: string;
  maxAgeDays: string;
  maxDbMegabytes: string;
  modes: string;
  keepHostHeader: boolean;
  upstreamProxies: string;
  upstreamRotation: Settings['upstreamRotation'];
  /** passthrough: decrypt all but tlsHosts; intercept-only: decrypt only tlsHosts. */
  tlsMode: 'passthrough' | 'intercept-only';
  tlsHosts: string;
  blockRules: BlockRule[];
  authType: Settings['proxyAuth']['type'];
  authUser: string;
  /** Never prefilled: empty keeps the stored password (or token). */
  authPassword: string;
  authToken: string;
  allowIps: string;
  denyIps: string;
  maxConcurrent: string;
  connectTimeoutSeconds: string;
  idleTimeoutSeconds: string;
  maxRequestBodyBytes: string;
  llmHosts: string;
  logDir: string;
}

/** A draft field, or `blockRules.N` for one rule, or 'form' for what belongs to no field. */
export type Errors = Partial<Record<string, string>>;

const numberText = (n: number | null) => (n === null ? '' : String(n));
const linesText = (list: readonly string[]) => list.join('\n');
const lines = (text: string) => text.split('\n').map((l) => l.trim()).filter((l) => l !== '');

export function toDraft(s: Settings): Draft {
  const interceptOnly = s.tlsInterceptOnlyHosts.length > 0;
  return {
    proxyHost: s.proxyHost, proxyPort: String(s.proxyPort), maxBodySize: String(s.maxBodySize),
    maxFlows: numberText(s.retention.maxFlows), maxAgeDays: numberText(s.retention.maxAgeDays), maxDbMegabytes: numberText(s.retention.maxDbMegabytes),
    modes: linesText(s.modes), keepHostHeader: s.keepHostHeader,
    upstreamProxies: linesText(s.upstreamProxies), upstreamRotation: s.upstreamRotation,
    tlsMode: interceptOnly ? 'intercept-only' : 'passthrough', tlsHosts: linesText(interceptOnly ? s.tlsInterceptOnlyHosts : s.tlsPassthroughHosts),
    blockRules: s.blockRules.map((r) => ({ ...r })),
    authType: s.proxyAuth.type, authUser: s.proxyAuth.type === 'basic' ? s.proxyAuth.user : '', authPassword: '', authToken: '',
    allowIps: linesText(s.allowIps), denyIps: linesText(s.denyIps),
    maxConcurrent: numberText(s.limits.maxConcurrent), connectTimeoutSeconds: numberText(s.limits.connectTimeoutSeconds),
    idleTimeoutSeconds: numberText(s.limits.idleTimeoutSeconds), maxRequestBodyBytes: numberText(s.limits.maxRequestBodyBytes),
    llmHosts: linesText(s.llmHosts), logDir: s.logDir ?? '',
  };
}

/** Fields where empty means "no limit". */
const OPTIONAL: ReadonlySet<NumberField> = new Set([
  'maxFlows', 'maxAgeDays', 'maxDbMegabytes', 'maxConcurrent', 'connectTimeoutSeconds', 'idleTimeoutSeconds', 'maxRequestBodyBytes',
]);

function proxyAuth(d: Draft, stored: Settings['proxyAuth'], errors: Errors): SettingsPatch['proxyAuth'] {
  if (d.authType === 'none') return { type: 'none' };
  if (d.authType === 'basic') {
    const user = d.authUser.trim();
    if (user === '') errors.authUser = `${LABELS.authUser} cannot be empty.`;
    if (d.authPassword !== '') return { type: 'basic', user, password: d.authPassword };
    if (stored.type === 'basic') return { type: 'basic', user, passwordHash: stored.passwordHash };
    errors.authPassword = 'Enter a password: none is set yet.';
    return undefined;
  }
  if (d.authToken !== '') return { type: 'bearer', token: d.authToken };
  if (stored.type === 'bearer') return { type: 'bearer', tokenHash: stored.tokenHash };
  errors.authToken = 'Enter a token: none is set yet.';
  return undefined;
}

/** The changed settings as a patch for settings.set, or what is wrong with each field. */
export function fromDraft(d: Draft, stored: Settings): { patch: SettingsPatch } | { errors: Errors } {
  const errors: Errors = {};
  const whole = (name: NumberField): number | null => {
    const text = d[name].trim();
    if (text === '') {
      if (!OPTIONAL.has(name)) errors[name] = `${LABELS[name]} cannot be empty: enter a whole number.`;
      return null;
    }
    if (!/^\d+$/.test(text)) {
      errors[name] = `${LABELS[name]}: "${text}" is not a whole number${OPTIONAL.has(name) ? ' (leave it empty for no limit)' : ''}.`;
      return null;
    }
    return Number(text);
  };
  const proxyHost = d.proxyHost.trim();
  if (proxyHost === '') errors.proxyHost = `${LABELS.proxyHost} cannot be empty: enter a host name or IP address, e.g. 127.0.0.1.`;
  d.blockRules.forEach((rule, i) => {
    if (rule.pattern.trim() === '') errors[`blockRules.${i}`] = 'Enter a pattern, or remove the rule.';
  });
  const tlsHosts = lines(d.tlsHosts);
  const next: Omit<SettingsPatch, 'proxyAuth'> = {
    proxyHost, proxyPort: whole('proxyPort') ?? 0, maxBodySize: whole('maxBodySize') ?? 0,
    retention: { maxFlows: whole('maxFlows'), maxAgeDays: whole('maxAgeDays'), maxDbMegabytes: whole('maxDbMegabytes') },
    modes: lines(d.modes), keepHostHeader: d.keepHostHeader,
    upstreamProxies: lines(d.upstreamProxies), upstreamRotation: d.upstreamRotation,
    tlsPassthroughHosts: d.tlsMode === 'passthrough' ? tlsHosts : [],
    tlsInterceptOnlyHosts: d.tlsMode === 'intercept-only' ? tlsHosts : [],
    blockRules: d.blockRules.map((r) => ({ ...r, pattern: r.pattern.trim() })),
    allowIps: lines(d.allowIps), denyIps: lines(d.denyIps),
    limits: {
      maxConcurrent: whole('maxConcurrent'), connectTimeoutSeconds: whole('connectTimeoutSeconds'),
      idleTimeoutSeconds: whole('idleTimeoutSeconds'), maxRequestBodyBytes: whole('maxRequestBodyBytes'),
    },
    llmHosts: lines(d.llmHosts), logDir: d.logDir.trim() === '' ? null : d.logDir.trim(),
  };
  const auth = proxyAuth(d, stored.proxyAuth, errors);
  if (Object.keys(errors).length > 0) return { errors };
  const patch: SettingsPatch = {};
  for (const [key, value] of Object.entries(next) as Array<[keyof typeof next, unknown]>) {
    if (JSON.stringify(value) !== JSON.stringify(stored[key])) Object.assign(patch, { [key]: value });
  }
  if (auth && JSON.stringify(auth) !== JSON.stringify(stored.proxyAuth)) patch.proxyAuth = auth;
  return { patch };
}
