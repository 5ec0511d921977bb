/**
 * settings.json in the data directory: what the user chose in the Settings view. A file that
 * cannot be read as settings is moved aside (never silently overwritten) and defaults are used,
 * with a warning that says where the old file went.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../src-shared/api/errors.js';
import { validateArgs } from '../../src-shared/api/validate.js';
import { DEFAULT_SETTINGS, type Settings } from '../../src-shared/model/settings.js';
import { hashPatchSecrets } from '../policy/secrets.js';

export function settingsFilePath(dataDir: string): string {
  return path.join(dataDir, 'settings.json');
}

export interface LoadedSettings {
  settings: Settings;
  /** Set when the file was damaged and moved aside. */
  warning: string | null;
}

export function mergeSettings(base: Settings, patch: Partial<Settings>): Settings {
  return { ...base, ...patch, retention: { ...base.retention, ...patch.retention }, limits: { ...base.limits, ...patch.limits } };
}

export function loadSettings(dataDir: string): LoadedSettings {
  const file = settingsFilePath(dataDir);
  if (!existsSync(file)) return { settings: DEFAULT_SETTINGS, warning: null };
  try {
    const patch = hashPatchSecrets(validateArgs('settings.set', { settings: JSON.parse(readFileSync(file, 'utf8')) }).settings);
    return { settings: mergeSettings(DEFAULT_SETTINGS, patch), warning: null };
  } catch (error) {
    const reason = error instanceof ApiError ? error.message.replace(/^settings\.set: /, '') : (error as Error).message;
    const aside = `${file}.damaged-${Date.now()}`;
    let kept: string;
    try {
      renameSync(file, aside);
      kept = `It was moved to ${aside}`;
    } catch (moveError) {
      kept = `It could not be moved aside (${(moveError as Error).message}) and stays where it is`;
    }
    return {
      settings: DEFAULT_SETTINGS,
      warning: `The settings file ${file} could not be used (${reason}). ${kept}; Flowscope uses default settings until you change them.`,
    };
  }
}

/** Written to a temp file and renamed into place, so a crash never leaves half a file. */
export function saveSettings(dataDir: string, settings: Settings): void {
  const file = settingsFilePath(dataDir);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, file);
}
