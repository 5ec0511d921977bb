/**
 * Argument checks at the boundary: every transport runs the validator of a call before the
 * service sees its arguments, so a script or a compromised page cannot hand it junk.
 */
import type { Settings } from '../model/settings.js';
import type { ArgsOf, CallName } from './contract.js';
import { ApiError } from './errors.js';

type Obj = Record<string, unknown>;

function bad(call: string, message: string): never {
  throw new ApiError('BAD_ARGUMENT', `${call}: ${message}`);
}

function object(call: string, value: unknown, allowed: readonly string[]): Obj {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) bad(call, 'arguments must be an object.');
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) bad(call, `unknown argument "${key}" (takes ${allowed.length ? allowed.join(', ') : 'none'}).`);
  }
  return value as Obj;
}

function int(call: string, o: Obj, key: string, opts: { min?: number; max?: number; optional?: boolean } = {}): number | undefined {
  const v = o[key];
  if (v === undefined && opts.optional) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) bad(call, `${key} must be a whole number.`);
  if (opts.min !== undefined && v < opts.min) bad(call, `${key} must be at least ${opts.min}.`);
  if (opts.max !== undefined && v > opts.max) bad(call, `${key} must be at most ${opts.max}.`);
  return v;
}

function str(call: string, o: Obj, key: string, max = 10_000): string | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') bad(call, `${key} must be a string.`);
  if (v.length > max) bad(call, `${key} is longer than ${max} characters.`);
  return v;
}

function oneOf<T extends string>(call: string, o: Obj, key: string, values: readonly T[]): T {
  const v = o[key];
  if (typeof v !== 'string' || !values.includes(v as T)) bad(call, `${key} must be one of ${values.join(', ')}.`);
  return v as T;
}

const MAX_PAGE = 5_000;
const none = (call: string) => (v: unknown) => (object(call, v, []), {} as Record<string, never>);
const withFilter = (call: string) => (v: unknown) => {
  const filter = str(call, object(call, v, ['filter']), 'filter');
  return filter === undefined ? {} : { filter };
};

function nullableCap(call: string, o: Obj, key: string): number | null | undefined {
  if (o[key] === null) return null;
  return int(call, o, key, { min: 1, optional: true });
}

function settingsPatch(call: string, value: unknown): Partial<Settings> {
  const o = object(call, value, ['proxyHost', 'proxyPort', 'maxBodySize', 'retention']);
  const patch: Partial<Settings> = {};
  const host = str(call, o, 'proxyHost', 255);
  if (host !== undefined) {
    if (!/^[\w.:-]+$/.test(host)) bad(call, `proxyHost "${host}" is not a host name or IP address.`);
    patch.proxyHost = host;
  }
  const port = int(call, o, 'proxyPort', { min: 1, max: 65_535, optional: true });
  if (port !== undefined) patch.proxyPort = port;
  const maxBodySize = int(call, o, 'maxBodySize', { min: 0, max: 256 * 1024 * 1024, optional: true });
  if (maxBodySize !== undefined) patch.maxBodySize = maxBodySize;
  if (o.retention !== undefined) {
    const r = object(`${call} retention`, o.retention, ['maxFlows', 'maxAgeDays', 'maxDbMegabytes']);
    const retention: Settings['retention'] = { maxFlows: null, maxAgeDays: null, maxDbMegabytes: null };
    for (const key of ['maxFlows', 'maxAgeDays', 'maxDbMegabytes'] as const) {
      const cap = nullableCap(call, r, key);
      if (cap === undefined) bad(call, `retention.${key} must be a whole number of 1 or more, or null for no cap.`);
      retention[key] = cap;
    }
    patch.retention = retention;
  }
  return patch;
}

type Validators = { [N in CallName]: (args: unknown) => ArgsOf<N> };

export const VALIDATORS: Validators = {
  'flows.page': (v) => {
    const c = 'flows.page';
    const o = object(c, v, ['filter', 'beforeId', 'limit']);
    const filter = str(c, o, 'filter');
    const beforeId = int(c, o, 'beforeId', { min: 0, optional: true });
    const limit = int(c, o, 'limit', { min: 1, max: MAX_PAGE })!;
    return { limit, ...(filter !== undefined && { filter }), ...(beforeId !== undefined && { beforeId }) };
  },
  'flows.count': withFilter('flows.count'),
  'flows.get': (v) => ({ id: int('flows.get', object('flows.get', v, ['id']), 'id', { min: 0 })! }),
  'flows.body': (v) => {
    const c = 'flows.body';
    const o = object(c, v, ['id', 'side', 'decoded']);
    if (o.decoded !== undefined && typeof o.decoded !== 'boolean') bad(c, 'decoded must be true or false.');
    return { id: int(c, o, 'id', { min: 0 })!, side: oneOf(c, o, 'side', ['request', 'response'] as const), decoded: o.decoded !== false };
  },
  'flows.messages': (v) => {
    const c = 'flows.messages';
    const o = object(c, v, ['id', 'afterSeq', 'limit']);
    const afterSeq = int(c, o, 'afterSeq', { min: -1, optional: true });
    return { id: int(c, o, 'id', { min: 0 })!, limit: int(c, o, 'limit', { min: 1, max: MAX_PAGE })!, ...(afterSeq !== undefined && { afterSeq }) };
  },
  'flows.clear': none('flows.clear'),
  'events.list': (v) => ({ limit: int('events.list', object('events.list', v, ['limit']), 'limit', { min: 1, max: MAX_PAGE })! }),
  'stats.get': withFilter('stats.get'),
  'proxy.status': none('proxy.status'),
  'settings.get': none('settings.get'),
  'settings.set': (v) => ({ settings: settingsPatch('settings.set', object('settings.set', v, ['settings']).settings) }),
  'ca.info': none('ca.info'),
  'ca.export': (v) => ({ format: oneOf('ca.export', object('ca.export', v, ['format']), 'format', ['pem', 'der', 'p12'] as const) }),
};

export function validateArgs<N extends CallName>(name: N, args: unknown): ArgsOf<N> {
  return VALIDATORS[name](args) as ArgsOf<N>;
}
