import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ConnectionEvent } from '../../src-shared/model/flow.js';
import { printAuthLog } from '../../src-main/cli/auth-log.js';
import { NoStoreError } from '../../src-main/cli/read.js';
import { useTempStore } from './temp-store.js';

const temp = useTempStore('flowscope-auth-log-');
const T = Date.UTC(2026, 2, 14, 9, 30, 15, 250);

function event(type: ConnectionEvent['type'], seconds: number, overrides: Partial<ConnectionEvent> = {}): Omit<ConnectionEvent, 'id'> {
  return { time: T + seconds * 1000, type, clientIp: '127.0.0.1', clientPort: 50000 + seconds, host: null, message: `${type} at ${seconds}`, ...overrides };
}

function record(events: Array<Omit<ConnectionEvent, 'id'>>): void {
  const store = temp.open({ writerThread: false });
  for (const e of events) store.enqueueEvent(e);
  store.close();
}

function print(options: { limit?: number; json?: boolean } = {}): string {
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  printAuthLog(temp.dir, { limit: options.limit ?? 100, json: options.json ?? false, out });
  return text;
}

describe('flowscope auth-log', () => {
  it('lists authentication attempts newest first as a table, leaving other events out', () => {
    record([
      event('AUTH_FAILURE', 1, { clientIp: '192.168.1.9', clientPort: 51000, message: 'Wrong password for user "ci".' }),
      event('CLIENT_TLS_ERROR', 2),
      event('AUTH_SUCCESS', 3, { clientIp: '::1', clientPort: 52000, message: 'User "ci" signed in.' }),
      event('AUTH_FAILURE', 4, { clientIp: null, clientPort: null, message: 'No Proxy-Authorization header.' }),
    ]);
    expect(print().split('\n')).toEqual([
      'TIME (UTC)               RESULT   CLIENT             MESSAGE',
      '2026-03-14 09:30:19.250  failure  -                  No Proxy-Authorization header.',
      '2026-03-14 09:30:18.250  success  [::1]:52000        User "ci" signed in.',
      '2026-03-14 09:30:16.250  failure  192.168.1.9:51000  Wrong password for user "ci".',
      '',
    ]);
  });

  it('keeps to --limit and prints JSON as one array', () => {
    record([event('AUTH_FAILURE', 1), event('AUTH_SUCCESS', 2), event('AUTH_FAILURE', 3)]);
    const events = JSON.parse(print({ limit: 2, json: true })) as ConnectionEvent[];
    expect(events.map(({ id: _id, ...rest }) => rest)).toEqual([event('AUTH_FAILURE', 3), event('AUTH_SUCCESS', 2)]);
    expect(print({ limit: 1 }).trim().split('\n')).toHaveLength(2);
  });

  it('shows control characters a client sent as escapes, not as terminal commands', () => {
    record([event('AUTH_FAILURE', 1, { message: 'Unknown user "\u001b[2Jroot\nx".' })]);
    expect(print().split('\n')[1]).toContain('Unknown user "\\x1b[2Jroot\\x0ax".');
  });

  it('reads the store while a proxy still has it open', () => {
    const store = temp.open({ writerThread: false });
    store.enqueueEvent(event('AUTH_SUCCESS', 1));
    store.flush();
    expect(print()).toContain('success  127.0.0.1:50001');
  });

  it('says how authentication is turned on when nothing is recorded', () => {
    record([event('CLIENT_TLS_ERROR', 1)]);
    expect(print()).toBe(
      `No proxy authentication attempts recorded in ${temp.dir}. Authentication is set with --proxy-auth USER:PASS or --proxy-auth-token TOKEN.\n`,
    );
    expect(print({ json: true })).toBe('[]\n');
  });

  it('says so when nothing was ever captured in the data folder', () => {
    expect(() => printAuthLog(path.join(temp.dir, 'nowhere'), { limit: 10, json: false })).toThrow(NoStoreError);
  });
});
