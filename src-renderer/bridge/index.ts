/**
 * Which transport the renderer has: window.api from the Electron preload, or else the WebSocket
 * RPC client. Nothing else in the renderer knows the difference.
 */
import { CALL_NAMES, type ApiClient } from '../../src-shared/api/contract.js';
import { unwrapEnvelope, type IpcEnvelope, type PreloadApi } from '../../src-shared/api/ipc.js';
import { createRpcClient, rpcUrl, type ConnectionStatus } from './rpc-client.js';

declare global {
  interface Window {
    api?: PreloadApi;
  }
}

/** window.api answers envelopes (an error crossing contextBridge would lose its code); unwrap them here. */
function fromPreload(preload: PreloadApi): ApiClient {
  const client: Record<string, unknown> = { on: preload.on.bind(preload) };
  for (const name of CALL_NAMES) {
    const call = preload[name] as (args: unknown) => Promise<IpcEnvelope>;
    client[name] = async (args: unknown) => unwrapEnvelope(await call(args));
  }
  return client as ApiClient;
}

export type { ConnectionStatus };
export { startIngress } from './ingress.js';

/** Electron's preload defines window.api; its main process can show native dialogs, a browser tab cannot. */
export function runsInElectron(): boolean {
  return window.api !== undefined;
}

export function connectApi(onStatus: (status: ConnectionStatus) => void): ApiClient {
  if (window.api) {
    onStatus('open');
    return fromPreload(window.api);
  }
  return createRpcClient(rpcUrl(window.location), onStatus);
}
