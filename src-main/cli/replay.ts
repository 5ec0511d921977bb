/** `flowscope replay` and `flowscope replay-range`: send stored requests again, one per line of output. */
import path from 'node:path';
import { validateArgs } from '../../src-shared/api/validate.js';
import type { ReplayResult, ReplayTarget } from '../../src-shared/api/types.js';
import { DEFAULT_RESPONSE_TIMEOUT_MS } from '../engine/engine.js';
import { MAX_BATCH, Replayer } from '../replay/replayer.js';
import { lockDataDir } from '../service/runtime-file.js';
import { loadSettings } from '../service/settings-file.js';
import { FlowStore } from '../store/index.js';
import { openStoreForReading } from './read.js';
import { restCall, runningApi } from './running-proxy.js';

export interface ReplayCliOptions {
  targetUrl?: string;
  keepHost: boolean;
  /** Pause between two requests of a range. */
  delaySeconds?: number;
  out?: NodeJS.WritableStream;
  err?: NodeJS.WritableStream;
}

type ReplayOne = (id: number, target?: ReplayTarget) => Promise<ReplayResult>;

function line(id: number, result: ReplayResult): string {
  const outcome = result.error ? `${result.error.type}: ${result.error.message}` : String(result.statusCode);
  const time = result.durationMs === null ? '' : `  ${Math.round(result.durationMs)} ms`;
  return `flow ${id} replayed as flow ${result.flowId}: ${outcome}${time}\n`;
}

/** Runs `fn` with a way to replay: through the running proxy, or on the store opened here. */
async function withReplay<T>(dataDir: string, fn: (replay: ReplayOne, idsBetween: (from: number, to: number) => number[]) => Promise<T>): Promise<T> {
  const api = runningApi(dataDir);
  if (api) {
    const reader = openStoreForReading(dataDir);
    try {
      return await fn(
        (id, target) => restCall<ReplayResult>(api, 'POST', `/api/flows/${id}/replay`, JSON.stringify(target ?? {})),
        (from, to) => reader.flowIdsBetween(from, to, MAX_BATCH + 1),
      );
    } finally {
      reader.close();
    }
  }
  openStoreForReading(dataDir).close(); // says plainly when nothing was ever captured here
  const unlock = lockDataDir(dataDir);
  const store = FlowStore.open(path.join(dataDir, 'flows.db'));
  try {
    const { settings } = loadSettings(dataDir);
    const replayer = new Replayer({
      sink: store,
      reads: {
        getFlow: async (id) => store.getFlow(id),
        getBody: async (id, side, options) => store.getBody(id, side, options),
        flowIdsBetween: async (from, to, limit) => store.flowIdsBetween(from, to, limit),
      },
      committed: () => store.committed(),
      dataDir,
      sendOptions: () => ({ maxBodySize: settings.maxBodySize, timeoutMs: DEFAULT_RESPONSE_TIMEOUT_MS, upstreamCaPems: [], insecureHosts: [] }),
      broadcast: () => undefined,
    });
    return await fn((id, target) => replayer.replayFlow(id, target), (from, to) => store.flowIdsBetween(from, to, MAX_BATCH + 1));
  } finally {
    store.close();
    unlock();
  }
}

function targetOf(id: number, options: ReplayCliOptions): ReplayTarget | undefined {
  if (options.targetUrl === undefined) return undefined;
  // The same checks and messages as the API's.
  return validateArgs('replay.flow', { id, target: { targetUrl: options.targetUrl, keepHost: options.keepHost } }).target;
}

/** Replays the flows and returns the exit code: 0 when every request got a response. */
export async function replayCommand(dataDir: string, which: { id: number } | { from: number; to: number }, options: ReplayCliOptions): Promise<number> {
  const out = options.out ?? process.stdout;
  const err = options.err ?? process.stderr;
  const target = targetOf('id' in which ? which.id : which.from, options);
  return withReplay(dataDir, async (replay, idsBetween) => {
    const ids = 'id' in which ? [which.id] : idsBetween(which.from, which.to);
    if (ids.length === 0) throw new Error(`There are no flows from ${'from' in which ? which.from : ''} to ${'to' in which ? which.to : ''}. Run \`flowscope list\` to see the ids.`);
    if (ids.length > MAX_BATCH) throw new Error(`A range replays at most ${MAX_BATCH} flows; this one has more. Narrow it.`);
    const outcomes = new Map<string, number>();
    let failures = 0;
    for (const [index, id] of ids.entries()) {
      if (index > 0 && options.delaySeconds) await new Promise((resolve) => setTimeout(resolve, options.delaySeconds! * 1000));
      try {
        const result = await replay(id, target);
        out.write(line(id, result));
        const key = result.error?.type ?? String(result.statusCode);
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
        if (result.error) failures++;
      } catch (error) {
        failures++;
        err.write(`flow ${id} was not replayed: ${(error as Error).message}\n`);
        if (ids.length === 1) return 1;
      }
    }
    if (ids.length > 1) {
      const summary = [...outcomes].map(([key, count]) => `${key} x${count}`).join(', ') || 'nothing sent';
      out.write(`Replayed ${ids.length - failures} of ${ids.length} flows: ${summary}.\n`);
    }
    return failures === 0 ? 0 : 1;
  });
}
