/**
 * A pool of upstream proxies, rotated per request (round-robin or random). A proxy is checked with
 * a TCP connection the first time it is picked and again after a rest; one that refuses, or that a
 * request through it could not reach, rests for a while and is skipped meanwhile. When none is
 * usable the request fails with the reason for each.
 */
import net from 'node:net';
import { proxyLabel } from '../engine/request-policy.js';

const REST_MS = 30_000;
const PROBE_TIMEOUT_MS = 2_000;

interface Member {
  url: string;
  host: string;
  port: number;
  state: 'unknown' | 'up' | 'resting';
  restUntil: number;
  lastError: string | null;
  probing: Promise<boolean> | null;
}

function defaultPort(protocol: string): number {
  if (protocol === 'https:') return 443;
  if (protocol.startsWith('socks')) return 1080;
  return 80;
}

export class NoUpstreamError extends Error {
  readonly code = 'ECONNREFUSED';
}

export class UpstreamPool {
  private readonly members: Member[];
  private next = 0;

  constructor(urls: string[], readonly rotation: 'round-robin' | 'random', private readonly now: () => number = Date.now) {
    this.members = urls.map((url) => {
      const parsed = new URL(url);
      return { url, host: parsed.hostname.replace(/^\[|\]$/g, ''), port: Number(parsed.port) || defaultPort(parsed.protocol), state: 'unknown', restUntil: 0, lastError: null, probing: null };
    });
  }

  /** The proxy for the next request: the next usable one in rotation. Rejects when none is usable. */
  async choose(): Promise<string> {
    for (const member of this.order()) {
      if (member.state === 'resting' && this.now() < member.restUntil) continue;
      if (member.state !== 'up' && !(await this.probe(member))) continue;
      // Round-robin goes on from the one after the proxy used, so skipped ones do not skew it.
      this.next = this.members.indexOf(member) + 1;
      return member.url;
    }
    const reasons = this.members.map((m) => `${proxyLabel(m.url)} (${m.lastError ?? 'unusable'})`).join('; ');
    throw new NoUpstreamError(`No upstream proxy is usable: ${reasons}. Flowscope tries them again after ${REST_MS / 1000} s.`);
  }

  /** A request through this proxy could not reach it: rest it. */
  markFailed(url: string, reason: string): void {
    const member = this.members.find((m) => m.url === url);
    if (!member) return;
    member.state = 'resting';
    member.restUntil = this.now() + REST_MS;
    member.lastError = reason;
  }

  private order(): Member[] {
    if (this.rotation === 'random') {
      const shuffled = [...this.members];
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
      }
      return shuffled;
    }
    const start = this.next % Math.max(1, this.members.length);
    return [...this.members.slice(start), ...this.members.slice(0, start)];
  }

  private probe(member: Member): Promise<boolean> {
    member.probing ??= new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: member.host, port: member.port });
      const done = (ok: boolean, error?: string) => {
        clearTimeout(timer);
        socket.destroy();
        member.probing = null;
        if (ok) member.state = 'up';
        else this.markFailed(member.url, error ?? 'unreachable');
        resolve(ok);
      };
      const timer = setTimeout(() => done(false, `no answer within ${PROBE_TIMEOUT_MS / 1000} s`), PROBE_TIMEOUT_MS);
      socket.once('connect', () => done(true));
      socket.once('error', (error: NodeJS.ErrnoException) => done(false, error.code === 'ECONNREFUSED' ? 'connection refused' : (error.code ?? error.message)));
    });
    return member.probing;
  }
}
