/** Runs a program without a shell and hands back its exit code and output, so callers can quote it in errors. */
import { execFile } from 'node:child_process';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Resolves for any exit code; rejects only when the program could not run at all (ENOENT when
 * it is not installed, or a timeout), which callers turn into advice.
 */
export type RunCommand = (cmd: string, args: string[]) => Promise<CommandResult>;

const TIMEOUT_MS = 30_000;

export const runCommand: RunCommand = (cmd, args) =>
  new Promise((resolve, reject) => {
    execFile(cmd, args, { encoding: 'utf8', timeout: TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) resolve({ code: 0, stdout, stderr });
      else if (typeof error.code === 'number') resolve({ code: error.code, stdout, stderr });
      else if (error.killed) reject(new Error(`${cmd} did not finish within ${TIMEOUT_MS / 1000} s and was stopped.`));
      else reject(error);
    });
  });
