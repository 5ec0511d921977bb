/**
 * Replay: sends stored or edited requests again and records each exchange as a new flow linked to
 * the one it came from (source 'replay', replayOf). Batches run one request at a time, in order,
 * with a pause between them, and report progress as replay.progress events.
 */
import { randomUUID } from 'node:crypto';
import type { ApiEvents } from '../../src-shared/api/contract.js';
import { ApiError } from '../../src-shared/api/errors.js';
import type { ReplayBatchProgress, ReplayBatchQuery, ReplayRequest, ReplayResult, ReplayTarget } from '../../src-shared/api/types.js';
import { classifyTraffic } from '../../src-shared/model/classify.js';
import type { Flow } from '../../src-shared/model/flow.js';
import type { CaptureSink } from '../engine/capture.js';
import { prepareBody, type PreparedBody } from '../store/body-codec.js';
import type { StoredBody } from '../store/reader.js';
import { replayOfFlow, replayOfRequest, type OutgoingRequest } from './outgoing.js';
import { RecentTargets } from './recent-targets.js';
import { sendReplay, type SendOptions, type SentExchange } from './send.js';

/** What replay reads: the service's read pool, or a store opened by the CLI. */
export interface ReplayReads {
  getFlow(id: number): Promise<Flow | null>;
  getBody(id: number, side: 'request', options: { decoded: false }): Promise<StoredBody | null>;
  flowIdsBetween(from: number, to: number, limit: number): Promise<number[]>;
}

export interface ReplayerDeps {
  sink: CaptureSink;
  reads: ReplayReads;
  /** Resolves once everything queued is committed (so a flow just captured can be read). */
  committed(): Promise<void>;
  /** Read at each send: maxBodySize may change while running. */
  sendOptions(): SendOptions;
  dataDir: string;
  broadcast<E extends 'replay.progress'>(event: E, payload: ApiEvents[E]): void;
  /** The user's extra LLM hosts, for classifying replays like captured flows. */
  llmHosts?: () => readonly string[];
}

/** A batch replays at most this many flows. */
export const MAX_BATCH = 100_000;

interface Batch {
  progress: ReplayBatchProgress;
  cancelled: boolean;
  wake: (() => void) | null;
}

export class Replayer {
  private readonly batches = new Map<string, Batch>();
  private readonly recent: RecentTargets;

  constructor(private readonly deps: ReplayerDeps) {
    this.recent = new RecentTargets(deps.dataDir);
  }

  get targets(): string[] {
    return this.recent.targets;
  }

  async replayFlow(id: number, target?: ReplayTarget): Promise<ReplayResult> {
    const outgoing = await this.outgoingOf(id, target);
    if (target) this.recent.use(target.targetUrl.trim());
    return this.send(outgoing, id);
  }

  /**
   * The editor's request. When it came from a flow and still carries that flow's Host while its
   * URL now names another host, Host follows the URL (the person changed where it goes, not the
   * header); a Host they typed themselves is kept.
   */
  async sendRequest(request: ReplayRequest, replayOf?: number): Promise<ReplayResult> {
    let outgoing = replayOfRequest(request);
    if (replayOf !== undefined) {
      const original = await this.deps.reads.getFlow(replayOf);
      if (original) outgoing = followUrlHost(outgoing, new URL(original.url).host);
    }
    return this.send(outgoing, replayOf ?? null);
  }

  async startBatch(query: ReplayBatchQuery): Promise<{ batchId: string; total: number }> {
    const ids = query.ids ?? (await this.idsOfRange(query.range!));
    if (ids.length === 0) throw new ApiError('NOT_FOUND', `There are no flows from ${query.range?.from} to ${query.range?.to}.`);
    if (ids.length > MAX_BATCH) throw new ApiError('BAD_ARGUMENT', `A batch replays at most ${MAX_BATCH} flows; this one has ${ids.length}. Narrow the range.`);
    if (query.target) this.recent.use(query.target.targetUrl.trim());
    const batchId = randomUUID();
    const batch: Batch = {
      progress: { batchId, total: ids.length, done: 0, state: 'running', outcomes: [], lastFlowId: null, skipped: [] },
      cancelled: false,
      wake: null,
    };
    this.batches.set(batchId, batch);
    void this.runBatch(batch, ids, query);
    return { batchId, total: ids.length };
  }

  cancel(batchId: string): boolean {
    const batch = this.batches.get(batchId);
    if (!batch || batch.progress.state !== 'running') return false;
    batch.cancelled = true;
    batch.wake?.();
    return true;
  }

  /** Stops every running batch (the proxy is stopping). */
  dispose(): void {
    for (const id of this.batches.keys()) this.cancel(id);
  }

  private async idsOfRange(range: { from: number; to: number }): Promise<number[]> {
    await this.deps.committed();
    return this.deps.reads.flowIdsBetween(range.from, range.to, MAX_BATCH + 1);
  }

  private async outgoingOf(id: number, target?: ReplayTarget): Promise<OutgoingRequest> {
    let flow = await this.deps.reads.getFlow(id);
    if (!flow) {
      await this.deps.committed();
      flow = await this.deps.reads.getFlow(id);
    }
    if (!flow) throw new ApiError('NOT_FOUND', `There is no flow ${id}. It may have been deleted by clearing or retention.`);
    const body = flow.requestBody.capturedSize > 0 ? await this.deps.reads.getBody(id, 'request', { decoded: false }) : null;
    return replayOfFlow(flow, body, target);
  }

  private async send(outgoing: OutgoingRequest, replayOf: number | null): Promise<ReplayResult> {
    const exchange = await sendReplay(outgoing, this.deps.sendOptions());
    const flowId = await this.record(exchange, replayOf);
    const { flow } = exchange;
    return { flowId, statusCode: flow.statusCode, error: flow.error, durationMs: flow.durationMs };
  }

  private async record(exchange: SentExchange, replayOf: number | null): Promise<number> {
    const id = this.deps.sink.allocateFlowId();
    const { flow: sent } = exchange;
    const flow: Flow = {
      ...sent,
      id,
      source: 'replay',
      replayOf,
      trafficClass: classifyTraffic({ host: sent.host, path: sent.path, requestBody: exchange.requestBody, requestContentType: sent.requestBody.contentType }, this.deps.llmHosts?.() ?? []),
      blockedBy: null,
      upstreamProxy: null,
    };
    const bodies: { request?: PreparedBody; response?: PreparedBody } = {};
    if (exchange.requestBody) {
      bodies.request = await prepareBody(exchange.requestBody, { contentEncoding: flow.requestBody.contentEncoding, truncated: false });
      flow.requestBody.decodedSize = bodies.request.decodedSize;
    }
    if (exchange.responseBody && flow.responseBody) {
      bodies.response = await prepareBody(exchange.responseBody.bytes, {
        contentEncoding: flow.responseBody.contentEncoding,
        truncated: exchange.responseBody.truncated,
      });
      flow.responseBody.decodedSize = bodies.response.decodedSize;
    }
    this.deps.sink.enqueueFlow(flow, bodies);
    return id;
  }

  private async runBatch(batch: Batch, ids: number[], query: ReplayBatchQuery): Promise<void> {
    const { progress } = batch;
    const outcomes = new Map<string, number>();
    const publish = () => {
      progress.outcomes = [...outcomes].map(([key, count]) => ({ key, count }));
      this.deps.broadcast('replay.progress', { ...progress, outcomes: progress.outcomes, skipped: [...progress.skipped] });
    };
    publish();
    for (let i = 0; i < ids.length && !batch.cancelled; i++) {
      if (i > 0 && query.delayMs > 0) await this.pause(batch, query.delayMs);
      if (batch.cancelled) break;
      const id = ids[i]!;
      try {
        const result = await this.send(await this.outgoingOf(id, query.target), id);
        const key = result.error ? result.error.type : String(result.statusCode);
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
        progress.lastFlowId = result.flowId;
      } catch (error) {
        progress.skipped.push({ id, reason: error instanceof Error ? error.message : String(error) });
      }
      progress.done++;
      publish();
    }
    progress.state = batch.cancelled ? 'cancelled' : 'finished';
    publish();
    // Keep finished batches briefly so a late cancel gets a plain "false", then forget them.
    setTimeout(() => this.batches.delete(progress.batchId), 60_000).unref();
  }

  private pause(batch: Batch, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        batch.wake = null;
        resolve();
      }
      batch.wake = done;
    });
  }
}

function followUrlHost(outgoing: OutgoingRequest, originalHost: string): OutgoingRequest {
  if (outgoing.url.host === originalHost) return outgoing;
  const headers = outgoing.headers.map(([name, value]): [string, string] =>
    name.toLowerCase() === 'host' && value === originalHost ? [name, outgoing.url.host] : [name, value]);
  return { ...outgoing, headers };
}
