import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  CALL_NAMES, EVENT_NAMES, isCallName, type ApiCalls, type ApiEvents, type CallName, type EventName,
} from '../../src-shared/api/contract.js';
import { ApiError, toApiErrorBody } from '../../src-shared/api/errors.js';
import { VALIDATORS, validateArgs } from '../../src-shared/api/validate.js';

describe('the API contract', () => {
  it('lists exactly the names its types declare', () => {
    expectTypeOf<(typeof CALL_NAMES)[number]>().toEqualTypeOf<keyof ApiCalls>();
    expectTypeOf<(typeof EVENT_NAMES)[number]>().toEqualTypeOf<keyof ApiEvents>();
    expect(new Set(CALL_NAMES).size).toBe(CALL_NAMES.length);
    expect(Object.keys(VALIDATORS).sort()).toEqual([...CALL_NAMES].sort());
    expect(EVENT_NAMES).toEqual([
      'flows.added', 'flows.updated', 'flows.cleared', 'flows.deleted', 'replay.progress', 'export.progress', 'ws.messages',
      'events.added', 'proxy.state',
    ] satisfies EventName[]);
  });

  it('knows its own names and nothing else, prototype names included', () => {
    expect(CALL_NAMES.every(isCallName)).toBe(true);
    for (const name of ['flows', 'toString', '__proto__', 'constructor', 'flows.page ', 42]) expect(isCallName(name)).toBe(false);
  });

  it('accepts well-formed arguments and fills defaults', () => {
    expect(validateArgs('flows.page', { limit: 50, filter: '~m GET', beforeId: 9 })).toEqual({ limit: 50, filter: '~m GET', beforeId: 9 });
    expect(validateArgs('flows.body', { id: 3, side: 'response' })).toEqual({ id: 3, side: 'response', decoded: true });
    expect(validateArgs('proxy.status', undefined)).toEqual({});
    expect(validateArgs('settings.set', { settings: { proxyPort: 9000, retention: { maxFlows: 10, maxAgeDays: null, maxDbMegabytes: null } } }))
      .toEqual({ settings: { proxyPort: 9000, retention: { maxFlows: 10, maxAgeDays: null, maxDbMegabytes: null } } });
    expect(validateArgs('replay.flow', { id: 4, target: { targetUrl: 'http://localhost:3000' } }))
      .toEqual({ id: 4, target: { targetUrl: 'http://localhost:3000', keepHost: false } });
    expect(validateArgs('replay.batch', { range: { from: 2, to: 9 }, delayMs: 250 })).toEqual({ range: { from: 2, to: 9 }, delayMs: 250 });
  });

  it.each<[CallName, unknown, RegExp]>([
    ['flows.page', { limit: 0 }, /limit must be at least 1/],
    ['flows.page', { limit: 10, sql: 'DROP TABLE flows' }, /unknown argument "sql"/],
    ['flows.page', [1], /must be an object/],
    ['flows.get', { id: '1' }, /id must be a whole number/],
    ['flows.body', { id: 1, side: 'both' }, /side must be one of request, response/],
    ['ca.export', { format: 'key' }, /format must be one of pem, der, p12/],
    ['settings.set', { settings: { proxyPort: 70000 } }, /proxyPort must be at most 65535/],
    ['settings.set', { settings: { proxyHost: 'a b' } }, /not a host name/],
    ['proxy.status', { verbose: true }, /takes none/],
    ['flows.delete', { ids: [] }, /at least one/],
    ['flows.delete', { ids: [1, -2] }, /whole numbers/],
    ['replay.flow', { id: 1, target: { targetUrl: 'localhost:3000' } }, /must start with http/],
    ['replay.flow', { id: 1, target: { targetUrl: 'not a url' } }, /is not a URL/],
    ['replay.send', { request: { method: 'GET', url: 'http://a.test/', headers: [['Bad Name', 'x']] } }, /not a valid header name/],
    ['replay.send', { request: { method: 'GET', url: 'http://a.test/', headers: [['X', 'a\r\nInjected: 1']] } }, /line break/],
    ['replay.send', { request: { method: 'GE T', url: 'http://a.test/', headers: [] } }, /HTTP method/],
    ['replay.batch', { ids: [1], range: { from: 1, to: 2 }, delayMs: 0 }, /either ids or range/],
    ['replay.batch', { range: { from: 5, to: 2 }, delayMs: 0 }, /before range.from/],
    ['export.save', { format: 'xml', redact: false, exportId: 'e1' }, /format must be one of har, json/],
  ])('refuses bad arguments to %s with a message that says what is wrong', (name, args, message) => {
    let thrown: unknown;
    try {
      validateArgs(name, args);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ApiError);
    expect(toApiErrorBody(thrown)).toMatchObject({ code: 'BAD_ARGUMENT', message: expect.stringMatching(message) });
  });
});
