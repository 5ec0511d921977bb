import { describe, expect, it } from 'vitest';
import { isRequestLoop, OutgoingSockets } from '../../src-main/engine/mockttp-internals.js';

const outgoing = { localAddress: '127.0.0.1', localPort: 50_000, remoteAddress: '127.0.0.1', remotePort: 3000 };

describe('request loop detection', () => {
  it('sees a loop when an outgoing socket of ours is the other end of the incoming one', () => {
    expect(isRequestLoop([outgoing], { remoteAddress: '127.0.0.1', remotePort: 50_000, localAddress: '127.0.0.1', localPort: 3000 })).toBe(true);
    expect(isRequestLoop([outgoing], { remoteAddress: '::ffff:127.0.0.1', remotePort: 50_000, localAddress: '::ffff:127.0.0.1', localPort: 3000 })).toBe(true);
  });

  it('does not mistake a client that got the same ephemeral port for another destination for a loop', () => {
    // Linux reuses ephemeral ports across destinations: client:50000 -> proxy:8080 beside proxy:50000 -> origin:3000.
    expect(isRequestLoop([outgoing], { remoteAddress: '127.0.0.1', remotePort: 50_000, localAddress: '127.0.0.1', localPort: 8080 })).toBe(false);
    expect(isRequestLoop([{}], { remoteAddress: '127.0.0.1', remotePort: 50_000, localAddress: '127.0.0.1', localPort: 3000 })).toBe(false);
  });

  it('finds the same loops through the index by local port, and forgets a socket once it is deleted', () => {
    const sockets = new OutgoingSockets();
    const other = { localAddress: '127.0.0.1', localPort: 50_001, remoteAddress: '127.0.0.1', remotePort: 3000 };
    const live = { ...outgoing };
    sockets.add(other).add(live).add(live);
    expect(sockets.size).toBe(2);
    const incoming = { remoteAddress: '127.0.0.1', remotePort: 50_000, localAddress: '127.0.0.1', localPort: 3000 };
    expect(isRequestLoop(sockets, incoming)).toBe(true);
    expect(isRequestLoop(sockets, { ...incoming, localPort: 8080 })).toBe(false);
    expect(isRequestLoop(sockets, { ...incoming, remotePort: 50_002 })).toBe(false);
    // A closed socket no longer reports its port; it must still leave the index.
    live.localPort = undefined as unknown as number;
    expect(sockets.delete(live)).toBe(true);
    expect(isRequestLoop(sockets, incoming)).toBe(false);
    expect(isRequestLoop(sockets, { ...incoming, remotePort: 50_001 })).toBe(true);
    sockets.clear();
    expect(isRequestLoop(sockets, { ...incoming, remotePort: 50_001 })).toBe(false);
  });
});
