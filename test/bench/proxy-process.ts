/** The parent's side of a proxy under test, alone in its process (see proxy-child.ts for the other side). */
import { fork, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ChildCommand, ChildReport } from './proxy-child.js';

export const CHILD_SCRIPT = fileURLToPath(new URL('./proxy-child.js', import.meta.url));

/** BENCH_CPU_PROF=DIR writes V8 CPU profiles of the proxy children (main and worker threads) into DIR. */
function profileArgs(): string[] {
  const dir = process.env.BENCH_CPU_PROF;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

export class ProxyChild {
  private pending: { type: ChildReport['type']; resolve: (report: ChildReport) => void; reject: (error: Error) => void } | null = null;
  private stopRequested = false;
  /** Set when the child exited without being asked to. */
  crash: string | null = null;

  private constructor(readonly label: string, private readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (line) => this.onLine(line));
    child.on('exit', (code, signal) => {
      if (this.stopRequested && code === 0) return;
      this.crash = `The ${label} proxy child exited (${signal ?? `code ${code}`}) before it was asked to stop.`;
      this.pending?.reject(new Error(this.crash));
      this.pending = null;
    });
  }

  /** `script`: another build's proxy-child.js, to compare two versions of Flowscope. */
  static async start(label: string, args: string[], env: NodeJS.ProcessEnv, script = CHILD_SCRIPT): Promise<ProxyChild & { ready: Extract<ChildReport, { type: 'ready' }> }> {
    const child = new ProxyChild(label, fork(script, args, { env, execArgv: profileArgs(), stdio: ['ignore', 'pipe', 'inherit', 'ipc'] }));
    const ready = await child.next('ready');
    return Object.assign(child, { ready });
  }

  /** Peak RSS and CPU time used since the previous call. */
  async sample(): Promise<{ peakRssBytes: number; cpuMicros: number; mainThreadCpuMicros: number | null }> {
    const { peakRssBytes, cpuMicros, mainThreadCpuMicros } = await this.request({ type: 'sample' }, 'rss');
    return { peakRssBytes, cpuMicros, mainThreadCpuMicros };
  }

  async stop(): Promise<{ peakRssBytes: number; flows: number | null; dropped: Record<string, number> | null }> {
    this.stopRequested = true;
    return this.request({ type: 'stop' }, 'stopped');
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill();
  }

  private async request<T extends ChildReport['type']>(command: ChildCommand, reply: T): Promise<Extract<ChildReport, { type: T }>> {
    const answer = this.next(reply);
    // With a callback, a send on a closed channel fails here instead of as an unhandled 'error'.
    this.child.send(command, (error) => {
      if (error && this.pending) {
        this.pending.reject(new Error(this.crash ?? `Could not reach the ${this.label} proxy child: ${error.message}`));
        this.pending = null;
      }
    });
    return answer;
  }

  private next<T extends ChildReport['type']>(type: T): Promise<Extract<ChildReport, { type: T }>> {
    if (this.crash) return Promise.reject(new Error(this.crash));
    return new Promise((resolve, reject) => {
      this.pending = { type, resolve: resolve as (report: ChildReport) => void, reject };
    });
  }

  private onLine(line: string): void {
    let report: ChildReport | undefined;
    try {
      report = JSON.parse(line) as ChildReport;
    } catch {
      // mockttp logs some failures with console.log; pass them on rather than lose them.
    }
    if (report?.type && report.type === this.pending?.type) {
      const { resolve } = this.pending;
      this.pending = null;
      resolve(report);
    } else {
      process.stderr.write(`[${this.label}] ${line}\n`);
    }
  }
}
