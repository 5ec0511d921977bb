/**
 * The traffic policy of one listener, from the settings and replaced whole when they change:
 * which clients may connect, proxy authentication, block rules, the request body limit and the
 * number of upstream requests in flight. The engine asks it at each step; it never waits on I/O.
 */
import type { ConnectionEvent } from '../../src-shared/model/flow.js';
import type { BlockRule, Settings } from '../../src-shared/model/settings.js';
import { parseFilter } from '../../src-shared/filter/parse.js';
import { requestMatcher, type RequestFacts } from '../../src-shared/filter/match-request.js';
import { IpList } from './ip-list.js';
import { ProxyAuthenticator } from './proxy-auth.js';
import { Semaphore } from './semaphore.js';

export type PolicyEvent = Omit<ConnectionEvent, 'id'>;

/** What the engine does with a request instead of sending it on. */
export type Refusal =
  | { kind: 'respond'; status: number; headers: Record<string, string>; body: string; blockedBy: string | null }
  | { kind: 'close'; blockedBy: string };

interface CompiledRule {
  label: string;
  kind: BlockRule['kind'];
  action: BlockRule['action'];
  matches(request: RequestFacts): boolean;
}

/**
 * The URL expressions of all regex rules as one alternation, which V8 runs in one pass instead of
 * a hundred; null when there are none, or when one uses backreferences or named groups (which
 * would change meaning inside a larger expression).
 */
function combinedUrlRule(rules: BlockRule[]): RegExp | null {
  const patterns = rules.filter((r) => r.kind === 'regex').map((r) => r.pattern);
  if (patterns.length < 2 || patterns.some((p) => /\\[1-9k]|\(\?</.test(p))) return null;
  return new RegExp(patterns.map((p) => `(?:${p})`).join('|'), 'i');
}

function compileRule(rule: BlockRule): CompiledRule {
  const label = `${rule.kind === 'regex' ? 'URL matches' : 'filter'} ${rule.pattern}`;
  if (rule.kind === 'regex') {
    const regex = new RegExp(rule.pattern, 'i');
    return { label, kind: rule.kind, action: rule.action, matches: (r) => regex.test(r.url) };
  }
  const parsed = parseFilter(rule.pattern);
  return { label, kind: rule.kind, action: rule.action, matches: requestMatcher(parsed.ok ? parsed.ast : null) };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function blockedPage(url: string, rule: string): string {
  return `<!doctype html><meta charset="utf-8"><title>Blocked by Flowscope</title>` +
    `<h1>Blocked by Flowscope</h1><p>The request to <code>${escapeHtml(url)}</code> was blocked by the rule <code>${escapeHtml(rule)}</code>.</p>` +
    '<p>Change the block rules in Flowscope\'s Settings to let it through.</p>\n';
}

export interface ClientFacts {
  ip: string | undefined;
  port: number | undefined;
}

export class TrafficPolicy {
  private readonly ips: IpList;
  private readonly auth: ProxyAuthenticator;
  private readonly rules: CompiledRule[];
  private readonly anyUrlRule: RegExp | null;
  /** Connections that authenticated (a CONNECT tunnel, or a plain-HTTP keep-alive connection): logged once. */
  private readonly authenticated = new WeakSet<object>();
  readonly concurrency: Semaphore | null;
  readonly maxRequestBodyBytes: number | null;

  constructor(settings: Settings, private readonly record: (event: PolicyEvent) => void, concurrency?: Semaphore | null) {
    this.ips = new IpList(settings.allowIps, settings.denyIps);
    this.auth = new ProxyAuthenticator(settings.proxyAuth);
    this.rules = settings.blockRules.map(compileRule);
    this.anyUrlRule = combinedUrlRule(settings.blockRules);
    const max = settings.limits.maxConcurrent;
    // The queue outlives a settings change that keeps the same limit, so waiting requests keep their place.
    this.concurrency = max === null ? null : concurrency?.limit === max ? concurrency : new Semaphore(max);
    this.maxRequestBodyBytes = settings.limits.maxRequestBodyBytes;
  }

  get hasBlockRules(): boolean {
    return this.rules.length > 0;
  }

  get restrictsClients(): boolean {
    return this.ips.restricts;
  }

  get requiresAuth(): boolean {
    return this.auth.required;
  }

  /** A new connection: refused ones are recorded as CLIENT_REFUSED events. */
  admitClient(client: ClientFacts): boolean {
    const verdict = this.ips.check(client.ip);
    if (verdict.allowed) return true;
    this.record({ time: Date.now(), type: 'CLIENT_REFUSED', clientIp: client.ip ?? null, clientPort: client.port ?? null, host: null, message: `Refused a connection: ${verdict.reason}` });
    return false;
  }

  /**
   * Proxy authentication of a CONNECT or a plain proxied request. Every failure is logged; a
   * success once per connection (a tunnel carries many requests that need no credential).
   */
  authenticate(header: string | undefined, client: ClientFacts, connection: object, target: string): Refusal | null {
    if (!this.auth.required || this.authenticated.has(connection)) return null;
    const outcome = this.auth.check(header);
    const base = { time: Date.now(), clientIp: client.ip ?? null, clientPort: client.port ?? null, host: target };
    if (outcome.ok) {
      this.authenticated.add(connection);
      this.record({ ...base, type: 'AUTH_SUCCESS', message: `Authenticated${outcome.user ? ` as ${outcome.user}` : ' with the token'} for ${target}.` });
      return null;
    }
    this.record({ ...base, type: 'AUTH_FAILURE', message: `Refused proxy authentication for ${target}: ${outcome.reason}.` });
    return {
      kind: 'respond',
      status: 407,
      headers: { 'proxy-authenticate': this.auth.challenge, 'content-type': 'text/plain; charset=utf-8' },
      body: 'Flowscope requires proxy authentication. Configure the client with the proxy user and password (or token) set in Flowscope.\n',
      blockedBy: null,
    };
  }

  /** The first block rule that matches, as the engine should answer it. */
  block(request: RequestFacts): Refusal | null {
    // One pass of the combined URL expression rules out every regex rule at once, the usual case.
    const skipRegexRules = this.anyUrlRule !== null && !this.anyUrlRule.test(request.url);
    for (const rule of this.rules) {
      if (skipRegexRules && rule.kind === 'regex') continue;
      if (!rule.matches(request)) continue;
      if (rule.action === 'close') return { kind: 'close', blockedBy: rule.label };
      return { kind: 'respond', status: 403, headers: { 'content-type': 'text/html; charset=utf-8' }, body: blockedPage(request.url, rule.label), blockedBy: rule.label };
    }
    return null;
  }

  /** A request body over the limit, by its declared length (bodies without one are counted as they stream). */
  bodyTooLarge(contentLength: string | undefined): Refusal | null {
    const limit = this.maxRequestBodyBytes;
    if (limit === null || contentLength === undefined || !(Number(contentLength) > limit)) return null;
    return this.tooLarge();
  }

  tooLarge(): Extract<Refusal, { kind: 'respond' }> {
    return {
      kind: 'respond',
      status: 413,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: `Flowscope refuses request bodies over ${this.maxRequestBodyBytes} bytes (the maximum request body size in its settings).\n`,
      blockedBy: null,
    };
  }
}
