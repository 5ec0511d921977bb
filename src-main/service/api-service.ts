/**
 * The one implementation of the contract (src-shared/api). Transports validate arguments and map
 * errors; this file turns calls into store, engine and CA operations and nothing else.
 */
import type { ApiHandlers } from '../../src-shared/api/contract.js';
import { ApiError } from '../../src-shared/api/errors.js';
import type { BodyView, ProxyState, SettingsChange } from '../../src-shared/api/types.js';
import type { Flow } from '../../src-shared/model/flow.js';
import type { Settings } from '../../src-shared/model/settings.js';
import { exportCa } from '../ca/index.js';
import { TrafficPolicy } from '../policy/traffic-policy.js';
import { hashPatchSecrets, keepStoredSecrets, withoutSecrets } from '../policy/secrets.js';
import type { RetentionCaps } from '../store/index.js';
import type { ApiService } from './api-service-types.js';
import { messageView } from './live-feed.js';
import type { ProxyRuntime } from './proxy-runtime.js';
import { mergeSettings, saveSettings, settingsFilePath } from './settings-file.js';
import { exposureWarning } from './exposure.js';
import { livePolicyChanges, restartPolicyChanges } from './settings-changes.js';
import { createOsService } from './os-service.js';
import { createTransferService, type SaveDialog } from './transfer-service.js';

export interface ApiServiceOptions {
  /** The settings in effect for this run (stored ones, overridden by flags). */
  settings: Settings;
  /** The settings as stored (what the Settings view edits); default: `settings`. */
  stored?: Settings;
  /** Names of settings given as flags for this run (e.g. "proxyPort"): they keep their flag value until a restart. */
  fromFlags?: Array<keyof Settings>;
  /** How often proxy state is pushed while someone listens. */
  stateIntervalMs?: number;
  /** The desktop app's save dialog, for export.save (browser mode downloads instead). */
  saveDialog?: SaveDialog;
}

const CA_FILES = {
  pem: { filename: 'flowscope-ca.pem', mimeType: 'application/x-pem-file' },
  der: { filename: 'flowscope-ca.cer', mimeType: 'application/pkix-cert' },
  p12: { filename: 'flowscope-ca.p12', mimeType: 'application/x-pkcs12' },
} as const;

const MIB = 1024 * 1024;
const DAY_MS = 86_400_000;

export function retentionCaps(r: Settings['retention']): RetentionCaps {
  return {
    ...(r.maxFlows !== null && { maxFlows: r.maxFlows }),
    ...(r.maxAgeDays !== null && { maxAgeMs: r.maxAgeDays * DAY_MS }),
    ...(r.maxDbMegabytes !== null && { maxDbBytes: r.maxDbMegabytes * MIB }),
  };
}

export function createApiService(runtime: ProxyRuntime, options: ApiServiceOptions): ApiService {
  // The UI's queries run on the read threads: here only the writer's counters and clear run, and
  // waiting for the writer is asynchronous, so the proxy never waits on a query.
  const { store, reads, engine, feed, ca } = runtime;
  let settings = options.settings;
  let stored = options.stored ?? options.settings;
  const fromFlags = options.fromFlags ?? [];
  const transfer = createTransferService(runtime, options.saveDialog);
  // An upstream proxy the OS had before Flowscope took its place: used while the system proxy is on, never saved.
  let adopted: string | null = null;
  const effective = (s: Settings): Settings => (adopted && !s.upstreamProxies.includes(adopted) ? { ...s, upstreamProxies: [adopted, ...s.upstreamProxies] } : s);
  const osService = createOsService(runtime, (proxy) => {
    adopted = proxy;
    runtime.applySettings(effective(settings));
  });

  /** A flow announced live may still be in the write queue: let it be committed before saying it is not there. */
  const flowOrThrow = async (id: number): Promise<Flow> => {
    let flow = await reads.getFlow(id);
    if (!flow) {
      await store.committed();
      flow = await reads.getFlow(id);
    }
    if (!flow) throw new ApiError('NOT_FOUND', `There is no flow ${id}. It may have been deleted by clearing or retention.`);
    return flow;
  };

  const proxyState = async (): Promise<ProxyState> => {
    const queue = store.queueStats();
    return {
      listening: true,
      host: engine.host,
      port: engine.port,
      proxyUrl: engine.url,
      startedAt: runtime.startedAt,
      flowCount: await reads.countFlows(),
      dbSizeBytes: store.sizeOnDisk(),
      queued: queue.queued,
      dropped: queue.dropped,
      lastWriteError: queue.lastWriteError?.message ?? null,
      warnings: [exposureWarning(engine.host, runtime.policy())].filter((w): w is string => w !== null).map((w) => w[0]!.toUpperCase() + w.slice(1)),
    };
  };

  const changeSettings = (patch: Partial<Settings>): SettingsChange => {
    const before = stored;
    const nextStored = mergeSettings(stored, patch);
    // Build what would run before saving anything: a value the policy cannot use is refused whole.
    try {
      new TrafficPolicy(nextStored, () => undefined);
    } catch (error) {
      throw new ApiError('BAD_ARGUMENT', `settings.set: ${(error as Error).message} Nothing was changed.`);
    }
    try {
      saveSettings(runtime.dataDir, nextStored);
    } catch (error) {
      throw new ApiError('UNAVAILABLE', `Could not save the settings to ${settingsFilePath(runtime.dataDir)} (${(error as Error).message}); nothing was changed. Check that the data directory is writable and has room.`);
    }
    stored = nextStored;
    const applied: string[] = [];
    const needsRestart: string[] = [];
    // A setting given as a flag keeps its flag value for this run; the stored one is for later starts.
    const livePatch: Partial<Settings> = { ...patch };
    for (const name of fromFlags) {
      if (!(name in livePatch)) continue;
      delete livePatch[name];
      if (JSON.stringify(stored[name]) !== JSON.stringify(before[name])) {
        needsRestart.push(`${name} is set by a command-line flag for this run; the saved value applies when Flowscope starts without it.`);
      }
    }
    const next = mergeSettings(settings, livePatch);
    runtime.applySettings(effective(next));
    if (next.maxBodySize !== settings.maxBodySize) {
      applied.push(`Bodies are now kept up to ${next.maxBodySize} bytes each, from the next flow on.`);
    }
    applied.push(...livePolicyChanges(settings, next));
    needsRestart.push(...restartPolicyChanges(settings, next));
    if (JSON.stringify(next.retention) !== JSON.stringify(settings.retention)) {
      runtime.setRetention(retentionCaps(next.retention));
      applied.push('The new retention caps apply now, in the background.');
    }
    if (next.proxyPort !== settings.proxyPort || next.proxyHost !== settings.proxyHost) {
      needsRestart.push(`The proxy listens on ${next.proxyHost}:${next.proxyPort} after a restart; until then it stays on ${engine.host}:${engine.port}.`);
    }
    settings = next;
    return { settings: stored, applied, needsRestart };
  };

  const handlers: ApiHandlers = {
    'flows.page': (args) => reads.pageSummaries(args),
    'flows.count': async (args) => ({ count: await reads.countFlows(args.filter) }),
    'flows.get': ({ id }) => flowOrThrow(id),
    'flows.body': async ({ id, side, decoded }): Promise<BodyView | null> => {
      const flow = await flowOrThrow(id);
      const info = side === 'request' ? flow.requestBody : flow.responseBody;
      const body = await reads.getBody(id, side, { decoded: decoded !== false });
      if (!info || !body) return null;
      return {
        base64: body.bytes.toString('base64'),
        size: body.bytes.length,
        truncated: body.truncated,
        wireSize: info.wireSize,
        contentType: info.contentType,
        contentEncoding: body.contentEncoding,
        decoded: body.decoded,
        decodeError: body.decodeError ?? null,
        dropped: info.dropped,
      };
    },
    'flows.messages': async ({ id, afterSeq, limit }) => {
      const flow = await flowOrThrow(id);
      if (flow.kind !== 'websocket') return [];
      // Messages of an open socket are still arriving: let what is queued be committed so paging is exact.
      if (flow.endedAt === null) await store.committed();
      const messages = await reads.getWsMessages(id, { limit, ...(afterSeq !== undefined && { afterSeq }) });
      return messages.map(messageView);
    },
    'flows.clear': () => {
      store.clear();
      feed.reset();
      feed.broadcast('flows.cleared', {});
      return { cleared: true };
    },
    'events.list': (args) => reads.listEvents(args),
    'stats.get': (args) => reads.trafficStats(args.filter),
    'proxy.status': proxyState,
    'settings.get': () => ({ settings: withoutSecrets(stored), fromFlags, file: settingsFilePath(runtime.dataDir) }),
    'settings.set': ({ settings: patch }) => {
      const change = changeSettings(keepStoredSecrets(hashPatchSecrets(patch), stored));
      return { ...change, settings: withoutSecrets(change.settings) };
    },
    'ca.info': () => ca.info,
    'ca.export': ({ format }) => ({ ...CA_FILES[format], base64: exportCa(ca, format, { includeKey: false }).toString('base64') }),
    ...transfer.handlers,
    ...osService.handlers,
  };

  // Someone will ask: a UI or a script. Have the read threads ready for the first page.
  runtime.reads.warm();
  // Proxy state is pushed only while someone listens: a proxy with no UI open counts nothing.
  let listeners = 0;
  let stateTimer: NodeJS.Timeout | null = null;
  const pushState = () => {
    proxyState().then((state) => feed.broadcast('proxy.state', state), () => undefined);
  };
  const stopState = () => {
    if (stateTimer) clearInterval(stateTimer);
    stateTimer = null;
  };
  return {
    handlers,
    exportTo: transfer.exportTo,
    importText: transfer.importText,
    subscribe: (listener) => {
      const unsubscribe = feed.subscribe(listener);
      if (listeners++ === 0) {
        stateTimer = setInterval(pushState, options.stateIntervalMs ?? 1000);
        stateTimer.unref();
      }
      let subscribed = true;
      return () => {
        if (!subscribed) return;
        subscribed = false;
        unsubscribe();
        if (--listeners === 0) stopState();
      };
    },
    dispose: async () => {
      stopState();
      transfer.dispose();
      await osService.dispose();
    },
  };
}
