/**
 * "New terminal": which terminal program opens a shell with the intercept variables, per OS.
 * The decisions are pure (the PATH lookup is injected) so they are tested on any machine; only
 * launchTerminal touches the system.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { writeIfChanged } from './write-if-changed.js';

export interface TerminalLaunch {
  command: string;
  args: string[];
  /** Written (mode 0700) before `command` runs: the terminal gets its variables from it, not from its parent. */
  script?: { path: string; content: string };
}

export interface TerminalLaunchOptions {
  /** Where the macOS script goes (e.g. the data directory). */
  scriptDir: string;
  /** The path of a program on PATH, or null. Default: findOnPath with this process's PATH. */
  find?: (program: string) => string | null;
}

/**
 * Linux and other Unix desktops, in order: the distribution's chosen default first. Terminals that
 * open their windows from a running server process would give the window that server's
 * environment, not ours, so they are told to run on their own (the flags HTTP Toolkit uses in
 * httptoolkit-server src/interceptors/terminal/fresh-terminal-interceptor.ts).
 */
const UNIX_TERMINALS: ReadonlyArray<readonly [string, string[]]> = [
  ['x-terminal-emulator', []],
  ['gnome-terminal', []],
  ['konsole', ['--nofork']],
  ['xfce4-terminal', ['--disable-server']],
  ['kitty', []],
  ['alacritty', []],
  ['xterm', []],
];

/** A program on PATH (with PATHEXT on Windows), or null. */
export function findOnPath(program: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string | null {
  const windows = platform === 'win32';
  const dirs = (env.PATH ?? env.Path ?? '').split(windows ? ';' : ':').filter(Boolean);
  const extensions = windows ? ['', ...(env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';')] : [''];
  for (const dir of dirs) {
    for (const extension of extensions) {
      const candidate = path.join(dir, program + extension);
      try {
        accessSync(candidate, windows ? constants.F_OK : constants.X_OK);
        if (statSync(candidate).isFile()) return candidate;
      } catch {
        // Not here; next.
      }
    }
  }
  return null;
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Terminal.app started by `open` inherits nothing from us: the script it runs sets the variables, then becomes the user's shell. */
function macScript(variables: Record<string, string | undefined>): string {
  const exports = Object.entries(variables)
    .filter((entry): entry is [string, string] => entry[1] !== undefined && /^[A-Za-z_][A-Za-z0-9_]*$/.test(entry[0]))
    .map(([name, value]) => `export ${name}=${shellQuote(value)}`);
  return [
    '#!/bin/sh',
    '# Written by Flowscope for "New terminal": a shell whose HTTP and HTTPS go through Flowscope.',
    ...exports,
    'clear',
    'exec "${SHELL:-/bin/zsh}" -l',
    '',
  ].join('\n');
}

/**
 * How to open a terminal on `platform` whose shell has `variables` (the intercept variables, e.g.
 * prepareIntercept's `variables`). On Windows and Linux the terminal inherits them from the
 * process launchTerminal starts; on macOS a script exports them. Null: no terminal found.
 */
export function terminalLaunch(platform: NodeJS.Platform, variables: Record<string, string | undefined>, options: TerminalLaunchOptions): TerminalLaunch | null {
  const find = options.find ?? ((program: string) => findOnPath(program));
  if (platform === 'darwin') {
    const scriptPath = path.posix.join(options.scriptDir, 'flowscope-terminal.command');
    return { command: 'open', args: ['-a', 'Terminal', scriptPath], script: { path: scriptPath, content: macScript(variables) } };
  }
  if (platform === 'win32') {
    // `start` opens a new console window, and the shell in it inherits cmd's environment (ours).
    // Bare names: a quoted first argument would be taken by `start` as the window title.
    const shell = ['pwsh.exe', 'powershell.exe'].find((program) => find(program) !== null) ?? 'cmd.exe';
    return { command: 'cmd.exe', args: ['/d', '/c', 'start', shell] };
  }
  for (const [program, args] of UNIX_TERMINALS) {
    const found = find(program);
    if (found) return { command: found, args: [...args] };
  }
  return null;
}

/** Writes the launch's script, if any, and starts the terminal on its own (it outlives Flowscope). */
export function launchTerminal(launch: TerminalLaunch, env: NodeJS.ProcessEnv): Promise<void> {
  if (launch.script) {
    mkdirSync(path.dirname(launch.script.path), { recursive: true });
    writeIfChanged(launch.script.path, launch.script.content, 0o700);
  }
  return new Promise((resolve, reject) => {
    const child = spawn(launch.command, launch.args, { detached: true, stdio: 'ignore', env });
    child.once('error', (error) => reject(new Error(`Could not open a terminal (${launch.command}: ${error.message}). Open a terminal yourself and run \`flowscope run -- <your shell>\` in it.`)));
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}
