/** What a user can change in the Settings view (and with `flowscope serve` flags). */

/** A rule that stops requests before they reach an upstream. */
export interface BlockRule {
  /** A regular expression on the full URL (`kind: 'regex'`), or a filter-language expression. */
  pattern: string;
  kind: 'regex' | 'filter';
  /** 'deny': answer 403 with a short page; 'close': drop the connection without an answer. */
  action: 'deny' | 'close';
}

/** Proxy authentication. Secrets are kept only as salted scrypt hashes ("scrypt$salt$hash"). */
export type ProxyAuth =
  | { type: 'none' }
  | { type: 'basic'; user: string; passwordHash: string }
  | { type: 'bearer'; tokenHash: string };

/** A saved filter pinned in the side panel. */
export interface Watch {
  id: string;
  name: string;
  filter: string;
  /** Collect the unique URLs of matching flows and rank them (best URL first). */
  collectUrls: boolean;
}

export interface Limits {
  /** Upstream requests in flight at most; more wait their turn. */
  maxConcurrent: number | null;
  /** Seconds to connect to an upstream (or upstream proxy) before the client gets 504. */
  connectTimeoutSeconds: number | null;
  /** Seconds an upstream may stay silent (no response headers) before the client gets 504. */
  idleTimeoutSeconds: number | null;
  /** Request bodies larger than this are refused with 413. */
  maxRequestBodyBytes: number | null;
}

export interface Settings {
  /** Address the proxy listens on. 127.0.0.1 unless the user asks otherwise. */
  proxyHost: string;
  proxyPort: number;
  /** Bodies and WebSocket payloads are stored up to this many bytes each. */
  maxBodySize: number;
  /** Background caps on the store; null means no cap. */
  retention: {
    maxFlows: number | null;
    maxAgeDays: number | null;
    maxDbMegabytes: number | null;
  };
  /**
   * Listeners, mitmproxy style: "regular" (a forward proxy) and "reverse:URL" (everything to that
   * backend), each optionally "@PORT"; without a port a mode takes proxyPort.
   */
  modes: string[];
  /** Reverse mode: send the client's Host header on to the backend instead of the backend's own. */
  keepHostHeader: boolean;
  /** Upstream proxies (http://, https://, socks5://; credentials in the URL): traffic goes through them. */
  upstreamProxies: string[];
  upstreamRotation: 'round-robin' | 'random';
  /** Host patterns (example.com, *.example.com) whose TLS is relayed untouched, not decrypted. */
  tlsPassthroughHosts: string[];
  /** When set, only these hosts are decrypted; all other TLS is relayed untouched. */
  tlsInterceptOnlyHosts: string[];
  blockRules: BlockRule[];
  proxyAuth: ProxyAuth;
  /** Client addresses (IPs or CIDR ranges) allowed to use the proxy; empty: everyone. */
  allowIps: string[];
  /** Client addresses refused, checked before the allow list. */
  denyIps: string[];
  limits: Limits;
  /** Hosts to classify as LLM traffic besides the well-known APIs. */
  llmHosts: string[];
  watches: Watch[];
  /** Also append every flow as a JSON line to a dated file in this folder (null: off). */
  logDir: string | null;
}

export const DEFAULT_SETTINGS: Settings = {
  proxyHost: '127.0.0.1',
  proxyPort: 8080,
  maxBodySize: 1024 * 1024,
  retention: { maxFlows: null, maxAgeDays: null, maxDbMegabytes: null },
  modes: ['regular'],
  keepHostHeader: false,
  upstreamProxies: [],
  upstreamRotation: 'round-robin',
  tlsPassthroughHosts: [],
  tlsInterceptOnlyHosts: [],
  blockRules: [],
  proxyAuth: { type: 'none' },
  allowIps: [],
  denyIps: [],
  limits: { maxConcurrent: null, connectTimeoutSeconds: null, idleTimeoutSeconds: null, maxRequestBodyBytes: null },
  llmHosts: [],
  watches: [],
  logDir: null,
};
