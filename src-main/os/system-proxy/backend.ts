/**
 * One place the OS keeps a proxy setting (GNOME, KDE, the Windows registry, one macOS network
 * service), and the address helpers they share. Each backend reads its state as plain JSON, so
 * the facade can snapshot it to disk and hand it back to restore.
 */

export interface Endpoint {
  host: string;
  port: number;
}

/** Where the HTTP and HTTPS traffic of a setting goes; null where it goes direct. */
export interface ProxyTargets {
  http: Endpoint | null;
  https: Endpoint | null;
}

export interface BackendDefinition<S> {
  /** Key in the snapshot: 'gnome', 'kde', 'windows', 'networksetup:Wi-Fi'. */
  id: string;
  /** Said to a person: 'GNOME', 'KDE', 'Windows Internet Settings', 'Wi-Fi'. */
  label: string;
  /** A macOS network service name, or null. */
  service: string | null;
  isState(value: unknown): value is S;
  read(): Promise<S>;
  targets(state: S): ProxyTargets;
  describe(state: S): string;
  /** Points this setting at Flowscope. Returns notes for the person (never fatal problems). */
  enable(proxy: Endpoint, current: S): Promise<string[]>;
  /** Puts `saved` back, given what is set now. */
  restore(saved: S, current: S): Promise<string[]>;
  /** Turns the proxy off when no snapshot says what was there before. */
  turnOff(current: S): Promise<string[]>;
}

/** A backend whose states are opaque to the facade: it only stores them and hands them back. */
export interface ProxyBackend {
  id: string;
  label: string;
  service: string | null;
  read(): Promise<unknown>;
  targets(state: unknown): ProxyTargets;
  describe(state: unknown): string;
  enable(proxy: Endpoint, current: unknown): Promise<string[]>;
  restore(saved: unknown, current: unknown): Promise<string[]>;
  turnOff(current: unknown): Promise<string[]>;
}

export function defineBackend<S>(def: BackendDefinition<S>): ProxyBackend {
  // The snapshot is a file on disk: a saved state is checked before it is used.
  const check = (state: unknown): S => {
    if (!def.isState(state)) throw new Error(`The saved ${def.label} proxy settings are not in the form Flowscope wrote them; set the proxy by hand.`);
    return state;
  };
  return {
    id: def.id,
    label: def.label,
    service: def.service,
    read: () => def.read(),
    targets: (state) => def.targets(check(state)),
    describe: (state) => def.describe(check(state)),
    enable: (proxy, current) => def.enable(proxy, check(current)),
    restore: (saved, current) => def.restore(check(saved), check(current)),
    turnOff: (current) => def.turnOff(check(current)),
  };
}

/** The host to give the OS: a proxy listening on every interface is reached on loopback. */
export function osEndpoint(proxy: Endpoint): Endpoint {
  const any = proxy.host === '' || proxy.host === '0.0.0.0' || proxy.host === '::' || proxy.host === '[::]';
  return { host: any ? '127.0.0.1' : proxy.host, port: proxy.port };
}

function hostKey(host: string): string {
  const bare = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  // Every spelling of this machine is the same Flowscope.
  return bare === 'localhost' || bare === '::1' || bare === '0.0.0.0' || bare === '::' || /^127\./.test(bare) ? 'loopback' : bare;
}

export function sameEndpoint(a: Endpoint, b: Endpoint): boolean {
  return a.port === b.port && hostKey(a.host) === hostKey(b.host);
}

export function isOneOf(endpoint: Endpoint | null, list: Endpoint[]): boolean {
  return endpoint !== null && list.some((other) => sameEndpoint(endpoint, other));
}

/** "host:port", with IPv6 hosts in brackets. */
export function hostPort({ host, port }: Endpoint): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Reads "host:port", "[::1]:8080", "http://host:port/" (the scheme is dropped). */
export function parseHostPort(text: string): Endpoint | null {
  const bare = text.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/.*$/, '');
  const match = /^\[([^\]]+)\]:(\d+)$/.exec(bare) ?? /^([^:\s]+):(\d+)$/.exec(bare);
  if (!match?.[1] || !match[2]) return null;
  const port = Number(match[2]);
  return port > 0 && port < 65536 ? { host: match[1], port } : null;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
