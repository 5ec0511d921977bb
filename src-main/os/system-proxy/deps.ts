/**
 * What the system proxy code touches in the OS, in one object, so each platform's exact commands
 * and file edits are tested on Linux through a simulated OS.
 */
import { chmodSync, existsSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCommand, type RunCommand } from '../command.js';

export interface SystemProxyDeps {
  platform: NodeJS.Platform;
  run: RunCommand;
  home: string;
  /** Where KDE keeps kioslaverc: $XDG_CONFIG_HOME, else ~/.config. */
  configHome: string;
  /** Whether a program of this name is on the PATH. */
  hasCommand: (name: string) => boolean;
  exists: (file: string) => boolean;
  readFile: (file: string) => string;
  /** Replaces the file atomically; without `mode` an existing file keeps its own. */
  writeFile: (file: string, content: string, mode?: number) => void;
  removeFile: (file: string) => void;
}

function onPath(name: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir !== '' && existsSync(path.join(dir, name)));
}

/**
 * A temp file renamed into place: a crash mid-write leaves the old file, never half of a new one
 * (the snapshot is what puts the user's proxy back, and kioslaverc holds more than the proxy).
 */
function replaceFile(file: string, content: string, mode?: number): void {
  const keep = mode ?? (existsSync(file) ? statSync(file).mode & 0o777 : 0o644);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, content, { mode: keep });
  // The mode given to writeFileSync is filtered by the umask.
  chmodSync(temp, keep);
  renameSync(temp, file);
}

export function defaultSystemProxyDeps(): SystemProxyDeps {
  const home = os.homedir();
  return {
    platform: process.platform,
    run: runCommand,
    home,
    configHome: process.env.XDG_CONFIG_HOME || path.join(home, '.config'),
    hasCommand: onPath,
    exists: existsSync,
    readFile: (file) => readFileSync(file, 'utf8'),
    writeFile: replaceFile,
    removeFile: (file) => unlinkSync(file),
  };
}
