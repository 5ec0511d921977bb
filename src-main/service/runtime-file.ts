/**
 * proxy.json in the data directory says which process serves it, where, and its latest counters,
 * so `flowscope status` (another process) can answer and a second `serve` can refuse politely.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface RuntimeInfo {
  pid: number;
  host: string;
  port: number;
  proxyUrl: string;
  startedAt: number;
  updatedAt: number;
  caCertPath: string;
  databasePath: string;
  /** The browser-mode UI, with its token; null when no UI server runs. */
  uiUrl: string | null;
  stats: Record<string, unknown>;
}

export function runtimeFilePath(dataDir: string): string {
  return path.join(dataDir, 'proxy.json');
}

export function writeRuntimeFile(dataDir: string, info: RuntimeInfo): void {
  const file = runtimeFilePath(dataDir);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(info, null, 2), { mode: 0o600 });
  renameSync(temp, file);
}

/**
 * The same, off the event loop: the once-a-second refresh would otherwise stall every proxied
 * request for its system calls. `current()` is asked before the file is replaced, so an older
 * snapshot never overwrites one written since.
 */
export async function writeRuntimeFileAsync(dataDir: string, info: RuntimeInfo, current: () => boolean): Promise<void> {
  const file = runtimeFilePath(dataDir);
  const temp = `${file}.${process.pid}.refresh.tmp`;
  await writeFile(temp, JSON.stringify(info, null, 2), { mode: 0o600 });
  if (current()) await rename(temp, file);
  else await rm(temp, { force: true });
}

export function removeRuntimeFile(dataDir: string): void {
  rmSync(runtimeFilePath(dataDir), { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The running proxy on this data directory, or null (a file left by a crashed process is ignored). */
export function readRuntimeFile(dataDir: string): RuntimeInfo | null {
  let info: RuntimeInfo;
  try {
    info = JSON.parse(readFileSync(runtimeFilePath(dataDir), 'utf8')) as RuntimeInfo;
  } catch {
    return null;
  }
  return typeof info.pid === 'number' && info.pid !== process.pid && isAlive(info.pid) ? info : null;
}

export class DataDirInUseError extends Error {
  constructor(dataDir: string, pid: number, proxyUrl: string | null) {
    super(
      `Another Flowscope (pid ${pid}) is already capturing into ${dataDir}${proxyUrl ? ` at ${proxyUrl}` : ''}. ` +
        'Stop it first, or start this one with --data-dir pointing at another folder.',
    );
    this.name = 'DataDirInUseError';
  }
}

/** Locks this process holds (a second runtime in the same process must not take the first one's). */
const heldHere = new Set<string>();

function readOwnRuntimeFile(dataDir: string): RuntimeInfo | null {
  try {
    return JSON.parse(readFileSync(runtimeFilePath(dataDir), 'utf8')) as RuntimeInfo;
  } catch {
    return null;
  }
}

/**
 * Takes proxy.lock in the data directory (created exclusively, so two starts at the same moment
 * cannot both win); a lock left by a process that no longer runs is taken over. Returns the release.
 */
export function lockDataDir(dataDir: string): () => void {
  const file = path.resolve(dataDir, 'proxy.lock');
  // The file holds our pid when this very process holds the lock: that is in use, not stale.
  if (heldHere.has(file)) throw new DataDirInUseError(dataDir, process.pid, readOwnRuntimeFile(dataDir)?.proxyUrl ?? null);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx', mode: 0o600 });
      heldHere.add(file);
      return () => {
        heldHere.delete(file);
        rmSync(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(readFileSync(file, 'utf8'));
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new DataDirInUseError(dataDir, pid, readRuntimeFile(dataDir)?.proxyUrl ?? null);
      }
      rmSync(file, { force: true });
    }
  }
  throw new Error(`Could not take ${file}: another Flowscope keeps starting on ${dataDir}.`);
}
