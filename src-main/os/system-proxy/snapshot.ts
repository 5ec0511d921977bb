/**
 * The user's proxy settings as they were before Flowscope changed them, on disk: a snapshot still
 * there at start-up means Flowscope quit without putting them back.
 */
import path from 'node:path';
import { isRecord, type Endpoint } from './backend.js';
import type { SystemProxyDeps } from './deps.js';

export const SNAPSHOT_FILE = 'system-proxy-snapshot.json';

export interface SavedSetting {
  label: string;
  /** The backend's own state, checked by the backend when it is handed back. */
  state: unknown;
}

export interface Snapshot {
  version: 1;
  savedAt: string;
  /** Every address Flowscope set while this snapshot was open (the port can change between runs). */
  proxies: Endpoint[];
  /** By backend id. */
  saved: Record<string, SavedSetting>;
}

export const snapshotPath = (dataDir: string) => path.join(dataDir, SNAPSHOT_FILE);

function isSnapshot(value: unknown): value is Snapshot {
  return isRecord(value) && value.version === 1 && typeof value.savedAt === 'string'
    && Array.isArray(value.proxies) && value.proxies.every((p) => isRecord(p) && typeof p.host === 'string' && typeof p.port === 'number')
    && isRecord(value.saved) && Object.values(value.saved).every((entry) => isRecord(entry) && typeof entry.label === 'string' && 'state' in entry);
}

export function readSnapshot(dataDir: string, deps: SystemProxyDeps): Snapshot | null {
  const file = snapshotPath(dataDir);
  if (!deps.exists(file)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(deps.readFile(file));
  } catch (error) {
    parsed = error;
  }
  if (!isSnapshot(parsed)) {
    throw new Error(`${file} does not hold the proxy settings Flowscope saved, so they cannot be put back. Check your system proxy by hand, then delete that file.`);
  }
  return parsed;
}

/** Written atomically and readable only by the user: it can name internal proxies. */
export function writeSnapshot(dataDir: string, snapshot: Snapshot, deps: SystemProxyDeps): void {
  deps.writeFile(snapshotPath(dataDir), `${JSON.stringify(snapshot, null, 2)}\n`, 0o600);
}

export function removeSnapshot(dataDir: string, deps: SystemProxyDeps): void {
  if (deps.exists(snapshotPath(dataDir))) deps.removeFile(snapshotPath(dataDir));
}
