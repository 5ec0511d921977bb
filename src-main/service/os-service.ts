/**
 * The contract's OS integration: the system proxy toggle, the CA in trust stores, regenerating
 * the CA, intercepted browsers and terminals. Each call reaches the OS through src-main/os.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ApiHandlers } from '../../src-shared/api/contract.js';
import { ApiError } from '../../src-shared/api/errors.js';
import type { OsStatus, TrustEntry } from '../../src-shared/api/types.js';
import { regenerateCa } from '../ca/index.js';
import { detectBrowsers } from '../os/browsers/detect.js';
import { launchInterceptedBrowser, type LaunchedBrowser } from '../os/browsers/launch.js';
import { installSystemTrust, removeSystemTrust, systemTrustStatus } from '../os/system-store/system-trust.js';
import { disableSystemProxy, enableSystemProxy, restoreAfterCrash, systemProxyStatus, SystemProxyUnsupportedError } from '../os/system-proxy/index.js';
import { defaultNssDatabases, installCaInNss, nssTrustStatus, removeCaFromNss } from '../os/trust/nss.js';
import { findOnPath, launchTerminal, prepareIntercept, terminalLaunch } from '../os/terminal/index.js';
import type { ProxyRuntime } from './proxy-runtime.js';

type OsCalls = 'os.status' | 'systemProxy.set' | 'ca.trust.set' | 'ca.regenerate' | 'browser.open' | 'terminal.open';

export interface OsService {
  handlers: Pick<ApiHandlers, OsCalls>;
  /** Puts the OS proxy back if Flowscope set it, and closes the browsers it opened (on quit). */
  dispose(): Promise<void>;
}

/** What an OS command's failure becomes at the contract: the message as is (it holds the output and manual steps). */
function unavailable(error: unknown): never {
  if (error instanceof ApiError) throw error;
  throw new ApiError('UNAVAILABLE', error instanceof Error ? error.message : String(error));
}

export function createOsService(runtime: ProxyRuntime, adoptUpstream: (proxy: string | null) => void): OsService {
  const { ca, dataDir, engine } = runtime;
  const endpoint = { host: engine.host, port: engine.port };
  const browsers = new Set<LaunchedBrowser>();

  const trust = async (): Promise<TrustEntry[]> => {
    const entries: TrustEntry[] = [];
    const system = await systemTrustStatus(ca.certPem).catch(() => null);
    if (system) entries.push({ store: 'system', label: `this system (${system.store})`, location: null, trusted: system.trusted });
    for (const db of defaultNssDatabases()) {
      const status = await nssTrustStatus(db.dir, ca.certPem).catch(() => null);
      entries.push({ store: 'nss', label: `${db.label} (${db.dir})`, location: db.dir, trusted: status?.trusted ?? false });
    }
    return entries;
  };

  const handlers: OsService['handlers'] = {
    'os.status': async (): Promise<OsStatus> => {
      const proxy = await systemProxyStatus(endpoint, dataDir).catch(() => null);
      return {
        systemProxy: {
          supported: proxy?.supported ?? false,
          enabled: proxy?.enabled ?? false,
          current: proxy?.current ?? null,
          manualSteps: proxy?.manualSteps ?? null,
        },
        trust: await trust(),
        browsers: detectBrowsers().map(({ id, name }) => ({ id, name })),
        terminal: terminalLaunch(process.platform, {}, { scriptDir: os.tmpdir() }) !== null,
      };
    },
    'systemProxy.set': async ({ enabled }) => {
      try {
        if (enabled) {
          const { message, adoptedUpstream } = await enableSystemProxy(endpoint, dataDir);
          adoptUpstream(adoptedUpstream);
          return { message: adoptedUpstream ? `${message} Your earlier proxy ${adoptedUpstream} is now Flowscope's upstream.` : message };
        }
        const { message } = await disableSystemProxy(endpoint, dataDir);
        adoptUpstream(null);
        return { message };
      } catch (error) {
        if (error instanceof SystemProxyUnsupportedError) throw new ApiError('UNAVAILABLE', error.message);
        return unavailable(error);
      }
    },
    'ca.trust.set': async ({ store, trusted, location }) => {
      try {
        if (store === 'system') return { message: trusted ? await installSystemTrust(ca.certPath) : await removeSystemTrust(ca.certPath, ca.certPem) };
        const dirs = location ? [location] : defaultNssDatabases().map((db) => db.dir);
        if (dirs.length === 0) throw new ApiError('NOT_FOUND', 'No browser NSS database was found (Chrome: ~/.pki/nssdb, Firefox: its profiles). Start the browser once so it creates one.');
        for (const dir of dirs) {
          if (trusted) await installCaInNss(dir, ca.certPath);
          else await removeCaFromNss(dir);
        }
        return { message: `${trusted ? 'Trusted in' : 'Removed from'} ${dirs.length} NSS database(s): ${dirs.join(', ')}. Restart the browser to see it.` };
      } catch (error) {
        return unavailable(error);
      }
    },
    'ca.regenerate': async () => {
      const created = await regenerateCa(dataDir).catch(unavailable);
      return {
        message: `A new CA was created (SHA-256 ${created.info.fingerprintSha256}). Restart Flowscope to use it, then trust it on your clients ` +
          'and remove the old one from them: it no longer belongs to anything you run.',
      };
    },
    'browser.open': async ({ id, url }) => {
      const browser = detectBrowsers().find((b) => b.id === id);
      if (!browser) throw new ApiError('NOT_FOUND', `${id} was not found on this machine. Found: ${detectBrowsers().map((b) => b.name).join(', ') || 'none'}.`);
      const launched = await launchInterceptedBrowser({ browser, proxyUrl: engine.url, caSpkiHash: ca.info.spkiSha256, caCertPem: ca.certPem, ...(url && { url }) }).catch(unavailable);
      browsers.add(launched);
      void launched.exited.finally(() => browsers.delete(launched));
      return { message: `${browser.name} opened with a fresh profile going through Flowscope; the profile is removed when it closes.` };
    },
    'terminal.open': async () => {
      const { variables, env } = prepareIntercept({ dataDir, proxyUrl: engine.url, caCertPath: ca.certPath });
      const launch = terminalLaunch(process.platform, variables, { scriptDir: mkdtempSync(path.join(os.tmpdir(), 'flowscope-terminal-')), find: (program) => findOnPath(program) });
      if (!launch) throw new ApiError('UNAVAILABLE', 'No terminal program was found. Run commands with `flowscope run -- COMMAND` instead.');
      await launchTerminal(launch, env).catch(unavailable);
      return { message: 'A terminal opened whose commands go through Flowscope.' };
    },
  };

  return {
    handlers,
    dispose: async () => {
      await Promise.all([...browsers].map((b) => b.stop().catch(() => undefined)));
      const status = await systemProxyStatus(endpoint, dataDir).catch(() => null);
      if (status?.snapshotPending) await disableSystemProxy(endpoint, dataDir).catch(() => undefined);
    },
  };
}

/** At start: a snapshot left behind means Flowscope did not get to put the OS proxy back (a crash). */
export async function restoreSystemProxyAfterCrash(runtime: ProxyRuntime): Promise<string | null> {
  try {
    const restored = await restoreAfterCrash({ host: runtime.engine.host, port: runtime.engine.port }, runtime.dataDir);
    return restored?.message ?? null;
  } catch (error) {
    return `Could not put the system proxy back after the last run: ${error instanceof Error ? error.message : String(error)}`;
  }
}
