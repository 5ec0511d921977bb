/** Body formatting: linear-time markup printing, and a worker client that never leaves a job hanging. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { prettyCode, prettyMarkup } from '../../src-renderer/components/body-format.js';
import { createBodyFormatter, type WorkerLike } from '../../src-renderer/components/body-worker-client.js';
import type { BodyJob, BodyJobReply } from '../../src-renderer/components/body-worker.js';
import { base64ByteLength } from '../../src-renderer/components/format.js';

describe('prettyMarkup', () => {
  it('puts one element per line, indented by depth, keeping every character of the text', () => {
    expect(prettyMarkup('<a><b>hi</b><br><!-- note --><c/></a>')).toBe('<a>\n  <b>\n    hi\n  </b>\n  <br>\n  <!-- note -->\n  <c/>\n</a>');
    expect(prettyMarkup('<?xml version="1.0"?><r x="1">a < b</r>')).toBe('<?xml version="1.0"?>\n<r x="1">\n  a\n  < b</r>');
    expect(prettyMarkup('<p>1 < 2')).toBe('<p>\n  1\n  < 2');
    // An unclosed comment reads as a declaration up to the next ">", as before.
    expect(prettyMarkup('<!-- open <b>x</b>')).toBe('<!-- open <b>\nx\n</b>');
  });

  it('returns for 200 KB of "<" without ">", of unclosed comments, and of minified code', () => {
    const noClose = '<a'.repeat(100_000);
    expect(prettyMarkup(noClose)).toBe(noClose);
    const comments = '<!--x'.repeat(40_000);
    expect(prettyMarkup(comments)).toBe(comments);
    const mixed = '<!--'.repeat(25_000) + '>'.padEnd(100_000, '<');
    expect(prettyMarkup(mixed).length).toBeGreaterThan(0);
    expect(prettyCode('a;'.repeat(100_000)).split('\n')).toHaveLength(100_000);
  });

  it('does not indent past a fixed depth, so deep nesting cannot blow up the output', () => {
    const nested = '<d>'.repeat(50_000);
    const out = prettyMarkup(nested);
    expect(out.split('\n')).toHaveLength(50_000);
    expect(out.length).toBeLessThan(50_000 * 100);
    expect(prettyCode('{'.repeat(20_000)).length).toBeLessThan(20_000 * 100);
  });
});

describe('base64ByteLength', () => {
  it('counts bytes from length and padding', () => {
    for (const text of ['', 'a', 'ab', 'abc', 'abcd', 'hello world']) {
      expect(base64ByteLength(Buffer.from(text).toString('base64'))).toBe(text.length);
    }
  });
});

/** A worker that answers only what the test tells it to. */
class FakeWorker implements WorkerLike {
  static made: FakeWorker[] = [];
  onmessage: ((event: MessageEvent<BodyJobReply>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  onmessageerror: ((event: MessageEvent) => void) | null = null;
  jobs: BodyJob[] = [];
  terminated = false;
  constructor() {
    FakeWorker.made.push(this);
  }
  postMessage(job: BodyJob) {
    this.jobs.push(job);
  }
  terminate() {
    this.terminated = true;
  }
  answer(reply: BodyJobReply) {
    this.onmessage?.({ data: reply } as MessageEvent<BodyJobReply>);
  }
}

const job = { base64: 'YQ==', contentType: 'text/plain', view: 'auto' as const };
const done = (id: number): BodyJobReply => ({ id, body: { kind: 'text', text: 'a', language: 'plaintext', prettified: false }, bytes: null });

describe('body worker client', () => {
  afterEach(() => vi.useRealTimers());

  it('fails a stuck job and the ones behind it after the timeout, then starts a fresh worker', async () => {
    vi.useFakeTimers();
    FakeWorker.made = [];
    const format = createBodyFormatter(() => new FakeWorker(), 5_000);
    const stuck = format(job);
    const behind = format(job);
    const outcomes = Promise.allSettled([stuck, behind]);
    await vi.advanceTimersByTimeAsync(5_000);
    const [a, b] = await outcomes;
    expect(a.status).toBe('rejected');
    expect(b.status).toBe('rejected');
    expect(FakeWorker.made[0]!.terminated).toBe(true);

    const next = format(job);
    expect(FakeWorker.made).toHaveLength(2);
    FakeWorker.made[1]!.answer(done(FakeWorker.made[1]!.jobs[0]!.id));
    await expect(next).resolves.toMatchObject({ body: { text: 'a' } });
  });

  it('times each job from when the worker gets to it, not from when it was queued', async () => {
    vi.useFakeTimers();
    FakeWorker.made = [];
    const format = createBodyFormatter(() => new FakeWorker(), 5_000);
    const first = format(job);
    const second = format(job);
    const worker = FakeWorker.made[0]!;
    await vi.advanceTimersByTimeAsync(4_000);
    worker.answer(done(worker.jobs[0]!.id));
    await first;
    await vi.advanceTimersByTimeAsync(4_000);
    worker.answer(done(worker.jobs[1]!.id));
    await expect(second).resolves.toBeTruthy();
    expect(worker.terminated).toBe(false);
  });

  it('rejects a job that threw in the worker, and every job when the worker itself fails', async () => {
    FakeWorker.made = [];
    const format = createBodyFormatter(() => new FakeWorker(), 5_000);
    const failing = format(job);
    const worker = FakeWorker.made[0]!;
    worker.answer({ id: worker.jobs[0]!.id, error: 'Maximum call stack size exceeded' });
    await expect(failing).rejects.toThrow('Maximum call stack size exceeded');

    const lost = format(job);
    worker.onerror?.({ message: 'boom', preventDefault() {} } as ErrorEvent);
    await expect(lost).rejects.toThrow(/boom/);
    expect(worker.terminated).toBe(true);
  });
});
