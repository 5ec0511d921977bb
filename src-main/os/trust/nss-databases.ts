/**
 * Where Linux browsers keep their NSS databases. Only folders that already hold a cert9.db are
 * returned: a browser that never ran has no database, and creating one it will not read helps nobody.
 */
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

export interface NssDatabase {
  dir: string;
  /** Who reads it, for messages: "Chrome, Chromium, Edge and Brave", "Firefox profile abc.default". */
  label: string;
}

export interface NssFileSystem {
  exists(file: string): boolean;
  /** Names of the subfolders of a folder; empty when it does not exist. */
  subfolders(dir: string): string[];
}

const systemFs: NssFileSystem = {
  exists: existsSync,
  subfolders(dir) {
    try {
      return readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
    } catch {
      return [];
    }
  },
};

const CHROMIUM_FAMILY = 'Chrome, Chromium, Edge and Brave';

/** Shared databases of the Chromium family: the native one, snap's and flatpak's (which persist ~/.pki per app). */
const CHROMIUM_DBS: Array<[string, string]> = [
  ['.pki/nssdb', CHROMIUM_FAMILY],
  ['snap/chromium/current/.pki/nssdb', 'Chromium (snap)'],
  ['.var/app/org.chromium.Chromium/.pki/nssdb', 'Chromium (flatpak)'],
  ['.var/app/com.google.Chrome/.pki/nssdb', 'Google Chrome (flatpak)'],
  ['.var/app/com.microsoft.Edge/.pki/nssdb', 'Microsoft Edge (flatpak)'],
  ['.var/app/com.brave.Browser/.pki/nssdb', 'Brave (flatpak)'],
];

/** Folders whose subfolders are Firefox profiles. */
const FIREFOX_PROFILE_ROOTS: Array<[string, string]> = [
  ['.mozilla/firefox', 'Firefox'],
  ['snap/firefox/common/.mozilla/firefox', 'Firefox (snap)'],
  ['.var/app/org.mozilla.firefox/.mozilla/firefox', 'Firefox (flatpak)'],
];

export function defaultNssDatabases(
  options: { platform?: NodeJS.Platform; home?: string; fs?: NssFileSystem } = {},
): NssDatabase[] {
  const platform = options.platform ?? process.platform;
  if (platform !== 'linux') return [];
  const home = options.home ?? homedir();
  const fs = options.fs ?? systemFs;
  const hasDb = (dir: string) => fs.exists(path.join(dir, 'cert9.db'));
  const found: NssDatabase[] = CHROMIUM_DBS.map(([relative, label]) => ({ dir: path.join(home, relative), label })).filter((db) => hasDb(db.dir));
  for (const [relative, label] of FIREFOX_PROFILE_ROOTS) {
    const root = path.join(home, relative);
    for (const profile of fs.subfolders(root).sort()) {
      const dir = path.join(root, profile);
      if (hasDb(dir)) found.push({ dir, label: `${label} profile ${profile}` });
    }
  }
  return found;
}
