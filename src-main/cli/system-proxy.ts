/**
 * `flowscope system-proxy on|off|status`. Turning it on needs a running proxy (the OS would
 * otherwise send everything to a closed port) and goes through its API, so an earlier proxy
 * becomes its upstream; off and status also work with nothing running.
 */
import { disableSystemProxy, systemProxyStatus } from '../os/system-proxy/index.js';
import { readRuntimeFile } from '../service/runtime-file.js';
import { loadSettings } from '../service/settings-file.js';
import { restCall, runningApi } from './running-proxy.js';

function endpointOf(dataDir: string): { host: string; port: number } {
  const running = readRuntimeFile(dataDir);
  if (running) return { host: running.host, port: running.port };
  const { settings } = loadSettings(dataDir);
  return { host: settings.proxyHost, port: settings.proxyPort };
}

export async function systemProxyCommand(dataDir: string, action: string, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  if (!['on', 'off', 'status'].includes(action)) throw new Error(`system-proxy takes on, off or status, not "${action}".`);
  const api = runningApi(dataDir);
  if (action === 'on' || (action === 'off' && api)) {
    if (!api) throw new Error('No Flowscope runs on this data directory: start it first (`flowscope serve`), then turn the system proxy on.');
    const { message } = await restCall<{ message: string }>(api, 'POST', '/api/system-proxy', JSON.stringify({ enabled: action === 'on' }));
    out.write(`${message}\n`);
    return 0;
  }
  const endpoint = endpointOf(dataDir);
  if (action === 'off') {
    out.write(`${(await disableSystemProxy(endpoint, dataDir)).message}\n`);
    return 0;
  }
  const status = await systemProxyStatus(endpoint, dataDir);
  if (!status.supported) {
    out.write(`Flowscope cannot set this system's proxy. ${status.manualSteps ?? ''}\n`);
    return 1;
  }
  out.write(`The system proxy ${status.enabled ? 'points at Flowscope' : 'does not point at Flowscope'} (${status.backends.join(', ')}): ${status.current ?? 'no proxy'}.\n`);
  return 0;
}
