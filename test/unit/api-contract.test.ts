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
    expect(EVENT_NAMES).toEqual(['flows.added', 'flows.updated', 'flows.cleared', 'ws.messages', 'events.added', 'proxy.state'] satisfies EventName[]);
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
