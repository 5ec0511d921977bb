/**
 * The Electron composition root: wiring only. The data directory, settings, runtime and service
 * are the same as `flowscope serve` uses; src-main/app supplies the desktop shell around them.
 */
import { runDesktopApp } from './app/desktop-app.js';
import { resolveDataDir } from './config/data-dir.js';
import { quietEngineLogs } from './engine/quiet-logs.js';
import { createApiService, retentionCaps } from './service/api-service.js';
import { restoreSystemProxyAfterCrash } from './service/os-service.js';
import { startProxyRuntime } from './service/proxy-runtime.js';
import { loadSettings } from './service/settings-file.js';

const dataDir = resolveDataDir(undefined);

void runDesktopApp({
  dataDir,
  start: async ({ saveDialog }) => {
    quietEngineLogs();
    const { settings, warning } = loadSettings(dataDir);
    if (warning) console.warn(`Warning: ${warning}`);
    const runtime = await startProxyRuntime({
      dataDir,
      host: settings.proxyHost,
      port: settings.proxyPort,
      maxBodySize: settings.maxBodySize,
      retention: retentionCaps(settings.retention),
      settings,
    });
    const restored = await restoreSystemProxyAfterCrash(runtime);
    if (restored) console.warn(restored);
    try {
      return { service: createApiService(runtime, { settings, saveDialog }), stop: () => runtime.stop() };
    } catch (error) {
      await runtime.stop();
      throw error;
    }
  },
});
