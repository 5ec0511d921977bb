/**
 * Running OS commands (security, certutil, update-ca-certificates, gsettings, networksetup, reg):
 * one injectable runner, so each OS's exact commands are tested here on Linux, and every failure
 * carries the command's own output.
 */
import { execFile } from 'node:child_process';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export type RunCommand = (command: string, args: string[]) => Promise<CommandResult>;

export const runCommand: RunCommand = (command, args) =>
  new Promise((resolve) => {
    execFile(command, args, { encoding: 'utf8', timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as NodeJS.ErrnoException).code === 'number' ? Number((error as NodeJS.ErrnoException).code) : (error as { status?: number }).status ?? 127) : 0;
      const missing = (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';
      resolve({ code: missing ? 127 : code, stdout, stderr: missing ? `${command}: command not found` : stderr });
    });
  });

/** A command that failed, with what it printed and what to do by hand instead. */
export class CommandFailedError extends Error {
  constructor(readonly command: string, readonly result: CommandResult, manualSteps: string) {
    const output = `${result.stderr}${result.stdout}`.trim();
    super(`\`${command}\` failed (exit ${result.code})${output ? `: ${output}` : ''}\nTo do it by hand: ${manualSteps}`);
    this.name = 'CommandFailedError';
  }
}

/** Runs a command and throws CommandFailedError unless it exits 0. */
export async function mustRun(run: RunCommand, command: string, args: string[], manualSteps: string): Promise<CommandResult> {
  const result = await run(command, args);
  if (result.code !== 0) throw new CommandFailedError([command, ...args].join(' '), result, manualSteps);
  return result;
}
