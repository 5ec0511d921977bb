import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type BlockRule } from '../../src-shared/model/settings.js';
import { TrafficPolicy } from '../../src-main/policy/traffic-policy.js';

const facts = (url: string, method = 'GET') => ({ method, url, host: new URL(url).hostname, headers: [['Host', new URL(url).host]] as Array<[string, string]> });
const policy = (blockRules: BlockRule[]) => new TrafficPolicy({ ...DEFAULT_SETTINGS, blockRules }, () => undefined);
const regex = (pattern: string, action: BlockRule['action'] = 'deny'): BlockRule => ({ pattern, kind: 'regex', action });

describe('block rules', () => {
  it('answer with the first rule that matches, in the order given', () => {
    const p = policy([regex('nothing-here'), regex('/ads/', 'close'), regex('ads'), { pattern: '~m DELETE', kind: 'filter', action: 'deny' }]);
    expect(p.block(facts('http://a.test/ads/1'))).toEqual({ kind: 'close', blockedBy: 'URL matches /ads/' });
    expect(p.block(facts('http://a.test/x?ads=1'))).toMatchObject({ kind: 'respond', status: 403, blockedBy: 'URL matches ads' });
    expect(p.block(facts('http://a.test/x', 'DELETE'))).toMatchObject({ status: 403, blockedBy: 'filter ~m DELETE' });
    expect(p.block(facts('http://a.test/ok'))).toBeNull();
  });

  it('keep their meaning when a pattern uses a backreference (they are then not combined)', () => {
    const p = policy([regex('(ab)\\1'), regex('zz')]);
    expect(p.block(facts('http://a.test/abab'))).toMatchObject({ blockedBy: 'URL matches (ab)\\1' });
    expect(p.block(facts('http://a.test/ab'))).toBeNull();
  });

  it('escape the URL in the 403 page', () => {
    const refusal = policy([regex('evil')]).block(facts('http://a.test/evil?<script>'));
    expect(refusal).toMatchObject({ kind: 'respond' });
    expect((refusal as { body: string }).body).toContain('&#60;script&#62;');
  });
});
