import { describe, expect, it } from 'vitest';
import { isRequestLoop } from '../../src-main/engine/mockttp-internals.js';

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
});
