/**
 * The system proxy toggle: one call points the OS proxy at Flowscope, one puts the user's settings
 * back. Before anything changes, the settings are saved to <dataDir>/system-proxy-snapshot.json;
 * they are put back on turning off, on quit, and at the next start after a crash, but only where
 * the OS still points at Flowscope: a setting the user changed since is theirs and stays.
 */
import { hostPort, isOneOf, osEndpoint, type Endpoint, type ProxyBackend } from './backend.js';
import { defaultSystemProxyDeps, type SystemProxyDeps } from './deps.js';
import { gnomeBackend, hasGnomeProxySettings } from './gnome.js';
import { kdeBackend, kioslavercPath } from './kde.js';
import { enabledNetworkServices, macServiceBackend } from './macos.js';
import { readSnapshot, removeSnapshot, snapshotPath, writeSnapshot, type Snapshot } from './snapshot.js';
import { windowsBackend } from './windows.js';

export { defaultSystemProxyDeps, type SystemProxyDeps } from './deps.js';
export type { Endpoint } from './backend.js';

export interface SystemProxyStatus {
  supported: boolean;
  /** Every OS setting found points at Flowscope. */
  enabled: boolean;
  /** What the OS uses now, said for a person; null where nothing can be read. */
  current: string | null;
  /** Where the setting lives: ['gnome', 'kde'], ['windows'] or ['networksetup: Wi-Fi, Ethernet']. */
  backends: string[];
  /** Flowscope changed the setting and has not put the user's back yet. */
  snapshotPending: boolean;
  /** Where the system proxy cannot be set: how to point programs at Flowscope instead. */
  manualSteps: string | null;
}

/** No setting Flowscope knows how to change on this system. */
export class SystemProxyUnsupportedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SystemProxyUnsupportedError';
  }
}

async function findBackends(deps: SystemProxyDeps): Promise<ProxyBackend[]> {
  if (deps.platform === 'darwin') return (await enabledNetworkServices(deps)).map((service) => macServiceBackend(deps, service));
  if (deps.platform === 'win32') return [windowsBackend(deps)];
  const found: ProxyBackend[] = [];
  if (await hasGnomeProxySettings(deps)) found.push(gnomeBackend(deps));
  if (deps.exists(kioslavercPath(deps))) found.push(kdeBackend(deps));
  return found;
}

function backendNames(backends: ProxyBackend[]): string[] {
  const services = backends.flatMap((backend) => (backend.service === null ? [] : [backend.service]));
  const others = backends.filter((backend) => backend.service === null).map((backend) => backend.id);
  return services.length > 0 ? [...others, `networksetup: ${services.join(', ')}`] : others;
}

function manualSteps(deps: SystemProxyDeps, proxy: Endpoint): string {
  const where = deps.platform === 'linux'
    ? `Neither GNOME's proxy settings (gsettings) nor KDE's (${kioslavercPath(deps)}) were found here`
    : 'No network setting was found that Flowscope can change here';
  const url = `http://${hostPort(proxy)}`;
  return `${where}. Point programs at Flowscope yourself: \`export HTTP_PROXY=${url} HTTPS_PROXY=${url}\` in a terminal, or start one with \`flowscope run -- <command>\`.`;
}

/** One after another: the commands run in a fixed order, and the OS is not asked twice at once. */
async function readAll(backends: ProxyBackend[]): Promise<unknown[]> {
  const states: unknown[] = [];
  for (const backend of backends) states.push(await backend.read());
  return states;
}

const pointsAt = (backend: ProxyBackend, state: unknown, ours: Endpoint[]) => {
  const { http, https } = backend.targets(state);
  return isOneOf(http, ours) && isOneOf(https, ours);
};

/**
 * Any part still at Flowscope counts as Flowscope's to put back: left alone, it would send traffic
 * to a port nothing listens on once Flowscope is gone.
 */
const touches = (backend: ProxyBackend, state: unknown, ours: Endpoint[]) => {
  const { http, https } = backend.targets(state);
  return isOneOf(http, ours) || isOneOf(https, ours);
};

/** A proxy the user already had becomes Flowscope's upstream, so their traffic still leaves through it. */
function upstreamOf(backend: ProxyBackend, state: unknown, ours: Endpoint[]): string | null {
  const { http, https } = backend.targets(state);
  const candidate = http ?? https;
  // Flowscope as its own upstream would send every request round in a loop.
  return candidate && !isOneOf(candidate, ours) ? `http://${hostPort(candidate)}` : null;
}

export async function systemProxyStatus(proxy: Endpoint, dataDir: string, deps: SystemProxyDeps = defaultSystemProxyDeps()): Promise<SystemProxyStatus> {
  const endpoint = osEndpoint(proxy);
  const snapshotPending = deps.exists(snapshotPath(dataDir));
  const backends = await findBackends(deps);
  if (backends.length === 0) {
    return { supported: false, enabled: false, current: null, backends: [], snapshotPending, manualSteps: manualSteps(deps, endpoint) };
  }
  const states = await readAll(backends);
  const enabled = backends.every((backend, index) => pointsAt(backend, states[index], [endpoint]));
  const current = enabled
    ? `Flowscope (${hostPort(endpoint)})`
    : backends.map((backend, index) => `${backend.label}: ${backend.describe(states[index])}`).join('; ');
  return { supported: true, enabled, current, backends: backendNames(backends), snapshotPending, manualSteps: null };
}

export async function enableSystemProxy(proxy: Endpoint, dataDir: string, deps: SystemProxyDeps = defaultSystemProxyDeps()): Promise<{ message: string; adoptedUpstream: string | null }> {
  const endpoint = osEndpoint(proxy);
  const backends = await findBackends(deps);
  if (backends.length === 0) throw new SystemProxyUnsupportedError(`Flowscope cannot set the system proxy on this system. ${manualSteps(deps, endpoint)}`);
  const states = await readAll(backends);

  // Turned on twice (or again after a crash): the first snapshot holds the user's own settings.
  const snapshot: Snapshot = readSnapshot(dataDir, deps) ?? { version: 1, savedAt: new Date().toISOString(), proxies: [], saved: {} };
  if (!isOneOf(endpoint, snapshot.proxies)) snapshot.proxies.push(endpoint);
  backends.forEach((backend, index) => {
    if (!(backend.id in snapshot.saved) && !touches(backend, states[index], snapshot.proxies)) {
      snapshot.saved[backend.id] = { label: backend.label, state: states[index] };
    }
  });
  writeSnapshot(dataDir, snapshot, deps);

  const notes: string[] = [];
  try {
    for (const [index, backend] of backends.entries()) {
      if (!pointsAt(backend, states[index], [endpoint])) notes.push(...(await backend.enable(endpoint, states[index])));
    }
  } catch (error) {
    // Half a proxy setting is worse than none: put back what the snapshot holds, then report.
    const undone = await putBack(proxy, dataDir, deps).then(
      () => 'Flowscope put your earlier settings back.',
      (undoError: unknown) => `Putting your earlier settings back failed too: ${undoError instanceof Error ? undoError.message : String(undoError)}`,
    );
    if (error instanceof Error) error.message += `\n${undone}`;
    throw error;
  }
  const adoptedUpstream = backends
    .map((backend) => (backend.id in snapshot.saved ? upstreamOf(backend, snapshot.saved[backend.id]?.state, snapshot.proxies) : null))
    .find((upstream) => upstream !== null) ?? null;
  const message = [
    `The system proxy points at Flowscope (${hostPort(endpoint)}) in ${backends.map((backend) => backend.label).join(', ')}.`,
    ...(adoptedUpstream ? [`Your earlier proxy ${adoptedUpstream} is Flowscope's upstream now, so traffic still leaves through it.`] : []),
    ...notes,
  ].join(' ');
  return { message, adoptedUpstream };
}

/** Puts back what the snapshot saved where the OS still points at Flowscope, then drops the snapshot. */
async function putBack(proxy: Endpoint, dataDir: string, deps: SystemProxyDeps): Promise<string> {
  const endpoint = osEndpoint(proxy);
  const snapshot = readSnapshot(dataDir, deps);
  const ours = [endpoint, ...(snapshot?.proxies ?? [])];
  const remaining = { ...snapshot?.saved };
  const restored: string[] = [];
  const turnedOff: string[] = [];
  const leftAlone: string[] = [];
  const notes: string[] = [];
  try {
    for (const backend of await findBackends(deps)) {
      const saved = remaining[backend.id];
      const current = await backend.read();
      if (!touches(backend, current, ours)) {
        if (saved) leftAlone.push(`${backend.label} (now ${backend.describe(current)})`);
      } else if (saved) {
        notes.push(...(await backend.restore(saved.state, current)));
        restored.push(`${backend.label} (${backend.describe(saved.state)})`);
      } else {
        // Pointing at Flowscope with nothing saved (the snapshot was deleted): off is all that is known.
        notes.push(...(await backend.turnOff(current)));
        turnedOff.push(backend.label);
      }
      delete remaining[backend.id];
    }
  } catch (error) {
    // What was not put back yet stays saved for the next try.
    if (snapshot) writeSnapshot(dataDir, { ...snapshot, saved: remaining }, deps);
    throw error;
  }
  removeSnapshot(dataDir, deps);
  const gone = Object.values(remaining).map((saved) => saved.label);
  const said = [
    ...(restored.length > 0 ? [`Put back your earlier proxy settings: ${restored.join(', ')}.`] : []),
    ...(turnedOff.length > 0 ? [`Turned the proxy off in ${turnedOff.join(', ')} (there was no record of what was set before).`] : []),
    ...(leftAlone.length > 0 ? [`Left yours alone where it was changed after Flowscope set it: ${leftAlone.join(', ')}.`] : []),
    ...(gone.length > 0 ? [`No longer here, so nothing to put back: ${gone.join(', ')}.`] : []),
    ...notes,
  ];
  return said.length > 0 ? said.join(' ') : 'The system proxy did not point at Flowscope; nothing was changed.';
}

export async function disableSystemProxy(proxy: Endpoint, dataDir: string, deps: SystemProxyDeps = defaultSystemProxyDeps()): Promise<{ message: string }> {
  return { message: await putBack(proxy, dataDir, deps) };
}

/** At start-up: a snapshot left on disk means Flowscope quit without putting the settings back. Null when there is none. */
export async function restoreAfterCrash(proxy: Endpoint, dataDir: string, deps: SystemProxyDeps = defaultSystemProxyDeps()): Promise<{ message: string } | null> {
  if (!deps.exists(snapshotPath(dataDir))) return null;
  return { message: `Flowscope did not get to turn the system proxy off last time. ${await putBack(proxy, dataDir, deps)}` };
}
