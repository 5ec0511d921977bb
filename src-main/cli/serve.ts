/** `flowscope serve`: the composition root of browser/headless mode. Wiring only. */
import { fileURLToPath } from 'node:url';
import type { Settings } from '../../src-shared/model/settings.js';
import { isLoopback } from '../config/network.js';
import type { Engine } from '../engine/engine.js';
import { exposureWarning } from '../service/exposure.js';
import { quietEngineLogs } from '../engine/quiet-logs.js';
import { openInBrowser } from '../os/open-url.js';
import { createApiService, retentionCaps } from '../service/api-service.js';
import { restoreSystemProxyAfterCrash } from '../service/os-service.js';
import { startProxyRuntime, type RuntimeOptions } from '../service/proxy-runtime.js';
import { loadSettings, mergeSettings } from '../service/settings-file.js';
import { loadOrCreateToken } from '../service/ui-token.js';
import { startUiServer, type UiServer } from '../transports/http/server.js';
import { formatBytes } from './parse.js';

export interface ServeOptions extends Pick<RuntimeOptions, 'dataDir' | 'upstreamCaFiles' | 'insecureHosts' | 'responseTimeoutMs'> {
  /** Settings given as flags: they win over the stored ones for this run. */
  flags: Partial<Settings>;
  uiHost: string;
  uiPort: number;
  /** false: no UI server (proxy only). */
  ui: boolean;
  /** Open the UI in the default browser once it listens. */
  open: boolean;
}

const RENDERER_DIR = fileURLToPath(new URL('../../renderer', import.meta.url));

export async function serve(options: ServeOptions, out: NodeJS.WriteStream = process.stdout): Promise<number> {
  quietEngineLogs();
  const stored = loadSettings(options.dataDir);
  if (stored.warning) out.write(`Warning: ${stored.warning}\n`);
  const settings = mergeSettings(stored.settings, options.flags);
  let ui: UiServer | null = null;
  const runtime = await startProxyRuntime({
    dataDir: options.dataDir,
    host: settings.proxyHost,
    port: settings.proxyPort,
    maxBodySize: settings.maxBodySize,
    upstreamCaFiles: options.upstreamCaFiles,
    insecureHosts: options.insecureHosts,
    responseTimeoutMs: options.responseTimeoutMs,
    retention: retentionCaps(settings.retention),
    uiUrl: () => ui?.url ?? null,
    settings,
    onLogError: (message) => out.write(`Warning: ${message}\n`),
  });
  const restored = await restoreSystemProxyAfterCrash(runtime);
  if (restored) out.write(`${restored}\n`);
  const fromFlags = Object.keys(options.flags) as Array<keyof Settings>;
  const service = createApiService(runtime, { settings, stored: stored.settings, fromFlags });
  try {
    if (options.ui) {
      ui = await startUiServer({ host: options.uiHost, port: options.uiPort, token: loadOrCreateToken(options.dataDir), service, rendererDir: RENDERER_DIR });
      runtime.publish();
    }
  } catch (error) {
    await service.dispose();
    await runtime.stop();
    throw error;
  }
  const { engine, ca } = runtime;
  const others = runtime.listeners.slice(1).map((listener) => `  ${listenerLine(listener)}\n`).join('');
  out.write(
    `Flowscope is capturing on ${engine.url}${engine.mode.kind === 'reverse' ? ` (reverse proxy to ${engine.mode.target})` : ''}\n` +
      others +
      (ui ? `UI: ${ui.url}\n` : '') +
      `  Data directory: ${runtime.dataDir}\n` +
      `  Store:          ${runtime.databasePath}\n` +
      `  CA certificate: ${ca.certPath}\n` +
      `  CA SHA-256:     ${ca.info.fingerprintSha256}\n` +
      `  Bodies kept up to ${formatBytes(settings.maxBodySize)} each.\n` +
      'Point clients at the proxy and trust the CA certificate to see HTTPS. Press Ctrl+C to stop.\n',
  );
  const warning = exposureWarning(engine.host, runtime.policy());
  if (warning) out.write(`Warning: ${warning}\n`);
  if (ui && !isLoopback(ui.host)) {
    out.write(`Warning: the UI listens on ${ui.host}; anyone with the token who can reach it can read every captured flow.\n`);
  }
  if (ui && options.open) {
    openInBrowser(ui.url).catch((error: unknown) => out.write(`${(error as Error).message}\n`));
  }
  await new Promise<void>((resolve) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals += 1;
      if (signals > 1) {
        out.write(`Received ${signal} again: exiting without waiting.\n`);
        process.exit(130);
      }
      out.write(`Received ${signal}: saving captured flows and stopping...\n`);
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  await ui?.close();
  await service.dispose();
  await runtime.stop();
  out.write('Stopped. Every captured flow is saved.\n');
  return 0;
}

function listenerLine(listener: Engine): string {
  return listener.mode.kind === 'reverse'
    ? `Reverse proxy to ${listener.mode.target} on ${listener.url}`
    : `Forward proxy on ${listener.url}`;
}
