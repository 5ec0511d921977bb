import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheUpstreamTlsOptions, rememberPort } from '../../src-main/engine/mockttp-shortcuts.js';

const require = createRequire(import.meta.url);
const handling = require(path.join(path.dirname(require.resolve('mockttp')), 'rules/passthrough-handling.js')) as {
  getUpstreamTlsOptions(params: Record<string, unknown>): Record<string, unknown>;
};

const settings = { ignoreHostHttpsErrors: ['insecure.test'], clientCertificateHostMap: {}, trustedCAs: undefined };
const params = (hostname: string, port = 443, extra: Record<string, unknown> = {}) => ({ hostname, port, ...settings, ...extra });

describe("mockttp's upstream TLS options, worked out once per host and step", () => {
  const expected = {
    example: { ...handling.getUpstreamTlsOptions(params('example.test')) },
    insecure: { ...handling.getUpstreamTlsOptions(params('insecure.test')) },
  };
  cacheUpstreamTlsOptions();

  it('gives what mockttp would, for each host, and the same options on the next request', () => {
    const first = handling.getUpstreamTlsOptions(params('example.test'));
    expect(first).toEqual(expected.example);
    expect(handling.getUpstreamTlsOptions(params('example.test'))).toBe(first);
    expect(first).toMatchObject({ servername: 'example.test', rejectUnauthorized: true });
    expect(handling.getUpstreamTlsOptions(params('insecure.test'))).toEqual(expected.insecure);
    expect(handling.getUpstreamTlsOptions(params('insecure.test'))).toMatchObject({ servername: 'insecure.test', rejectUnauthorized: false });
    expect(handling.getUpstreamTlsOptions(params('example.test', 8443))).not.toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('follows a step whose settings differ, and never caches options that mirror a connection', () => {
    const strict = handling.getUpstreamTlsOptions(params('insecure.test'));
    const lenientEverywhere = handling.getUpstreamTlsOptions(params('insecure.test', 443, { ignoreHostHttpsErrors: true }));
    expect(strict).toMatchObject({ rejectUnauthorized: false });
    expect(handling.getUpstreamTlsOptions(params('example.test', 443, { ignoreHostHttpsErrors: true }))).toMatchObject({ rejectUnauthorized: false });
    expect(lenientEverywhere).not.toBe(strict);
    const ca = ['-----BEGIN CERTIFICATE-----'];
    expect(handling.getUpstreamTlsOptions(params('example.test', 443, { trustedCAs: ca }))).toMatchObject({ ca });
    const connection = {};
    const mirrored = handling.getUpstreamTlsOptions(params('example.test', 443, { connection }));
    expect(handling.getUpstreamTlsOptions(params('example.test', 443, { connection }))).not.toBe(mirrored);
  });
});

describe("a mockttp server's remembered port", () => {
  it('answers from memory while listening, and from the server again once forgotten', () => {
    let reads = 0;
    class Server {
      get port(): number {
        reads++;
        return 8080;
      }
    }
    const server = new Server();
    const forget = rememberPort(server, 8080);
    expect([server.port, server.port]).toEqual([8080, 8080]);
    expect(reads).toBe(0);
    forget();
    expect(server.port).toBe(8080);
    expect(reads).toBe(1);
  });
});
