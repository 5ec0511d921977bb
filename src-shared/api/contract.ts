/**
 * THE contract: every call and pushed event the UI, CLI and REST use. src-main/service implements
 * ApiCalls once; each transport is a generic adapter over CALL_NAMES and EVENT_NAMES.
 */
import type { CaExportFormat, CaInfo } from '../model/ca.js';
import type { ConnectionEvent, Flow, FlowSummary } from '../model/flow.js';
import type { SettingsPatch } from './validate-settings.js';
import type {
  BodySideName, BodyView, CaFile, ExportProgress, OsStatus, ExportQuery, FlowPageQuery, FlowPageResult, ImportResult, ProxyState,
  ReplayBatchProgress, ReplayBatchQuery, ReplayRequest, ReplayResult, ReplayTarget, SettingsChange, SettingsView, Stats,
  WsMessageView,
} from './types.js';

type Call<A, R> = { args: A; result: R };
type NoArgs = Record<string, never>;

export interface ApiCalls {
  'flows.page': Call<FlowPageQuery, FlowPageResult>;
  'flows.count': Call<{ filter?: string }, { count: number }>;
  'flows.get': Call<{ id: number }, Flow>;
  'flows.body': Call<{ id: number; side: BodySideName; decoded?: boolean }, BodyView | null>;
  'flows.messages': Call<{ id: number; afterSeq?: number; limit: number }, WsMessageView[]>;
  'flows.clear': Call<NoArgs, { cleared: true }>;
  'flows.delete': Call<{ ids: number[] }, { deleted: number }>;
  /** Sends a request (from the editor) and records the exchange as a new flow. */
  'replay.send': Call<{ request: ReplayRequest; replayOf?: number }, ReplayResult>;
  /** Sends a stored flow's request again, optionally to another URL. */
  'replay.flow': Call<{ id: number; target?: ReplayTarget }, ReplayResult>;
  /** Starts replaying flows one after another; progress comes as replay.progress events. */
  'replay.batch': Call<ReplayBatchQuery, { batchId: string; total: number }>;
  'replay.cancel': Call<{ batchId: string }, { cancelled: boolean }>;
  /** The alternate targets used last, newest first. */
  'replay.targets': Call<NoArgs, { targets: string[] }>;
  /**
   * Asks where to save (a native dialog) and writes the export there, with export.progress events.
   * Null when the person cancelled the dialog. UNAVAILABLE in browser mode: download
   * /api/export.har or /api/export.json instead.
   */
  'export.save': Call<ExportQuery & { exportId: string }, { path: string; count: number } | null>;
  /** Imports a HAR file or Flowscope JSON (newline-delimited): all of it, or nothing when a part is malformed. */
  'import.flows': Call<{ filename: string; text: string }, ImportResult>;
  /** Newest first; `types` narrows them, e.g. ['AUTH_SUCCESS', 'AUTH_FAILURE'] for the authentication log. */
  'events.list': Call<{ limit: number; types?: Array<ConnectionEvent['type']> }, ConnectionEvent[]>;
  'stats.get': Call<{ filter?: string }, Stats>;
  'proxy.status': Call<NoArgs, ProxyState>;
  'settings.get': Call<NoArgs, SettingsView>;
  'settings.set': Call<{ settings: SettingsPatch }, SettingsChange>;
  'ca.info': Call<NoArgs, CaInfo>;
  'ca.export': Call<{ format: CaExportFormat }, CaFile>;
  /** The system proxy, where the CA is trusted, the browsers and terminal Flowscope can open. */
  'os.status': Call<NoArgs, OsStatus>;
  /** Points the OS proxy at Flowscope (saving what it was) or puts it back. */
  'systemProxy.set': Call<{ enabled: boolean }, { message: string }>;
  /** Adds or removes the CA in a trust store (the OS may ask for a password). */
  'ca.trust.set': Call<{ store: 'system' | 'nss'; trusted: boolean; location?: string }, { message: string }>;
  /** Replaces the CA with a new one; the proxy uses it after a restart. */
  'ca.regenerate': Call<NoArgs, { message: string }>;
  /** Opens a browser with a fresh profile routed through Flowscope, trusting its CA for that profile only. */
  'browser.open': Call<{ id: 'chrome' | 'chromium' | 'edge' | 'brave' | 'firefox'; url?: string }, { message: string }>;
  /** Opens a terminal whose commands go through Flowscope. */
  'terminal.open': Call<NoArgs, { message: string }>;
}

export interface ApiEvents {
  /** Flows that just started or finished, newest last; batched every 50-100 ms. */
  'flows.added': FlowSummary[];
  /** Flows already announced that changed (a WebSocket that closed, a message count that grew). */
  'flows.updated': FlowSummary[];
  'flows.cleared': NoArgs;
  'flows.deleted': { ids: number[] };
  'replay.progress': ReplayBatchProgress;
  'export.progress': ExportProgress;
  'ws.messages': WsMessageView[];
  /** Connections that never became flows, e.g. a client that rejected Flowscope's certificate. */
  'events.added': Array<Omit<ConnectionEvent, 'id'>>;
  'proxy.state': ProxyState;
}

export type CallName = keyof ApiCalls;
export type EventName = keyof ApiEvents;
export type ArgsOf<N extends CallName> = ApiCalls[N]['args'];
export type ResultOf<N extends CallName> = ApiCalls[N]['result'];

/** The service, as each transport sees it. */
export type ApiHandlers = { [N in CallName]: (args: ArgsOf<N>) => ResultOf<N> | Promise<ResultOf<N>> };

/** The client side (window.api in Electron, the WebSocket client in browser mode). */
export type ApiClient = { [N in CallName]: (args: ArgsOf<N>) => Promise<ResultOf<N>> } & {
  on<E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void;
};

// Records keyed by exactly the type's keys: the compiler rejects a missing or extra name.
const CALLS: Record<CallName, true> = {
  'flows.page': true,
  'flows.count': true,
  'flows.get': true,
  'flows.body': true,
  'flows.messages': true,
  'flows.clear': true,
  'flows.delete': true,
  'replay.send': true,
  'replay.flow': true,
  'replay.batch': true,
  'replay.cancel': true,
  'replay.targets': true,
  'export.save': true,
  'import.flows': true,
  'events.list': true,
  'stats.get': true,
  'proxy.status': true,
  'settings.get': true,
  'settings.set': true,
  'ca.info': true,
  'ca.export': true,
  'os.status': true,
  'systemProxy.set': true,
  'ca.trust.set': true,
  'ca.regenerate': true,
  'browser.open': true,
  'terminal.open': true,
};
const EVENTS: Record<EventName, true> = {
  'flows.added': true,
  'flows.updated': true,
  'flows.cleared': true,
  'flows.deleted': true,
  'replay.progress': true,
  'export.progress': true,
  'ws.messages': true,
  'events.added': true,
  'proxy.state': true,
};

export const CALL_NAMES = Object.keys(CALLS) as CallName[];
export const EVENT_NAMES = Object.keys(EVENTS) as EventName[];

export function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && Object.hasOwn(CALLS, name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(EVENTS, name);
}
