/**
 * What `npm start` runs (plain Node, no 'electron' import): the desktop app when the Electron
 * binary is installed, else browser mode (`flowscope serve --open`) after one line saying why.
 *
 * The binary is found the way node_modules/electron/index.js finds it (path.txt, then dist/),
 * but without its fallback: requiring that module downloads the binary when it is missing, which
 * hangs or fails on a machine without internet. Finding it here only reads files.
 */
import { spawn as nodeSpawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const BROWSER_MODE_NOTICE =
  'Electron is not available on this machine (its binary is not installed); starting Flowscope in browser mode instead.';

export interface StartAppIo {
  existsSync(file: string): boolean;
  readFileSync(file: string, encoding: 'utf8'): string;
  spawn(command: string, args: readonly string[], options: SpawnOptions): Pick<ChildProcess, 'once' | 'kill'>;
  /** The folder of the electron npm package, or null when it is not installed. */
  electronPackageDir(): string | null;
  env: NodeJS.ProcessEnv;
  execPath: string;
  platform: NodeJS.Platform;
  printLine(line: string): void;
  onSignal(signal: NodeJS.Signals, handler: () => void): () => void;
}

export interface AppPaths {
  /** dist/src-main/index.js: the Electron main entry. */
  electronMain: string;
  /** bin/flowscope.js */
  cli: string;
}

export interface StartPlan {
  mode: 'electron' | 'browser';
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

/** The Electron executable if it is on disk, else null. Never downloads, never spawns. */
export function findElectronBinary(io: Pick<StartAppIo, 'existsSync' | 'readFileSync' | 'electronPackageDir' | 'env'>): string | null {
  const dir = io.electronPackageDir();
  if (!dir) return null;
  const pathFile = path.join(dir, 'path.txt');
  const relative = io.existsSync(pathFile) ? io.readFileSync(pathFile, 'utf8').trim() : '';
  const override = io.env.ELECTRON_OVERRIDE_DIST_PATH;
  let binary: string;
  if (override) binary = path.join(override, relative || 'electron');
  else if (relative) binary = path.join(dir, 'dist', relative);
  else return null;
  return io.existsSync(binary) ? binary : null;
}

export function planStart(args: readonly string[], io: StartAppIo, paths: AppPaths): StartPlan {
  const binary = findElectronBinary(io);
  if (binary) {
    // Set in some shells and CI images, it would make the binary a plain Node.
    const { ELECTRON_RUN_AS_NODE: _runAsNode, ...env } = io.env;
    return { mode: 'electron', command: binary, args: [paths.electronMain, ...args], env };
  }
  return { mode: 'browser', command: io.execPath, args: [paths.cli, 'serve', '--open', ...args], env: io.env };
}

/** Starts the app and resolves with its exit code. */
export function startApp(args: readonly string[], io: StartAppIo, paths: AppPaths): Promise<number> {
  const plan = planStart(args, io, paths);
  if (plan.mode === 'browser') io.printLine(BROWSER_MODE_NOTICE);
  // Its own process group (POSIX): a Ctrl+C reaches only us and we forward it once, since a
  // second signal tells `serve` to exit without saving.
  const child = io.spawn(plan.command, plan.args, { stdio: 'inherit', env: plan.env, detached: io.platform !== 'win32' });
  // SIGHUP too: closing the terminal must not leave the proxy running, holding its port and data directory.
  const offSignals = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((signal) => io.onSignal(signal, () => child.kill(signal)));
  return new Promise((resolve) => {
    const finish = (code: number) => {
      for (const off of offSignals) off();
      resolve(code);
    };
    child.once('error', (error: Error) => {
      io.printLine(`Cannot start ${plan.command} (${error.message}).`);
      finish(1);
    });
    child.once('exit', (code: number | null, signal: NodeJS.Signals | null) => finish(code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : 1)));
  });
}

export function defaultIo(): StartAppIo {
  const require = createRequire(import.meta.url);
  return {
    existsSync,
    readFileSync,
    spawn: (command, args, options) => nodeSpawn(command, args, options),
    electronPackageDir: () => {
      try {
        return path.dirname(require.resolve('electron/package.json'));
      } catch {
        return null;
      }
    },
    env: process.env,
    execPath: process.execPath,
    platform: process.platform,
    printLine: (line) => process.stderr.write(`${line}\n`),
    onSignal: (signal, handler) => {
      process.on(signal, handler);
      return () => process.off(signal, handler);
    },
  };
}

// Built layout: dist/src-main/cli/start-app.js; the repo root holds bin/.
export const DEFAULT_PATHS: AppPaths = {
  electronMain: fileURLToPath(new URL('../index.js', import.meta.url)),
  cli: fileURLToPath(new URL('../../../bin/flowscope.js', import.meta.url)),
};

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await startApp(process.argv.slice(2), defaultIo(), DEFAULT_PATHS);
}
