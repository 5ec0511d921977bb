/**
 * The browser-mode ApiClient: the WebSocket RPC of src-shared/api/rpc.ts on the page's own origin.
 * The server authenticated the page with an HttpOnly cookie, so no token is sent here. A dropped
 * connection fails the calls in flight and reconnects with backoff; calls made meanwhile wait.
 * A WebSocket refused at the upgrade says nothing about why, so when one closes before it ever
 * opened, GET /api/status tells a refused token (401/403: retrying cannot help, the user must open
 * the printed address) from a server that is down or restarting (keep retrying).
 */
import { CALL_NAMES, type ApiClient, type ApiEvents, type CallName, type EventName } from '../../src-shared/api/contract.js';
import { ApiError, isApiErrorBody } from '../../src-shared/api/errors.js';
import { RPC_PATH, type RpcRequest } from '../../src-shared/api/rpc.js';

export type ConnectionStatus = 'connecting' | 'open' | 'closed' | 'unauthorized';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 5_000;

export const UNAUTHORIZED_MESSAGE = 'This page has no valid token for Flowscope. Open the UI address that `flowscope serve` printed (it carries the token).';

/** The HTTP status of GET /api/status on the page's origin (the token cookie goes along), or null if unreachable. */
async function apiStatusCode(): Promise<number | null> {
  try {
    return (await fetch('/api/status', { credentials: 'same-origin', cache: 'no-store' })).status;
  } catch {
    return null;
  }
}

export function rpcUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${RPC_PATH}`;
}

export function createRpcClient(
  url: string,
  onStatus: (status: ConnectionStatus) => void,
  probeStatus: () => Promise<number | null> = apiStatusCode,
): ApiClient {
  const pending = new Map<number, Pending>();
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const waitingForOpen: Array<() => void> = [];
  let socket: WebSocket | null = null;
  let nextId = 1;
  let retryMs = FIRST_RETRY_MS;
  let refused: ApiError | null = null;

  function connect(): void {
    onStatus('connecting');
    const ws = new WebSocket(url);
    socket = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      retryMs = FIRST_RETRY_MS;
      onStatus('open');
      for (const send of waitingForOpen.splice(0)) send();
    };
    ws.onmessage = (event) => receive(String(event.data));
    ws.onclose = () => {
      socket = null;
      onStatus('closed');
      const lost = new ApiError('UNAVAILABLE', 'The connection to Flowscope was lost. Reconnecting…');
      for (const call of pending.values()) call.reject(lost);
      pending.clear();
      if (opened) retryLater();
      else void retryUnlessRefused();
    };
  }

  function retryLater(): void {
    setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
  }

  async function retryUnlessRefused(): Promise<void> {
    const status = await probeStatus();
    if (status !== 401 && status !== 403) {
      retryLater();
      return;
    }
    refused = new ApiError(status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN', UNAUTHORIZED_MESSAGE);
    onStatus('unauthorized');
    for (const send of waitingForOpen.splice(0)) send();
  }

  function receive(text: string): void {
    let frame: Record<string, unknown>;
    try {
      frame = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return;
    }
    if (typeof frame.event === 'string') {
      for (const listener of listeners.get(frame.event as EventName) ?? []) listener(frame.payload);
      return;
    }
    const call = typeof frame.id === 'number' ? pending.get(frame.id) : undefined;
    if (!call) return;
    pending.delete(frame.id as number);
    if ('error' in frame) {
      const error = isApiErrorBody(frame.error) ? new ApiError(frame.error.code, frame.error.message) : new ApiError('INTERNAL', 'Malformed error reply');
      call.reject(error);
    } else {
      call.resolve(frame.result);
    }
  }

  function call(name: CallName, args: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (refused) {
        reject(refused);
        return;
      }
      const send = () => {
        if (refused) {
          reject(refused);
          return;
        }
        const id = nextId++;
        pending.set(id, { resolve, reject });
        const request: RpcRequest = { id, call: name, args };
        socket!.send(JSON.stringify(request));
      };
      if (socket?.readyState === WebSocket.OPEN) send();
      else waitingForOpen.push(send);
    });
  }

  const client: Record<string, unknown> = {
    on<E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      const untyped = listener as (payload: unknown) => void;
      set.add(untyped);
      return () => set.delete(untyped);
    },
  };
  for (const name of CALL_NAMES) client[name] = (args: unknown) => call(name, args);
  connect();
  return client as ApiClient;
}
