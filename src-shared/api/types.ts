/**
 * The values that cross the contract. Everything is plain JSON (bytes travel as base64), so the
 * same types serve Electron IPC, the WebSocket RPC and the REST API.
 */
import type { FlowError } from '../model/errors.js';
import type { FlowSummary, RawHeaders, WsMessage } from '../model/flow.js';
import type { Settings } from '../model/settings.js';
import type { ExportFormat } from '../model/transfer.js';

export interface FlowPageQuery {
  /** Filter language expression (see src-shared/filter); empty or absent matches every flow. */
  filter?: string;
  /** Keyset cursor: only flows with a smaller id (older). */
  beforeId?: number;
  limit: number;
}

export interface FlowPageResult {
  /** Newest first. */
  items: FlowSummary[];
  /** Pass as beforeId for the next (older) page; null when this page is the last. */
  nextCursor: number | null;
}

export type BodySideName = 'request' | 'response';

export interface BodyView {
  /** The body's bytes, base64: content-decoded unless `decoded` is false. */
  base64: string;
  /** Length of the bytes above. */
  size: number;
  /** Only the first part was captured (the body was over the body size cap). */
  truncated: boolean;
  /** Bytes on the wire, for "truncated at N of M bytes". */
  wireSize: number;
  contentType: string | null;
  contentEncoding: string | null;
  /** The bytes carry no content-encoding any more. */
  decoded: boolean;
  /** Why the bytes are not decoded when decoding was asked for. */
  decodeError: string | null;
  /** The body was dropped under overload: sizes are known, bytes are not. */
  dropped: boolean;
}

/** A WebSocket message as it crosses the contract: the payload (cut at the body size cap) in base64. */
export type WsMessageView = Omit<WsMessage, 'payload'> & { base64: string };

export interface DroppedCountsView {
  flows: number;
  bodies: number;
  messages: number;
  events: number;
}

export interface ProxyState {
  listening: boolean;
  host: string;
  port: number;
  proxyUrl: string;
  startedAt: number;
  flowCount: number;
  dbSizeBytes: number;
  queued: number;
  dropped: DroppedCountsView;
  /** The store's last write failure, said for a person (null when writes succeed). */
  lastWriteError: string | null;
  /** Things a person should act on, e.g. a proxy open to other machines without authentication. */
  warnings: string[];
}

export interface CountBy {
  key: string;
  count: number;
}

export interface Stats {
  total: number;
  /** Flows that failed before a response: refused, reset, timed out, TLS errors... */
  errors: number;
  /** Flows with an error or a 5xx response. */
  failed: number;
  averageDurationMs: number | null;
  byMethod: CountBy[];
  /** '1xx' .. '5xx', 'none' for flows without a response. */
  byStatusClass: CountBy[];
  /** The busiest hosts, most flows first. */
  byHost: CountBy[];
  /** llm, mcp, web, other: most flows first. */
  byTrafficClass: CountBy[];
  /** Hosts with failed flows (error or status >= 500), highest share first. */
  errorRateByHost: Array<{ host: string; total: number; failed: number; rate: number }>;
  slowest: Array<{ id: number; method: string; host: string; path: string; durationMs: number; statusCode: number | null }>;
}

export interface SettingsView {
  /** The stored settings: what Flowscope starts with when no flag says otherwise. */
  settings: Settings;
  /** Settings given on the command line for this run: they keep their flag value until a restart. */
  fromFlags: Array<keyof Settings>;
  /** Where the settings are stored. */
  file: string;
}

export interface SettingsChange {
  /** The stored settings after the change. */
  settings: Settings;
  /** What took effect now, said for a person. */
  applied: string[];
  /** What needs a restart before it takes effect. */
  needsRestart: string[];
}

export interface CaFile {
  filename: string;
  mimeType: string;
  base64: string;
}

/** Where a replay goes instead of the flow's own URL. */
export interface ReplayTarget {
  /** A full URL (sent there as it is) or only an origin such as http://localhost:3000 (path and query kept). */
  targetUrl: string;
  /** Keep the original Host header instead of the new target's. */
  keepHost: boolean;
}

/** A request as the editor sends it. */
export interface ReplayRequest {
  method: string;
  url: string;
  headers: RawHeaders;
  /**
   * The body: `encoded` true means the bytes are already in the content-encoding the headers name
   * (sent as they are); false means plain content that Flowscope encodes as the headers say.
   */
  body: { base64: string; encoded: boolean } | null;
}

export interface ReplayResult {
  /** The new flow that recorded the replay. */
  flowId: number;
  statusCode: number | null;
  error: FlowError | null;
  durationMs: number | null;
}

export interface ReplayBatchQuery {
  /** The flows to replay, in this order; or give `range`. */
  ids?: number[];
  /** Every flow with an id from `from` to `to` (both included), oldest first. */
  range?: { from: number; to: number };
  /** Pause between two requests. */
  delayMs: number;
  target?: ReplayTarget;
}

export interface ReplayBatchProgress {
  batchId: string;
  total: number;
  /** Requests answered or failed so far. */
  done: number;
  state: 'running' | 'finished' | 'cancelled';
  /** How the replays ended so far: status codes ("200") and error types ("CONNECTION_REFUSED"). */
  outcomes: CountBy[];
  /** The flow that recorded the last replay. */
  lastFlowId: number | null;
  /** Flows of the batch that could not be sent at all (deleted, a WebSocket...), with why. */
  skipped: Array<{ id: number; reason: string }>;
}

export interface ExportQuery {
  format: ExportFormat;
  /** Only the flows this filter matches; all flows without one. */
  filter?: string;
  /** Only these flows (the filter still applies when both are given). */
  ids?: number[];
  /** Leave out credentials: Authorization, Cookie, Set-Cookie and token, API-key and secret headers. */
  redact: boolean;
}

export interface ExportProgress {
  exportId: string;
  done: number;
  total: number;
  state: 'running' | 'finished' | 'failed';
  /** Why a failed export stopped, said for a person. */
  error: string | null;
}

export interface ImportResult {
  format: ExportFormat;
  imported: number;
  /** Ids of the new flows: from firstId to lastId. */
  firstId: number | null;
  lastId: number | null;
}

/** Where the CA is trusted on this machine, per store. */
export interface TrustEntry {
  store: 'system' | 'nss';
  /** The store said for a person: "login keychain", "Chromium (~/.pki/nssdb)"... */
  label: string;
  /** The NSS database folder (nss only), for ca.trust.set. */
  location: string | null;
  trusted: boolean;
}

export interface OsStatus {
  systemProxy: {
    supported: boolean;
    /** The OS proxy points at Flowscope now. */
    enabled: boolean;
    /** What the OS uses now, said for a person. */
    current: string | null;
    /** What to do by hand where Flowscope cannot set it. */
    manualSteps: string | null;
  };
  trust: TrustEntry[];
  /** Browsers that can be opened through Flowscope with a fresh profile. */
  browsers: Array<{ id: 'chrome' | 'chromium' | 'edge' | 'brave' | 'firefox'; name: string }>;
  /** A terminal program was found for "New terminal". */
  terminal: boolean;
}
