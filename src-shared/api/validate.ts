/**
 * Argument checks at the boundary: every transport runs the validator of a call before the
 * service sees its arguments, so a script or a compromised page cannot hand it junk.
 */
import type { RawHeaders } from '../model/flow.js';
import { parseUrl, type ParsedUrl } from '../util/web-globals.js';
import type { ArgsOf, CallName } from './contract.js';
import type { ExportQuery, ReplayBatchQuery, ReplayRequest, ReplayTarget } from './types.js';
import { settingsPatch } from './validate-settings.js';
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

const MAX_IDS = 100_000;
/** Imports through the contract carry the file's text; larger files go through the CLI or POST /api/import. */
const MAX_IMPORT_CHARS = 256 * 1024 * 1024;
const MAX_BODY_BASE64 = 64 * 1024 * 1024;
const TOKEN = /^[!#$%&'*+.^_`|~\w-]+$/;

function ids(call: string, o: Obj, key: string): number[] {
  const v = o[key];
  if (!Array.isArray(v) || v.length === 0) bad(call, `${key} must be a list of flow ids, with at least one.`);
  if (v.length > MAX_IDS) bad(call, `${key} may hold at most ${MAX_IDS} ids.`);
  for (const id of v) if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) bad(call, `${key} must hold whole numbers (flow ids).`);
  return v as number[];
}

function bool(call: string, o: Obj, key: string): boolean | undefined {
  const v = o[key];
  if (v !== undefined && typeof v !== 'boolean') bad(call, `${key} must be true or false.`);
  return v as boolean | undefined;
}

/** An http(s) URL, or an origin only. */
function httpUrl(call: string, key: string, value: string): string {
  let url: ParsedUrl;
  try {
    url = parseUrl(value);
  } catch {
    bad(call, `${key} "${value}" is not a URL. Give a full URL such as http://localhost:3000/path, or only an origin such as http://localhost:3000.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') bad(call, `${key} must start with http:// or https://, not ${url.protocol}//.`);
  return value;
}

function target(call: string, value: unknown): ReplayTarget | undefined {
  if (value === undefined) return undefined;
  const o = object(`${call} target`, value, ['targetUrl', 'keepHost']);
  const targetUrl = str(call, o, 'targetUrl', 8_192);
  if (targetUrl === undefined) bad(call, 'target.targetUrl is required.');
  return { targetUrl: httpUrl(call, 'target.targetUrl', targetUrl), keepHost: bool(call, o, 'keepHost') === true };
}

function headers(call: string, value: unknown): RawHeaders {
  if (!Array.isArray(value)) bad(call, 'request.headers must be a list of [name, value] pairs.');
  for (const pair of value) {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') {
      bad(call, 'request.headers must be a list of [name, value] pairs of strings.');
    }
    if (!TOKEN.test(pair[0])) bad(call, `"${pair[0]}" is not a valid header name (letters, digits and !#$%&'*+.^_\`|~- only).`);
    if (/[\r\n\0]/.test(pair[1])) bad(call, `the value of header "${pair[0]}" holds a line break or NUL, which HTTP does not allow.`);
  }
  return value as RawHeaders;
}

function replayRequest(call: string, value: unknown): ReplayRequest {
  const o = object(`${call} request`, value, ['method', 'url', 'headers', 'body']);
  const method = str(call, o, 'method', 64);
  if (method === undefined || !TOKEN.test(method)) bad(call, `request.method must be an HTTP method such as GET or POST.`);
  const url = str(call, o, 'url', 64 * 1024);
  if (url === undefined) bad(call, 'request.url is required.');
  let body: ReplayRequest['body'] = null;
  if (o.body !== undefined && o.body !== null) {
    const b = object(`${call} body`, o.body, ['base64', 'encoded']);
    const base64 = str(call, b, 'base64', MAX_BODY_BASE64);
    if (base64 === undefined || !/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) bad(call, 'request.body.base64 must be base64.');
    body = { base64, encoded: bool(call, b, 'encoded') === true };
  }
  return { method, url: httpUrl(call, 'request.url', url), headers: headers(call, o.headers), body };
}

function exportQuery(call: string, o: Obj): ExportQuery {
  const filter = str(call, o, 'filter');
  return {
    format: oneOf(call, o, 'format', ['har', 'json'] as const),
    redact: bool(call, o, 'redact') === true,
    ...(filter !== undefined && { filter }),
    ...(o.ids !== undefined && { ids: ids(call, o, 'ids') }),
  };
}

function batchQuery(call: string, value: unknown): ReplayBatchQuery {
  const o = object(call, value, ['ids', 'range', 'delayMs', 'target']);
  const delayMs = int(call, o, 'delayMs', { min: 0, max: 3_600_000 })!;
  const query: ReplayBatchQuery = { delayMs };
  const t = target(call, o.target);
  if (t) query.target = t;
  if ((o.ids === undefined) === (o.range === undefined)) bad(call, 'give either ids or range.');
  if (o.ids !== undefined) query.ids = ids(call, o, 'ids');
  else {
    const r = object(`${call} range`, o.range, ['from', 'to']);
    const from = int(call, r, 'from', { min: 0 })!;
    const to = int(call, r, 'to', { min: 0 })!;
    if (to < from) bad(call, `range.to (${to}) is before range.from (${from}).`);
    query.range = { from, to };
  }
  return query;
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
  'flows.delete': (v) => ({ ids: ids('flows.delete', object('flows.delete', v, ['ids']), 'ids') }),
  'replay.send': (v) => {
    const c = 'replay.send';
    const o = object(c, v, ['request', 'replayOf']);
    const replayOf = int(c, o, 'replayOf', { min: 0, optional: true });
    return { request: replayRequest(c, o.request), ...(replayOf !== undefined && { replayOf }) };
  },
  'replay.flow': (v) => {
    const c = 'replay.flow';
    const o = object(c, v, ['id', 'target']);
    const t = target(c, o.target);
    return { id: int(c, o, 'id', { min: 0 })!, ...(t && { target: t }) };
  },
  'replay.batch': (v) => batchQuery('replay.batch', v),
  'replay.cancel': (v) => {
    const batchId = str('replay.cancel', object('replay.cancel', v, ['batchId']), 'batchId', 100);
    if (batchId === undefined) bad('replay.cancel', 'batchId is required.');
    return { batchId };
  },
  'replay.targets': none('replay.targets'),
  'export.save': (v) => {
    const c = 'export.save';
    const o = object(c, v, ['format', 'filter', 'ids', 'redact', 'exportId']);
    const exportId = str(c, o, 'exportId', 100);
    if (exportId === undefined) bad(c, 'exportId is required.');
    return { ...exportQuery(c, o), exportId };
  },
  'import.flows': (v) => {
    const c = 'import.flows';
    const o = object(c, v, ['filename', 'text']);
    const filename = str(c, o, 'filename', 1_000) ?? 'import';
    const text = str(c, o, 'text', MAX_IMPORT_CHARS);
    if (text === undefined) bad(c, 'text (the file\'s content) is required.');
    return { filename, text };
  },
  'events.list': (v) => {
    const c = 'events.list';
    const o = object(c, v, ['limit', 'types']);
    const limit = int(c, o, 'limit', { min: 1, max: MAX_PAGE })!;
    if (o.types === undefined) return { limit };
    const types = ['CLIENT_TLS_ERROR', 'CLIENT_ERROR', 'TLS_PASSTHROUGH', 'AUTH_SUCCESS', 'AUTH_FAILURE', 'CLIENT_REFUSED'] as const;
    if (!Array.isArray(o.types) || o.types.some((t) => !types.includes(t as (typeof types)[number]))) bad(c, `types must be a list of ${types.join(', ')}.`);
    return { limit, types: o.types as Array<(typeof types)[number]> };
  },
  'stats.get': withFilter('stats.get'),
  'proxy.status': none('proxy.status'),
  'settings.get': none('settings.get'),
  'settings.set': (v) => ({ settings: settingsPatch('settings.set', object('settings.set', v, ['settings']).settings) }),
  'ca.info': none('ca.info'),
  'os.status': none('os.status'),
  'systemProxy.set': (v) => {
    const o = object('systemProxy.set', v, ['enabled']);
    if (typeof o.enabled !== 'boolean') bad('systemProxy.set', 'enabled must be true or false.');
    return { enabled: o.enabled };
  },
  'ca.trust.set': (v) => {
    const c = 'ca.trust.set';
    const o = object(c, v, ['store', 'trusted', 'location']);
    if (typeof o.trusted !== 'boolean') bad(c, 'trusted must be true or false.');
    const location = str(c, o, 'location', 4_096);
    return { store: oneOf(c, o, 'store', ['system', 'nss'] as const), trusted: o.trusted, ...(location !== undefined && { location }) };
  },
  'ca.regenerate': none('ca.regenerate'),
  'browser.open': (v) => {
    const c = 'browser.open';
    const o = object(c, v, ['id', 'url']);
    const url = str(c, o, 'url', 8_192);
    return { id: oneOf(c, o, 'id', ['chrome', 'chromium', 'edge', 'brave', 'firefox'] as const), ...(url !== undefined && { url: httpUrl(c, 'url', url) }) };
  },
  'terminal.open': none('terminal.open'),
  'ca.export': (v) => ({ format: oneOf('ca.export', object('ca.export', v, ['format']), 'format', ['pem', 'der', 'p12'] as const) }),
};

/** The query of GET /api/export.har and /api/export.json, checked like a call's arguments. */
export function validateExportQuery(value: unknown): ExportQuery {
  return exportQuery('export', object('export', value, ['format', 'filter', 'ids', 'redact']));
}

export function validateArgs<N extends CallName>(name: N, args: unknown): ArgsOf<N> {
  return VALIDATORS[name](args) as ArgsOf<N>;
}
