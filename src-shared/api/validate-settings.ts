/**
 * Checks a settings patch (settings.set, settings.json, serve flags): every value is checked here
 * once, with a message that says what is wrong, before anything is saved or applied.
 */
import { parseFilter } from '../filter/parse.js';
import { isHostPattern, parseIpRange, parseMode } from '../model/policy-values.js';
import type { BlockRule, Limits, ProxyAuth, Settings, Watch } from '../model/settings.js';
import { parseUrl } from '../util/web-globals.js';
import { ApiError } from './errors.js';

type Obj = Record<string, unknown>;

/** Proxy authentication as a patch may give it: a new password or token in clear, hashed before it is stored. */
export type ProxyAuthInput = ProxyAuth | { type: 'basic'; user: string; password: string } | { type: 'bearer'; token: string };

export type SettingsPatch = Partial<Omit<Settings, 'proxyAuth'>> & { proxyAuth?: ProxyAuthInput };

const KEYS = [
  'proxyHost', 'proxyPort', 'maxBodySize', 'retention', 'modes', 'keepHostHeader', 'upstreamProxies', 'upstreamRotation',
  'tlsPassthroughHosts', 'tlsInterceptOnlyHosts', 'blockRules', 'proxyAuth', 'allowIps', 'denyIps', 'limits', 'llmHosts',
  'watches', 'logDir',
] as const satisfies ReadonlyArray<keyof Settings>;

const MAX_LIST = 1_000;

class Checker {
  constructor(private readonly call: string) {}

  bad(message: string): never {
    throw new ApiError('BAD_ARGUMENT', `${this.call}: ${message}`);
  }

  object(value: unknown, what: string, allowed: readonly string[]): Obj {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.bad(`${what} must be an object.`);
    for (const key of Object.keys(value)) if (!allowed.includes(key)) this.bad(`${what} has an unknown field "${key}" (takes ${allowed.join(', ')}).`);
    return value as Obj;
  }

  string(value: unknown, what: string, max = 4_096): string {
    if (typeof value !== 'string' || value.length === 0) this.bad(`${what} must be a non-empty string.`);
    if (value.length > max) this.bad(`${what} is longer than ${max} characters.`);
    return value;
  }

  bool(value: unknown, what: string): boolean {
    if (typeof value !== 'boolean') this.bad(`${what} must be true or false.`);
    return value;
  }

  int(value: unknown, what: string, min: number, max: number): number {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) this.bad(`${what} must be a whole number.`);
    if (value < min) this.bad(`${what} must be at least ${min}.`);
    if (value > max) this.bad(`${what} must be at most ${max}.`);
    return value;
  }

  nullableInt(value: unknown, what: string, min: number, max: number): number | null {
    return value === null ? null : this.int(value, `${what} (or null for none)`, min, max);
  }

  list<T>(value: unknown, what: string, item: (v: unknown, what: string) => T): T[] {
    if (!Array.isArray(value)) this.bad(`${what} must be a list.`);
    if (value.length > MAX_LIST) this.bad(`${what} may hold at most ${MAX_LIST} entries.`);
    return value.map((v, i) => item(v, `${what}[${i}]`));
  }

  wrap<T>(what: string, parse: () => T): T {
    try {
      return parse();
    } catch (error) {
      return this.bad(`${what}: ${(error as Error).message}`);
    }
  }
}

function hostPattern(c: Checker) {
  return (v: unknown, what: string) => {
    const host = c.string(v, what, 255);
    if (!isHostPattern(host)) c.bad(`${what} "${host}" is not a host name, *.domain pattern or IP address.`);
    return host.toLowerCase();
  };
}

function blockRule(c: Checker, v: unknown, what: string): BlockRule {
  const o = c.object(v, what, ['pattern', 'kind', 'action']);
  const kind = o.kind ?? 'regex';
  if (kind !== 'regex' && kind !== 'filter') c.bad(`${what}.kind must be regex or filter.`);
  const action = o.action ?? 'deny';
  if (action !== 'deny' && action !== 'close') c.bad(`${what}.action must be deny (answer 403) or close (drop the connection).`);
  const pattern = c.string(o.pattern, `${what}.pattern`, 2_000);
  if (kind === 'regex') c.wrap(`${what}.pattern`, () => new RegExp(pattern, 'i'));
  else {
    const parsed = parseFilter(pattern);
    if (!parsed.ok) c.bad(`${what}.pattern: ${parsed.error.message}`);
  }
  return { pattern, kind, action };
}

const HASH = /^scrypt\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/;

function proxyAuth(c: Checker, v: unknown): ProxyAuthInput {
  const o = c.object(v, 'proxyAuth', ['type', 'user', 'password', 'passwordHash', 'token', 'tokenHash']);
  if (o.type === 'none') return { type: 'none' };
  if (o.type === 'basic') {
    const user = c.string(o.user, 'proxyAuth.user', 200);
    if (user.includes(':')) c.bad('proxyAuth.user cannot contain ":" (Basic authentication separates user and password with it).');
    if (o.passwordHash !== undefined) {
      if (typeof o.passwordHash !== 'string' || !HASH.test(o.passwordHash)) c.bad('proxyAuth.passwordHash is not a hash Flowscope wrote.');
      return { type: 'basic', user, passwordHash: o.passwordHash };
    }
    return { type: 'basic', user, password: c.string(o.password, 'proxyAuth.password', 1_000) };
  }
  if (o.type === 'bearer') {
    if (o.tokenHash !== undefined) {
      if (typeof o.tokenHash !== 'string' || !HASH.test(o.tokenHash)) c.bad('proxyAuth.tokenHash is not a hash Flowscope wrote.');
      return { type: 'bearer', tokenHash: o.tokenHash };
    }
    return { type: 'bearer', token: c.string(o.token, 'proxyAuth.token', 4_000) };
  }
  return c.bad('proxyAuth.type must be none, basic or bearer.');
}

function limits(c: Checker, v: unknown): Limits {
  const o = c.object(v, 'limits', ['maxConcurrent', 'connectTimeoutSeconds', 'idleTimeoutSeconds', 'maxRequestBodyBytes']);
  const day = 86_400;
  return {
    maxConcurrent: c.nullableInt(o.maxConcurrent ?? null, 'limits.maxConcurrent', 1, 100_000),
    connectTimeoutSeconds: c.nullableInt(o.connectTimeoutSeconds ?? null, 'limits.connectTimeoutSeconds', 1, day),
    idleTimeoutSeconds: c.nullableInt(o.idleTimeoutSeconds ?? null, 'limits.idleTimeoutSeconds', 1, day),
    maxRequestBodyBytes: c.nullableInt(o.maxRequestBodyBytes ?? null, 'limits.maxRequestBodyBytes', 1, 2 ** 40),
  };
}

function watch(c: Checker, v: unknown, what: string): Watch {
  const o = c.object(v, what, ['id', 'name', 'filter', 'collectUrls']);
  const filter = c.string(o.filter, `${what}.filter`, 2_000);
  const parsed = parseFilter(filter);
  if (!parsed.ok) c.bad(`${what}.filter: ${parsed.error.message}`);
  return { id: c.string(o.id, `${what}.id`, 100), name: c.string(o.name, `${what}.name`, 200), filter, collectUrls: o.collectUrls === true };
}

function upstreamProxy(c: Checker, v: unknown, what: string): string {
  const text = c.string(v, what, 2_000);
  const url = c.wrap(what, () => parseUrl(text));
  if (!['http:', 'https:', 'socks:', 'socks4:', 'socks4a:', 'socks5:', 'socks5h:'].includes(url.protocol)) {
    c.bad(`${what} "${url.protocol}//..." is not a proxy Flowscope can use: http://, https://, socks4:// or socks5://.`);
  }
  if (!url.port && url.protocol.startsWith('socks')) c.bad(`${what} needs a port, e.g. socks5://127.0.0.1:1080.`);
  return text;
}

/** Checks a patch; unknown fields and bad values throw ApiError BAD_ARGUMENT naming the field. */
export function settingsPatch(call: string, value: unknown): SettingsPatch {
  const c = new Checker(call);
  const o = c.object(value ?? {}, 'settings', KEYS);
  const patch: SettingsPatch = {};
  if (o.proxyHost !== undefined) {
    const host = c.string(o.proxyHost, 'proxyHost', 255);
    if (!/^[\w.:-]+$/.test(host)) c.bad(`proxyHost "${host}" is not a host name or IP address.`);
    patch.proxyHost = host;
  }
  if (o.proxyPort !== undefined) patch.proxyPort = c.int(o.proxyPort, 'proxyPort', 1, 65_535);
  if (o.maxBodySize !== undefined) patch.maxBodySize = c.int(o.maxBodySize, 'maxBodySize', 0, 256 * 1024 * 1024);
  if (o.retention !== undefined) {
    const r = c.object(o.retention, 'retention', ['maxFlows', 'maxAgeDays', 'maxDbMegabytes']);
    const cap = (key: string) => {
      if (r[key] === undefined) c.bad(`retention.${key} must be a whole number of 1 or more, or null for no cap.`);
      return c.nullableInt(r[key], `retention.${key}`, 1, Number.MAX_SAFE_INTEGER);
    };
    patch.retention = { maxFlows: cap('maxFlows'), maxAgeDays: cap('maxAgeDays'), maxDbMegabytes: cap('maxDbMegabytes') };
  }
  if (o.modes !== undefined) {
    const modes = c.list(o.modes, 'modes', (v, what) => c.string(v, what, 2_000));
    if (modes.length === 0) c.bad('modes needs at least one mode (regular, or reverse:URL).');
    const ports = modes.map((mode, i) => c.wrap(`modes[${i}]`, () => parseMode(mode)).port ?? 'the proxy port');
    const twice = ports.find((port, i) => port !== 0 && ports.indexOf(port) !== i);
    if (twice !== undefined) c.bad(`two modes listen on ${twice}; give each its own port with @PORT.`);
    patch.modes = modes;
  }
  if (o.keepHostHeader !== undefined) patch.keepHostHeader = c.bool(o.keepHostHeader, 'keepHostHeader');
  if (o.upstreamProxies !== undefined) patch.upstreamProxies = c.list(o.upstreamProxies, 'upstreamProxies', (v, w) => upstreamProxy(c, v, w));
  if (o.upstreamRotation !== undefined) {
    if (o.upstreamRotation !== 'round-robin' && o.upstreamRotation !== 'random') c.bad('upstreamRotation must be round-robin or random.');
    patch.upstreamRotation = o.upstreamRotation as Settings['upstreamRotation'];
  }
  if (o.tlsPassthroughHosts !== undefined) patch.tlsPassthroughHosts = c.list(o.tlsPassthroughHosts, 'tlsPassthroughHosts', hostPattern(c));
  if (o.tlsInterceptOnlyHosts !== undefined) patch.tlsInterceptOnlyHosts = c.list(o.tlsInterceptOnlyHosts, 'tlsInterceptOnlyHosts', hostPattern(c));
  if (o.blockRules !== undefined) patch.blockRules = c.list(o.blockRules, 'blockRules', (v, w) => blockRule(c, v, w));
  if (o.proxyAuth !== undefined) patch.proxyAuth = proxyAuth(c, o.proxyAuth);
  for (const key of ['allowIps', 'denyIps'] as const) {
    if (o[key] !== undefined) patch[key] = c.list(o[key], key, (v, w) => c.wrap(w, () => parseIpRange(c.string(v, w, 100))) && (v as string).trim());
  }
  if (o.limits !== undefined) patch.limits = limits(c, o.limits);
  if (o.llmHosts !== undefined) patch.llmHosts = c.list(o.llmHosts, 'llmHosts', hostPattern(c));
  if (o.watches !== undefined) patch.watches = c.list(o.watches, 'watches', (v, w) => watch(c, v, w));
  if (o.logDir !== undefined) patch.logDir = o.logDir === null ? null : c.string(o.logDir, 'logDir');
  if ((patch.tlsPassthroughHosts?.length ?? 0) > 0 && (patch.tlsInterceptOnlyHosts?.length ?? 0) > 0) {
    c.bad('give either tlsPassthroughHosts (decrypt all but these) or tlsInterceptOnlyHosts (decrypt only these), not both.');
  }
  return patch;
}
