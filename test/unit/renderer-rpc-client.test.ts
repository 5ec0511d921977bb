/** The browser-mode client against a stand-in WebSocket: a refused token stops the retries. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRpcClient, type ConnectionStatus } from '../../src-renderer/bridge/rpc-client.js';

/** A WebSocket whose fate the test decides: open() or refuse() (closed before it ever opened). */
class FakeSocket {
  static readonly OPEN = 1;
  static made: FakeSocket[] = [];
  readyState = 0;
  onopen: (() => void) | null = null;
  onclose: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  sent: string[] = [];
  constructor(readonly url: string) {
    FakeSocket.made.push(this);
  }
  send(text: string) {
    this.sent.push(text);
  }
  open() {
    this.readyState = FakeSocket.OPEN;
    this.onopen?.();
  }
  refuse() {
    this.readyState = 3;
    this.onclose?.();
  }
}

function start(statusCode: number | null) {
  vi.useFakeTimers();
  FakeSocket.made = [];
  vi.stubGlobal('WebSocket', FakeSocket);
  const statuses: ConnectionStatus[] = [];
  const probe = vi.fn(async () => statusCode);
  const api = createRpcClient('ws://127.0.0.1:1/api/ws', (s) => statuses.push(s), probe);
  return { api, statuses, probe };
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('rpc client reconnects', () => {
  it('stops and says why when the server refuses the token (401), and fails calls instead of leaving them waiting', async () => {
    const { api, statuses, probe } = start(401);
    const waiting = api['flows.count']({});
    const failed = expect(waiting).rejects.toThrow(/Open the UI address that `flowscope serve` printed/);
    FakeSocket.made[0]!.refuse();
    await vi.advanceTimersByTimeAsync(0);
    expect(probe).toHaveBeenCalledTimes(1);
    expect(statuses.at(-1)).toBe('unauthorized');
    await failed;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeSocket.made).toHaveLength(1);
    await expect(api['flows.count']({})).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('treats 403 the same way', async () => {
    const { statuses } = start(403);
    FakeSocket.made[0]!.refuse();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(statuses.at(-1)).toBe('unauthorized');
    expect(FakeSocket.made).toHaveLength(1);
  });

  it('keeps retrying with backoff when the server is down, and does not probe after a connection that opened', async () => {
    const { statuses, probe } = start(null);
    FakeSocket.made[0]!.refuse();
    await vi.advanceTimersByTimeAsync(300);
    expect(FakeSocket.made).toHaveLength(2);
    FakeSocket.made[1]!.open();
    expect(statuses.at(-1)).toBe('open');
    FakeSocket.made[1]!.refuse();
    await vi.advanceTimersByTimeAsync(300);
    expect(probe).toHaveBeenCalledTimes(1);
    expect(FakeSocket.made).toHaveLength(3);
    expect(statuses).not.toContain('unauthorized');
  });
});
