/** `flowscope auth-log`: the proxy authentication attempts the store recorded, newest first. */
import type { ConnectionEvent } from '../../src-shared/model/flow.js';
import { openStoreForReading } from './read.js';

export interface AuthLogOptions {
  limit: number;
  json: boolean;
  out?: NodeJS.WritableStream;
}

function time(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 23);
}

function client(event: ConnectionEvent): string {
  if (event.clientIp === null) return '-';
  const host = event.clientIp.includes(':') ? `[${event.clientIp}]` : event.clientIp;
  return event.clientPort === null ? host : `${host}:${event.clientPort}`;
}

/** Messages can quote what a client sent (a user name): its control characters must not drive the terminal. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export function printAuthLog(dataDir: string, options: AuthLogOptions): void {
  const out = options.out ?? process.stdout;
  const store = openStoreForReading(dataDir);
  try {
    const events = store.listEvents({ limit: options.limit, types: ['AUTH_SUCCESS', 'AUTH_FAILURE'] });
    if (options.json) {
      out.write(`${JSON.stringify(events, null, 2)}\n`);
      return;
    }
    if (events.length === 0) {
      out.write(`No proxy authentication attempts recorded in ${dataDir}. Authentication is set with --proxy-auth USER:PASS or --proxy-auth-token TOKEN.\n`);
      return;
    }
    const clients = events.map(client);
    const width = Math.max('CLIENT'.length, ...clients.map((c) => c.length));
    out.write(`${['TIME (UTC)'.padEnd(23), 'RESULT ', 'CLIENT'.padEnd(width), 'MESSAGE'].join('  ')}\n`);
    events.forEach((event, i) => {
      const result = event.type === 'AUTH_SUCCESS' ? 'success' : 'failure';
      out.write(`${[time(event.time), result, clients[i]!.padEnd(width), printable(event.message)].join('  ')}\n`);
    });
  } finally {
    store.close();
  }
}
