import { afterEach, describe, expect, it, vi } from 'vitest';
import { quietEngineLogs } from '../../src-main/engine/quiet-logs.js';

const originals = { log: console.log, warn: console.warn, error: console.error };

afterEach(() => Object.assign(console, originals));

describe('engine log noise in the CLI', () => {
  it('drops mockttp failure reports that flows record, keeps everything else', () => {
    const seen = vi.fn();
    Object.assign(console, { log: seen, warn: seen, error: seen });
    quietEngineLogs({});
    console.warn(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }));
    console.log('Unexpected websocket response from ws://x: 403');
    console.warn('something else');
    console.error(new Error('a bug of ours, without a code'));
    expect(seen.mock.calls.map(([first]) => (first instanceof Error ? first.message : first))).toEqual([
      'something else',
      'a bug of ours, without a code',
    ]);
  });

  it('shows everything with FLOWSCOPE_DEBUG', () => {
    const seen = vi.fn();
    Object.assign(console, { warn: seen });
    quietEngineLogs({ FLOWSCOPE_DEBUG: '1' });
    console.warn(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }));
    expect(seen).toHaveBeenCalledTimes(1);
  });
});
