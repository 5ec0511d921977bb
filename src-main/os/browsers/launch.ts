/**
 * Starts a browser on a fresh temporary profile that goes through Flowscope and trusts its CA
 * in that profile only: nothing on the system changes, and the profile goes when the browser does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createNssDatabase, installCaInNss, DEFAULT_NSS_NICKNAME, type RunCommand } from '../trust/nss.js';
import { chromiumPreferences, firefoxUserJs, launchPlan } from './command-line.js';
import type { DetectedBrowser } from './detect.js';

export interface LaunchOptions {
  browser: DetectedBrowser;
  proxyUrl: string;
  caSpkiHash: string;
  caCertPem: string;
  url?: string;
  headless?: boolean;
  /** Where the temporary profile is made; the system's temp folder by default. */
  profileParent?: string;
  /** certutil runner for Firefox's profile (tests inject one). */
  run?: RunCommand;
}

export interface LaunchedBrowser {
  pid: number;
  profileDir: string;
  /** Resolves with the exit code (null when ended by a signal) once the profile is removed. */
  exited: Promise<number | null>;
  /** Ends the browser (politely, then forcibly) and removes its profile. */
  stop(): Promise<void>;
  /** The last few kilobytes the browser wrote to stderr, to explain an early exit. */
  stderrTail(): string;
}

const STOP_GRACE_MS = 5000;
const STDERR_TAIL_BYTES = 8192;
/** A process group lets us end the helpers (zygote, crashpad) that would keep writing into the profile. */
const USE_PROCESS_GROUP = process.platform !== 'win32';

async function prepareFirefoxProfile(profileDir: string, options: LaunchOptions): Promise<void> {
  await writeFile(path.join(profileDir, 'user.js'), firefoxUserJs(options.proxyUrl));
  const caFile = path.join(profileDir, 'flowscope-ca.pem');
  await writeFile(caFile, options.caCertPem);
  await createNssDatabase(profileDir, { run: options.run });
  await installCaInNss(profileDir, caFile, DEFAULT_NSS_NICKNAME, { run: options.run });
}

async function prepareChromiumProfile(profileDir: string): Promise<void> {
  await mkdir(path.join(profileDir, 'Default'));
  await writeFile(path.join(profileDir, 'Default', 'Preferences'), chromiumPreferences());
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (USE_PROCESS_GROUP && child.pid !== undefined) process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {
    // Already gone: that is what we wanted.
  }
}

function started(child: ChildProcess, command: string): Promise<number> {
  return new Promise((resolve, reject) => {
    child.once('spawn', () => resolve(child.pid!));
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(new Error(error.code === 'ENOENT' ? `${command} does not exist or cannot be run.` : `Could not start ${command}: ${error.message}`));
    });
  });
}

export async function launchInterceptedBrowser(options: LaunchOptions): Promise<LaunchedBrowser> {
  const { browser } = options;
  const profileDir = await mkdtemp(path.join(options.profileParent ?? tmpdir(), `flowscope-${browser.id}-`));
  const removeProfile = () => rm(profileDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  let child: ChildProcess;
  let pid: number;
  try {
    if (browser.id === 'firefox') await prepareFirefoxProfile(profileDir, options);
    else await prepareChromiumProfile(profileDir);
    const plan = launchPlan(browser, {
      proxyUrl: options.proxyUrl,
      caSpkiHash: options.caSpkiHash,
      profileDir,
      url: options.url,
      headless: options.headless,
      runningAsRoot: process.getuid?.() === 0,
    });
    child = spawn(plan.command, plan.args, { stdio: ['ignore', 'ignore', 'pipe'], detached: USE_PROCESS_GROUP });
    pid = await started(child, plan.command);
  } catch (error) {
    await removeProfile();
    throw error;
  }

  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL_BYTES);
  });

  let running = true;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      running = false;
      // Helpers outliving the browser would hold the profile open; the whole group goes with it.
      signalGroup(child, 'SIGKILL');
      child.stderr?.destroy();
      void removeProfile().then(
        () => resolve(code),
        () => resolve(code),
      );
    });
  });

  return {
    pid,
    profileDir,
    exited,
    stderrTail: () => stderr,
    async stop() {
      if (running) {
        signalGroup(child, 'SIGTERM');
        const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
      await exited;
      await removeProfile();
    },
  };
}
