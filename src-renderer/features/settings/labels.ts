/** What each setting is called on screen, and how a service message naming it reads next to its field. */

export type NumberField =
  | 'proxyPort' | 'maxBodySize' | 'maxFlows' | 'maxAgeDays' | 'maxDbMegabytes'
  | 'maxConcurrent' | 'connectTimeoutSeconds' | 'idleTimeoutSeconds' | 'maxRequestBodyBytes';

export const LABELS = {
  proxyHost: 'Proxy address',
  proxyPort: 'Proxy port',
  maxBodySize: 'Body size cap (bytes)',
  maxFlows: 'Keep at most (flows)',
  maxAgeDays: 'Delete flows older than (days)',
  maxDbMegabytes: 'Keep the store under (MB)',
  modes: 'Modes',
  keepHostHeader: 'Keep the Host header',
  upstreamProxies: 'Upstream proxies',
  upstreamRotation: 'Rotation',
  tlsHosts: 'Hosts',
  authType: 'Proxy authentication',
  authUser: 'User',
  authPassword: 'Password',
  authToken: 'Token',
  allowIps: 'Allowed clients',
  denyIps: 'Refused clients',
  maxConcurrent: 'Requests in flight at most',
  connectTimeoutSeconds: 'Connect timeout (s)',
  idleTimeoutSeconds: 'Idle timeout (s)',
  maxRequestBodyBytes: 'Largest request body (bytes)',
  llmHosts: 'LLM hosts',
  logDir: 'Log folder',
} as const;

export type Field = keyof typeof LABELS;

/** The settings key behind a form field, for "set by a command-line flag". */
export const SETTING_OF: Partial<Record<Field, string>> = {
  maxFlows: 'retention', maxAgeDays: 'retention', maxDbMegabytes: 'retention',
  tlsHosts: 'tlsPassthroughHosts', authType: 'proxyAuth', authUser: 'proxyAuth', authPassword: 'proxyAuth', authToken: 'proxyAuth',
  maxConcurrent: 'limits', connectTimeoutSeconds: 'limits', idleTimeoutSeconds: 'limits', maxRequestBodyBytes: 'limits',
};

const AUTH_PARTS: Record<string, Field> = { user: 'authUser', password: 'authPassword', passwordHash: 'authPassword', token: 'authToken', tokenHash: 'authToken', type: 'authType' };

/**
 * The field a service message is about (the checker starts it with the setting's path, e.g.
 * "settings.set: allowIps[1]: ..."), said with the field's label: "Allowed clients, line 2: ...".
 */
export function serviceError(message: string): Partial<Record<string, string>> {
  const text = message.replace(/^settings\.set:\s*/, '').replace(/ \(or null for none\)/, ' (or empty for none)');
  const rule = /^blockRules\[(\d+)\](?:\.(\w+))?:?\s*/.exec(text);
  if (rule) {
    const part = rule[2] ? `${rule[2][0]!.toUpperCase()}${rule[2].slice(1)}: ` : '';
    return { [`blockRules.${rule[1]}`]: `${part}${text.slice(rule[0].length)}` };
  }
  const auth = /^proxyAuth(?:\.(\w+))?/.exec(text);
  if (auth) {
    const field = AUTH_PARTS[auth[1] ?? 'type'] ?? 'authType';
    return { [field]: text.replace(auth[0], LABELS[field]) };
  }
  if (/tlsPassthroughHosts|tlsInterceptOnlyHosts/.test(text)) {
    return { tlsHosts: text.replace(/^(tlsPassthroughHosts|tlsInterceptOnlyHosts)\[(\d+)\]/, (_, _k, i: string) => `Line ${Number(i) + 1}`) };
  }
  if (/^two modes/.test(text)) return { modes: text[0]!.toUpperCase() + text.slice(1) };
  const path = /^(?:limits\.|retention\.)?(\w+)(?:\[(\d+)\])?/.exec(text);
  const key = path?.[1];
  if (!path || !key || !(key in LABELS)) return { form: text };
  const field = key as Field;
  const where = path[2] === undefined ? LABELS[field] : `${LABELS[field]}, line ${Number(path[2]) + 1}`;
  return { [field]: `${where}${text.slice(path[0].length)}` };
}
