/**
 * `--log-dir DIR`: every finished flow (and connection event) is also appended as one JSON line to
 * DIR/flowscope-YYYY-MM-DD.jsonl, for people who ship logs elsewhere. A tee in front of capture's
 * real sink: the store gets every record first, and nothing here can slow or break capture. Lines
 * are buffered and appended in batches; when the disk refuses them they are dropped and counted,
 * the failure is reported once, and writing resumes by itself when the disk takes them again.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ConnectionEvent, Flow, WsMessage } from '../../src-shared/model/flow.js';
import type { CaptureSink } from '../engine/capture.js';
import type { QueuedBody } from '../store/index.js';

/** A batch is appended this often at most... */
const FLUSH_INTERVAL_MS = 100;
/** ...or as soon as this much is buffered. */
const FLUSH_BYTES = 256 * 1024;
/** While the disk refuses lines (or is slower than capture), memory stays bounded: beyond this lines are dropped. */
const MAX_PENDING_BYTES = 4 * 1024 * 1024;
/** A refusing disk is asked again this often, not every batch. */
const RETRY_INTERVAL_MS = 1000;

export interface LogSinkOptions {
  /** Called with a message for a person when writing fails; once, until writing works again. Must not throw. */
  onError: (message: string) => void;
  /** The clock that dates the files (tests move it across midnight). Default Date.now. */
  now?: () => number;
}

const ADVICE: Record<string, string> = {
  ENOSPC: 'free space or change --log-dir.',
  EDQUOT: 'free space or change --log-dir.',
  EACCES: 'allow Flowscope to write there or change --log-dir.',
  EPERM: 'allow Flowscope to write there or change --log-dir.',
  EROFS: 'the disk is read-only; change --log-dir.',
  ENOTDIR: 'part of that path is a file, not a folder; change --log-dir.',
  EEXIST: 'a file has that name, not a folder; change --log-dir.',
};

function errorCode(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code ?? (err instanceof Error ? err.message : String(err));
}

/**
 * Files are named by the UTC date on which a line is written, not the flow's start: each file then
 * only grows while its day lasts, so a shipper can take yesterday's file as complete after midnight
 * (a WebSocket opened yesterday and closed today goes in today's file; its line has startedAt).
 */
function fileNameFor(ms: number): string {
  return `flowscope-${new Date(ms).toISOString().slice(0, 10)}.jsonl`;
}

/** Whether a file ends in half a line, as an append that failed midway (a full disk) leaves it. */
async function endsMidLine(file: string): Promise<boolean> {
  let handle;
  try {
    handle = await fs.promises.open(file, 'r');
    const { size } = await handle.stat();
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } catch {
    return false;
  } finally {
    await handle?.close();
  }
}

export class LogSink implements CaptureSink {
  /** Lines waiting to be appended, by file name (a batch may straddle midnight). */
  private pending = new Map<string, string[]>();
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;
  private failing = false;
  /** Files whose last append failed: the next append first ends a possibly half-written line. */
  private readonly torn = new Set<string>();
  private droppedLines = 0;
  private closed = false;
  private readonly now: () => number;
  private readonly onError: (message: string) => void;

  constructor(private readonly inner: CaptureSink, readonly dir: string, options: LogSinkOptions) {
    this.now = options.now ?? Date.now;
    this.onError = options.onError;
  }

  /** Lines not written: refused by the disk, over the buffer bound, or given after close(). */
  get dropped(): number {
    return this.droppedLines;
  }

  allocateFlowId(): number {
    return this.inner.allocateFlowId();
  }

  enqueueFlow(flow: Flow, bodies?: { request?: QueuedBody; response?: QueuedBody }): void {
    this.inner.enqueueFlow(flow, bodies);
    // An open WebSocket is written again when it closes; its line is written then, once.
    if (flow.endedAt === null) return;
    this.append(JSON.stringify({ type: 'flow', ...flow }));
  }

  enqueueWsMessage(message: WsMessage): void {
    this.inner.enqueueWsMessage(message);
  }

  enqueueEvent(event: Omit<ConnectionEvent, 'id'>): void {
    this.inner.enqueueEvent(event);
    // "type" says what the line is; the event's own type (AUTH_FAILURE, ...) goes in "event".
    const { type, ...rest } = event;
    this.append(JSON.stringify({ type: 'event', event: type, ...rest }));
  }

  /**
   * Appends what is buffered now, retrying a refusing disk at once; resolves when it is written or
   * dropped. Lines given meanwhile may go with it; a busy capture does not keep it waiting.
   */
  async flush(): Promise<void> {
    await this.writing;
    this.startWrite();
    await this.writing;
  }

  /** Writes what is buffered; lines given afterwards are dropped (capture may deliver late events). */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private append(line: string): void {
    if (this.closed || this.pendingBytes >= MAX_PENDING_BYTES) {
      this.droppedLines++;
      return;
    }
    const name = fileNameFor(this.now());
    let lines = this.pending.get(name);
    if (!lines) this.pending.set(name, (lines = []));
    lines.push(`${line}\n`);
    this.pendingBytes += line.length + 1;
    this.schedule();
  }

  private schedule(): void {
    if (this.writing) return; // the running write looks at what is pending when it ends
    if (!this.failing && this.pendingBytes >= FLUSH_BYTES) this.startWrite();
    else this.timer ??= setTimeout(() => this.startWrite(), this.failing ? RETRY_INTERVAL_MS : FLUSH_INTERVAL_MS).unref();
  }

  private startWrite(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.writing || this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    this.pendingBytes = 0;
    this.writing = this.write(batch).finally(() => {
      this.writing = null;
      if (this.pending.size > 0) this.schedule();
    });
  }

  /** Never rejects: a failure drops the batch's unwritten lines and is reported once. */
  private async write(batch: Map<string, string[]>): Promise<void> {
    let unwritten = 0;
    for (const lines of batch.values()) unwritten += lines.length;
    let file: string | null = null;
    try {
      // Every batch, so a folder removed while running is made again.
      await fs.promises.mkdir(this.dir, { recursive: true, mode: 0o700 });
      for (const [name, lines] of batch) {
        file = path.join(this.dir, name);
        const mend = this.torn.has(file) && await endsMidLine(file);
        await fs.promises.appendFile(file, `${mend ? '\n' : ''}${lines.join('')}`, { mode: 0o600 });
        this.torn.delete(file);
        unwritten -= lines.length;
      }
      this.failing = false;
    } catch (err) {
      if (file) this.torn.add(file);
      this.droppedLines += unwritten;
      if (this.failing) return;
      this.failing = true;
      const code = errorCode(err);
      this.onError(`Cannot write the flow log in ${this.dir} (${code}). Flows are still captured; ${ADVICE[code] ?? 'check the folder or change --log-dir.'}`);
    }
  }
}
