import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SETTINGS } from '../../src-shared/model/settings.js';
import { upstreamAgentHook } from '../../src-main/policy/upstream-agents.js';

/** A socket that never connects (as to a host that drops SYNs): only its connect timer can end it. */
function stuckSocket() {
  const socket = Object.assign(new EventEmitter(), {
    connecting: true,
    destroyed: null as Error | null,
    destroy(error: Error) {
      this.destroyed = error;
    },
    setTimeout: vi.fn(),
  });
  return socket;
}

afterEach(() => vi.useRealTimers());

describe('upstream agent hook', () => {
  it('is absent when nothing is configured, so mockttp keeps its own path', () => {
    expect(upstreamAgentHook(DEFAULT_SETTINGS.limits, null)).toBeNull();
  });

  it('fails a connection that does not connect in time with ETIMEDOUT (a 504 TIMEOUT flow), once per agent', () => {
    vi.useFakeTimers();
    const hook = upstreamAgentHook({ ...DEFAULT_SETTINGS.limits, connectTimeoutSeconds: 2, idleTimeoutSeconds: 30 }, null)!;
    const socket = stuckSocket();
    const agent = { createConnection: vi.fn(() => socket) };
    hook.decorate!(agent);
    hook.decorate!(agent);
    (agent.createConnection as unknown as (o: object) => unknown)({ host: 'slow.example' });
    expect(socket.setTimeout).toHaveBeenCalledWith(30_000, expect.any(Function));
    vi.advanceTimersByTime(1_999);
    expect(socket.destroyed).toBeNull();
    vi.advanceTimersByTime(1);
    expect(socket.destroyed).toMatchObject({ code: 'ETIMEDOUT', message: 'Could not connect to slow.example within 2 s.' });
  });

  it('clears the connect timer once connected', () => {
    vi.useFakeTimers();
    const hook = upstreamAgentHook({ ...DEFAULT_SETTINGS.limits, connectTimeoutSeconds: 1 }, null)!;
    const socket = stuckSocket();
    const agent = { createConnection: (_options: object) => socket };
    hook.decorate!(agent);
    agent.createConnection({ host: 'fast.example' });
    socket.connecting = false;
    socket.emit('connect');
    vi.advanceTimersByTime(5_000);
    expect(socket.destroyed).toBeNull();
  });
});
