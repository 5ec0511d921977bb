/**
 * How mockttp reaches upstreams, per the settings: through the upstream proxy pool, and with
 * connect and idle timeouts on every upstream socket (a timed-out socket fails its request with
 * ETIMEDOUT, which the client sees as a 504 and the flow records as TIMEOUT).
 */
import type { Socket } from 'node:net';
import type { Limits } from '../../src-shared/model/settings.js';
import type { AgentHook } from '../engine/mockttp-internals.js';
import type { UpstreamPool } from './upstream-pool.js';

type CreateConnection = (options: Record<string, unknown>, callback?: unknown) => Socket;

function timeoutError(message: string): Error {
  return Object.assign(new Error(message), { code: 'ETIMEDOUT' });
}

function withTimeouts(socket: Socket, limits: Limits, host: string): void {
  const { connectTimeoutSeconds: connect, idleTimeoutSeconds: idle } = limits;
  if (connect !== null && socket.connecting) {
    const timer = setTimeout(() => socket.destroy(timeoutError(`Could not connect to ${host} within ${connect} s.`)), connect * 1000);
    timer.unref();
    const clear = () => clearTimeout(timer);
    socket.once('connect', clear);
    socket.once('close', clear);
  }
  if (idle !== null) socket.setTimeout(idle * 1000, () => socket.destroy(timeoutError(`${host} sent nothing for ${idle} s.`)));
}

const decorated = new WeakSet<object>();

/** The hook for the current settings; null when nothing is configured (mockttp's own path, no cost). */
export function upstreamAgentHook(limits: Limits, pool: UpstreamPool | null): AgentHook | null {
  const timed = limits.connectTimeoutSeconds !== null || limits.idleTimeoutSeconds !== null;
  if (!timed && !pool) return null;
  return {
    ...(pool && { chooseProxy: () => pool.choose() }),
    ...(timed && {
      decorate: (agent: unknown) => {
        const target = agent as { createConnection?: CreateConnection };
        if (!target.createConnection || decorated.has(target)) return;
        decorated.add(target);
        const create = target.createConnection.bind(target);
        target.createConnection = (options, callback) => {
          const socket = create(options, callback);
          withTimeouts(socket, limits, String(options.host ?? options.hostname ?? 'the server'));
          return socket;
        };
      },
    }),
  };
}
