/** The `flowscope` CLI as a child process, for tests that run it the way a person does. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';

export const FLOWSCOPE_BIN = path.resolve('bin/flowscope.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI without blocking this process (origins the command talks to may live here); `started` collects it for cleanup. */
export async function runCli(args: string[], started?: ChildProcess[]): Promise<CliResult> {
  const child = spawn(process.execPath, [FLOWSCOPE_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  started?.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}
