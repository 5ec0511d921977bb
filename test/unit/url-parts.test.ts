import { describe, expect, it } from 'vitest';
import { urlParts } from '../../src-main/engine/url-parts.js';

/** What capture derived from a URL before the fast path: WHATWG URL's reading of it. */
function byUrl(url: string) {
  const parsed = new URL(url);
  const scheme = parsed.protocol.slice(0, -1);
  return { scheme, host: parsed.hostname, port: parsed.port ? Number(parsed.port) : scheme === 'https' || scheme === 'wss' ? 443 : 80, path: parsed.pathname + parsed.search };
}

describe('urlParts', () => {
  it.each([
    'http://127.0.0.1:41234/bytes/1024',
    'http://example.com',
    'http://example.com/',
    'http://example.com/?',
    'https://api.example.com:8443/v1/items?q=a%20b&page=2',
    'https://example.com:443/x',
    'http://example.com:80/x',
    'http://example.com:0080/x',
    'http://example.com:65536/x',
    'ws://localhost:8080/socket?token=a:b@c',
    'wss://echo.example.org/',
    'http://EXAMPLE.com/Path',
    'http://127.1/',
    'http://0x7f.0.0.1/',
    'http://010.0.0.1/',
    'http://256.0.0.1.example/',
    'http://1.2.3.4.5/',
    'http://host.123/',
    'http://example.com./',
    'http://user:pass@example.com/',
    'http://[::1]:8080/x',
    'http://example.com/a/./b/../c',
    'http://example.com/a/..',
    'http://example.com/a b',
    'http://example.com/a"b',
    "http://example.com/?q='x'",
    'http://example.com/%zz/%41?%7e',
    'http://example.com/a\\b',
    'http://xn--bcher-kva.example/',
    'http://bücher.example/',
    'http://example.com/path?x=1?y=2&z=/a/../b',
    'http://example.com/~user/_x-y.z!$&()*+,;=:@',
  ])('reads %s as URL does', (url) => {
    const outcome = (read: (url: string) => unknown) => {
      try {
        return read(url);
      } catch {
        return 'invalid';
      }
    };
    expect(outcome(urlParts)).toEqual(outcome(byUrl));
  });
});
