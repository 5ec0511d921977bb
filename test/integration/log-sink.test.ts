import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionEvent, Flow, WsMessage } from '../../src-shared/model/flow.js';
import type { CaptureSink } from '../../src-main/engine/capture.js';
import { LogSink } from '../../src-main/service/log-sink.js';
import { STARTED, httpFlow } from '../helpers/flow-records.js';
import { tempDir } from './harness.js';

/** Records what reaches it, as the store would receive it. */
class RecordingSink implements CaptureSink {
  nextId = 1;
  flows: Flow[] = [];
  messages: WsMessage[] = [];
  events: Array<Omit<ConnectionEvent, 'id'>> = [];
  allocateFlowId(): number {
    return this.nextId++;
  }
  enqueueFlow(flow: Flow): void {
    this.flows.push(flow);
  }
  enqueueWsMessage(message: WsMessage): void {
    this.messages.push(message);
  }
  enqueueEvent(event: Omit<ConnectionEvent, 'id'>): void {
    this.events.push(event);
  }
}

const authFailure: Omit<ConnectionEvent, 'id'> = {
  time: STARTED, type: 'AUTH_FAILURE', clientIp: '10.0.0.7', clientPort: 50123, host: null, message: 'Wrong password for user "ci".',
};

function wsFlow(endedAt: number | null): Flow {
  return httpFlow({ id: 7, kind: 'websocket', method: 'GET', scheme: 'wss', url: 'wss://api.example.com/live', endedAt, statusCode: 101 });
}

function message(): WsMessage {
  return {
    flowId: 7, seq: 0, direction: 'client-to-server', type: 'text', time: STARTED + 5, size: 2,
    payload: Buffer.from('hi'), truncated: false, closeCode: null, closeReason: null,
  };
}

function readLines(file: string): Array<Record<string, unknown>> {
  return fs.readFileSync(file, 'utf8').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
}

let root = '';
let inner: RecordingSink;
let errors: string[];
const sinks: LogSink[] = [];

function open(dir: string, now?: () => number): LogSink {
  const sink = new LogSink(inner, dir, { onError: (m) => errors.push(m), now });
  sinks.push(sink);
  return sink;
}

beforeEach(() => {
  root = tempDir('flowscope-log-sink-');
  inner = new RecordingSink();
  errors = [];
});

afterEach(async () => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  for (const sink of sinks.splice(0)) await sink.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('LogSink', () => {
  it('forwards everything to the inner sink and appends finished flows and events as JSON lines', async () => {
    const dir = path.join(root, 'logs', 'flows');
    const sink = open(dir, () => STARTED);
    expect(sink.allocateFlowId()).toBe(1);
    sink.enqueueFlow(httpFlow({ id: 1 }));
    sink.enqueueFlow(wsFlow(null));
    sink.enqueueWsMessage(message());
    sink.enqueueEvent(authFailure);
    sink.enqueueFlow(wsFlow(STARTED + 900));
    await sink.flush();

    expect(inner.flows.map((f) => [f.id, f.endedAt])).toEqual([[1, STARTED + 120.5], [7, null], [7, STARTED + 900]]);
    expect(inner.messages).toHaveLength(1);
    expect(inner.events).toEqual([authFailure]);

    const file = path.join(dir, 'flowscope-2026-03-14.jsonl');
    expect(fs.readdirSync(dir)).toEqual(['flowscope-2026-03-14.jsonl']);
    const lines = readLines(file);
    // The open WebSocket is skipped; it is written once, closed.
    expect(lines).toEqual([
      { type: 'flow', ...JSON.parse(JSON.stringify(httpFlow({ id: 1 }))) },
      { type: 'event', event: 'AUTH_FAILURE', time: STARTED, clientIp: '10.0.0.7', clientPort: 50123, host: null, message: 'Wrong password for user "ci".' },
      { type: 'flow', ...JSON.parse(JSON.stringify(wsFlow(STARTED + 900))) },
    ]);
    expect(lines[0]).toMatchObject({ requestHeaders: [['Host', 'api.example.com:8443'], ['Content-Type', 'application/json'], ['Cookie', 'session=abc123; theme=dark'], ['Content-Length', '16']] });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(sink.dropped).toBe(0);
  });

  it('appends a batch in one write, every ~100 ms or at once past 256 KiB', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const append = vi.spyOn(fs.promises, 'appendFile');
    const sink = open(root, () => STARTED);
    const file = path.join(root, 'flowscope-2026-03-14.jsonl');
    for (let id = 1; id <= 100; id++) sink.enqueueFlow(httpFlow({ id }));
    await new Promise((resolve) => setImmediate(resolve));
    expect(append).not.toHaveBeenCalled();
    vi.advanceTimersByTime(100);
    await vi.waitFor(() => expect(readLines(file)).toHaveLength(100));
    expect(append).toHaveBeenCalledTimes(1);

    // About 1.5 KB a line: the 177th passes 256 KiB, and those go without waiting for the clock.
    for (let id = 101; id <= 300; id++) sink.enqueueFlow(httpFlow({ id }));
    await vi.waitFor(() => expect(readLines(file)).toHaveLength(277));
    expect(append).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(100);
    await vi.waitFor(() => expect(readLines(file)).toHaveLength(300));
    expect(append).toHaveBeenCalledTimes(3);
    expect(readLines(file).map((line) => line.id)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
  });

  it('starts a new file when the UTC date changes', async () => {
    let clock = Date.UTC(2026, 2, 14, 23, 59, 59, 900);
    const sink = open(root, () => clock);
    sink.enqueueFlow(httpFlow({ id: 1 }));
    clock = Date.UTC(2026, 2, 15, 0, 0, 0, 100);
    sink.enqueueFlow(httpFlow({ id: 2 }));
    await sink.flush();
    sink.enqueueEvent(authFailure);
    await sink.flush();
    expect(fs.readdirSync(root).sort()).toEqual(['flowscope-2026-03-14.jsonl', 'flowscope-2026-03-15.jsonl']);
    expect(readLines(path.join(root, 'flowscope-2026-03-14.jsonl')).map((l) => l.id)).toEqual([1]);
    expect(readLines(path.join(root, 'flowscope-2026-03-15.jsonl')).map((l) => l.id ?? l.event)).toEqual([2, 'AUTH_FAILURE']);
  });

  it('writes what is buffered on close, and drops (counts) lines given after it', async () => {
    const sink = open(root, () => STARTED);
    for (let id = 1; id <= 5; id++) sink.enqueueFlow(httpFlow({ id }));
    await sink.close();
    expect(readLines(path.join(root, 'flowscope-2026-03-14.jsonl'))).toHaveLength(5);
    sink.enqueueFlow(httpFlow({ id: 6 }));
    expect(inner.flows).toHaveLength(6);
    expect(sink.dropped).toBe(1);
  });

  it('reports an unwritable folder once, keeps capturing, and resumes by itself', async () => {
    const blocker = path.join(root, 'not-a-folder');
    fs.writeFileSync(blocker, '');
    const dir = path.join(blocker, 'logs');
    const sink = open(dir, () => STARTED);
    sink.enqueueFlow(httpFlow({ id: 1 }));
    await sink.flush();
    sink.enqueueFlow(httpFlow({ id: 2 }));
    sink.enqueueEvent(authFailure);
    await sink.flush();

    expect(errors).toEqual([
      `Cannot write the flow log in ${dir} (ENOTDIR). Flows are still captured; part of that path is a file, not a folder; change --log-dir.`,
    ]);
    expect(sink.dropped).toBe(3);
    expect(inner.flows.map((f) => f.id)).toEqual([1, 2]);
    expect(inner.events).toHaveLength(1);

    // The path becomes a folder again: the next batch is written, without another report.
    fs.rmSync(blocker);
    sink.enqueueFlow(httpFlow({ id: 3 }));
    await sink.flush();
    expect(readLines(path.join(dir, 'flowscope-2026-03-14.jsonl')).map((l) => l.id)).toEqual([3]);
    expect(errors).toHaveLength(1);
    expect(sink.dropped).toBe(3);
  });

  it('retries a refusing disk in the background and ends a half-written line before appending', async () => {
    const file = path.join(root, 'flowscope-2026-03-14.jsonl');
    const sink = open(root, () => STARTED);
    const append = vi.spyOn(fs.promises, 'appendFile');
    // A full disk: the append writes part of the line, then fails.
    append.mockImplementationOnce(async () => {
      fs.writeFileSync(file, '{"type":"flow","id":1,"met');
      throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    });
    sink.enqueueFlow(httpFlow({ id: 1 }));
    await sink.flush();
    expect(errors).toEqual([`Cannot write the flow log in ${root} (ENOSPC). Flows are still captured; free space or change --log-dir.`]);
    expect(sink.dropped).toBe(1);

    sink.enqueueFlow(httpFlow({ id: 2 }));
    // No flush: the retry timer (about a second) writes it.
    await vi.waitFor(() => expect(fs.readFileSync(file, 'utf8')).toContain('"id":2'), { timeout: 3000 });
    const [torn, ...rest] = fs.readFileSync(file, 'utf8').split('\n');
    expect(torn).toBe('{"type":"flow","id":1,"met');
    expect(rest.filter((l) => l !== '').map((l) => (JSON.parse(l) as Flow).id)).toEqual([2]);
    expect(errors).toHaveLength(1);
  });
});
