/**
 * Capture's sink in front of the store: every record still goes to the store's queue first, and
 * a small summary of it is kept for the live tail. Summaries are pushed in batches (STYLE 9), and
 * only while someone listens, so a proxy with no UI open pays nothing for it.
 */
import type { ApiEvents, EventName } from '../../src-shared/api/contract.js';
import type { WsMessageView } from '../../src-shared/api/types.js';
import type { ConnectionEvent, Flow, FlowSummary, WsMessage } from '../../src-shared/model/flow.js';
import type { CaptureSink } from '../engine/capture.js';
import type { FlowStore, QueuedBody } from '../store/index.js';
import type { EventListener } from './api-service-types.js';

/** Between 50 and 100 ms, as the contract promises. */
export const PUSH_INTERVAL_MS = 75;
/**
 * A busy socket sends tens of thousands of messages a second, some of them megabytes: a push
 * carries the newest messages up to these bounds, and the UI pages what it skipped from the store
 * (it sees the gap in seq). Summaries of flows are never dropped.
 */
const MAX_MESSAGES_PER_PUSH = 500;
const MAX_PAYLOAD_BYTES_PER_PUSH = 1024 * 1024;

function summaryOf(flow: Flow, messageCount: number): FlowSummary {
  return {
    id: flow.id,
    kind: flow.kind,
    startedAt: flow.startedAt,
    durationMs: flow.durationMs,
    method: flow.method,
    scheme: flow.scheme,
    host: flow.host,
    port: flow.port,
    path: flow.path,
    statusCode: flow.statusCode,
    responseContentType: flow.responseBody?.contentType ?? null,
    responseSize: flow.responseBody ? flow.responseBody.wireSize : null,
    errorType: flow.error?.type ?? null,
    messageCount,
    source: flow.source,
    replayOf: flow.replayOf,
    trafficClass: flow.trafficClass,
    blocked: flow.blockedBy !== null,
  };
}

export function messageView(m: WsMessage): WsMessageView {
  return {
    flowId: m.flowId,
    seq: m.seq,
    direction: m.direction,
    type: m.type,
    time: m.time,
    size: m.size,
    base64: Buffer.from(m.payload.buffer, m.payload.byteOffset, m.payload.byteLength).toString('base64'),
    truncated: m.truncated,
    closeCode: m.closeCode,
    closeReason: m.closeReason,
  };
}

export class LiveFeed implements CaptureSink {
  private readonly listeners = new Set<EventListener>();
  private added = new Map<number, FlowSummary>();
  private updated = new Map<number, FlowSummary>();
  private messages: WsMessage[] = [];
  private messageBytes = 0;
  private events: Array<Omit<ConnectionEvent, 'id'>> = [];
  /** WebSocket flows announced while open, with their message counts so far. */
  private readonly openSockets = new Map<number, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly store: FlowStore) {}

  allocateFlowId(): number {
    return this.store.allocateFlowId();
  }

  enqueueFlow(flow: Flow, bodies?: { request?: QueuedBody; response?: QueuedBody }): void {
    this.store.enqueueFlow(flow, bodies);
    // Only WebSocket flows are written twice (open, then closed); an HTTP flow costs no map work here.
    const count = flow.kind === 'websocket' ? this.openSockets.get(flow.id) : undefined;
    if (flow.kind === 'websocket') {
      if (flow.endedAt === null) this.openSockets.set(flow.id, count ?? 0);
      else this.openSockets.delete(flow.id);
    }
    if (this.listeners.size === 0) return;
    const summary = summaryOf(flow, count ?? 0);
    if (count === undefined || this.added.has(flow.id)) this.added.set(flow.id, summary);
    else this.updated.set(flow.id, summary);
    this.schedule();
  }

  enqueueWsMessage(message: WsMessage): void {
    this.store.enqueueWsMessage(message);
    const count = this.openSockets.get(message.flowId);
    if (count !== undefined) this.openSockets.set(message.flowId, count + 1);
    if (this.listeners.size === 0) return;
    this.messages.push(message);
    this.messageBytes += message.payload.byteLength;
    // Keep only the newest: older ones are in the store for whoever scrolls back.
    if (this.messages.length > MAX_MESSAGES_PER_PUSH * 2 || this.messageBytes > MAX_PAYLOAD_BYTES_PER_PUSH * 2) this.trimMessages();
    this.schedule();
  }

  enqueueEvent(event: Omit<ConnectionEvent, 'id'>): void {
    this.store.enqueueEvent(event);
    if (this.listeners.size === 0) return;
    // A client retrying a rejected certificate can fail hundreds of times a second; the UI needs the latest.
    if (this.events.length >= MAX_MESSAGES_PER_PUSH) this.events.shift();
    this.events.push(event);
    this.schedule();
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Sends an event to every listener now (for rare events such as proxy state or a clear). */
  broadcast<E extends EventName>(event: E, payload: ApiEvents[E]): void {
    for (const listener of this.listeners) listener(event, payload);
  }

  /** Forgets what was waiting to be pushed (the store was cleared). */
  reset(): void {
    this.added.clear();
    this.updated.clear();
    this.messages = [];
    this.messageBytes = 0;
    this.events = [];
  }

  /** Drops the oldest pending messages until the newest fit one push. */
  private trimMessages(): void {
    let keep = 0;
    let bytes = 0;
    for (let i = this.messages.length - 1; i >= 0 && keep < MAX_MESSAGES_PER_PUSH; i--) {
      const size = this.messages[i]!.payload.byteLength;
      if (keep > 0 && bytes + size > MAX_PAYLOAD_BYTES_PER_PUSH) break;
      bytes += size;
      keep++;
    }
    this.messages = this.messages.slice(this.messages.length - keep);
    this.messageBytes = bytes;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.listeners.clear();
    this.reset();
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => this.push(), PUSH_INTERVAL_MS);
  }

  private push(): void {
    this.timer = null;
    const added = [...this.added.values()];
    const updated = [...this.updated.values()];
    this.trimMessages();
    const messages = this.messages;
    const events = this.events;
    this.reset();
    // Counts move on between pushes: an update carries the count as of now.
    for (const summary of updated) summary.messageCount = this.openSockets.get(summary.id) ?? summary.messageCount;
    if (added.length > 0) this.broadcast('flows.added', added);
    if (updated.length > 0) this.broadcast('flows.updated', updated);
    if (messages.length > 0) this.broadcast('ws.messages', messages.map(messageView));
    if (events.length > 0) this.broadcast('events.added', events);
  }
}
