/**
 * `flowscope run -- CMD ARGS`: runs CMD with its HTTP and HTTPS going through Flowscope: through
 * the proxy already capturing into the data directory, or through one started here for as long
 * as CMD runs.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { isatty } from 'node:tty';
import { quietEngineLogs } from '../engine/quiet-logs.js';
import { prepareIntercept } from '../os/terminal/index.js';
import { startProxyRuntime } from '../service/proxy-runtime.js';
import { readRuntimeFile } from '../service/runtime-file.js';
import { loadSettings } from '../service/settings-file.js';

export interface RunOptions {
  /** Receives CMD's stdout; by default CMD writes to this process's stdout itself. */
  out?: NodeJS.WritableStream;
  /** Receives Flowscope's messages, and CMD's stderr; by default both go to this process's stderr. */
  err?: NodeJS.WritableStream;
  /** The environment CMD starts from, before the intercept variables; default: this process's. */
  baseEnv?: NodeJS.ProcessEnv;
}

interface Proxy {
  proxyUrl: string;
  caCertPath: string;
  /** Set when this command started the proxy: stops it and flushes its flows. */
  stop: (() => Promise<void>) | null;
}

/** A proxy listening on every address is reached on loopback. */
function reachable(proxyUrl: string): string {
  const url = new URL(proxyUrl);
  if (url.hostname === '0.0.0.0') url.hostname = '127.0.0.1';
  if (url.hostname === '[::]') url.hostname = '[::1]';
  return url.origin;
}

async function findOrStartProxy(dataDir: string, err: NodeJS.WritableStream): Promise<Proxy> {
  const { settings, warning } = loadSettings(dataDir);
  if (warning) err.write(`flowscope run: warning: ${warning}\n`);
  const running = readRuntimeFile(dataDir);
  if (running) {
    const proxyUrl = reachable(running.proxyUrl);
    err.write(`flowscope run: capturing through the Flowscope at ${proxyUrl} (pid ${running.pid}); flows go to ${running.databasePath}\n`);
    if (settings.proxyAuth.type !== 'none') {
      err.write('flowscope run: warning: that Flowscope asks for proxy authentication, which this command does not send; its requests will be refused (407). Turn proxy authentication off while you use `flowscope run`.\n');
    }
    return { proxyUrl, caCertPath: running.caCertPath, stop: null };
  }
  // The engine's console noise would land in CMD's output otherwise.
  quietEngineLogs();
  // The user's capture settings apply (body size, block rules, upstream proxies, ...), but this
  // proxy is private to CMD: one forward listener on a free loopback port, no authentication.
  const runtime = await startProxyRuntime({
    dataDir,
    host: '127.0.0.1',
    port: 0,
    maxBodySize: settings.maxBodySize,
    settings: { ...settings, modes: ['regular'], proxyAuth: { type: 'none' } },
  });
  err.write(`flowscope run: no Flowscope was running on ${dataDir}, so one runs at ${runtime.engine.url} until the command ends; flows go to ${runtime.databasePath}\n`);
  return { proxyUrl: runtime.engine.url, caCertPath: runtime.ca.certPath, stop: () => runtime.stop() };
}

const FORWARDED_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Runs CMD to its end; resolves with its exit code (128 + the signal's number when a signal ended it). */
function runChild(argv: string[], env: NodeJS.ProcessEnv, options: RunOptions, err: NodeJS.WritableStream): Promise<number> {
  const [command = '', ...args] = argv;
  const child = spawn(command, args, { env, stdio: ['inherit', options.out ? 'pipe' : 'inherit', options.err ? 'pipe' : 'inherit'] });
  if (options.out) child.stdout?.pipe(options.out, { end: false });
  if (options.err) child.stderr?.pipe(options.err, { end: false });
  // CMD stays in our process group so that it can use the terminal (a shell, a prompt). A Ctrl+C
  // typed there reaches it directly; passing that SIGINT on would interrupt it twice.
  const forward = (signal: NodeJS.Signals) => {
    if (signal === 'SIGINT' && isatty(0)) return;
    child.kill(signal);
  };
  for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
  return new Promise((resolve) => {
    let settled = false;
    const settle = (code: number) => {
      if (settled) return;
      settled = true;
      for (const signal of FORWARDED_SIGNALS) process.off(signal, forward);
      resolve(code);
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') {
        err.write(`flowscope run: command not found: ${command}\n`);
        settle(127);
      } else {
        err.write(`flowscope run: cannot run ${command}: ${error.message}\n`);
        settle(126);
      }
    });
    // 'close', not 'exit': piped output has all arrived by then.
    child.once('close', (code, signal) => settle(code ?? 128 + (signal ? constants.signals[signal] : 0)));
  });
}

/**
 * Runs argv[0] with argv[1..] through Flowscope on `dataDir` (stdin inherited; see RunOptions for
 * stdout and stderr) and returns its exit code: 127 when it is not found, 126 when it cannot run.
 */
export async function runCommand(dataDir: string, argv: string[], options: RunOptions = {}): Promise<number> {
  const err = options.err ?? process.stderr;
  if (argv.length === 0 || !argv[0]) {
    err.write('flowscope run: give the command to run after --, e.g. flowscope run -- curl https://example.com\n');
    return 2;
  }
  const proxy = await findOrStartProxy(dataDir, err);
  try {
    const { env } = prepareIntercept({ dataDir, proxyUrl: proxy.proxyUrl, caCertPath: proxy.caCertPath, baseEnv: options.baseEnv ?? process.env });
    return await runChild(argv, env, options, err);
  } finally {
    await proxy.stop?.();
  }
}
