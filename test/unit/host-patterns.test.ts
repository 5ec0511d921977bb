import { describe, expect, it } from 'vitest';
import { classifyTraffic } from '../../src-shared/model/classify.js';
import { hostPatternMatcher } from '../../src-shared/model/policy-values.js';

const PATTERNS = ['*.llm-gateway.example', 'Models.Internal.', 'localhost', '*.co', '10.0.0.1'];
const HOSTS = [
  'llm-gateway.example', 'a.llm-gateway.example', 'A.B.LLM-GATEWAY.EXAMPLE.', 'xllm-gateway.example', 'llm-gateway.example.org',
  'models.internal', 'models.internal.', 'sub.models.internal', 'localhost', 'x.localhost', 'co', 'a.co', 'aco', '10.0.0.1', '10.0.0.10', '',
];

describe('host patterns prepared once', () => {
  it('name a host exactly or as a subdomain of a "*." pattern, whatever its case or final dot', () => {
    const matcher = hostPatternMatcher(PATTERNS);
    expect(HOSTS.filter((host) => matcher(host))).toEqual([
      'llm-gateway.example', 'a.llm-gateway.example', 'A.B.LLM-GATEWAY.EXAMPLE.', 'models.internal', 'models.internal.', 'localhost', 'co', 'a.co', '10.0.0.1',
    ]);
    expect(hostPatternMatcher([])('example.com')).toBe(false);
  });

  it("classify the user's LLM hosts, and follow a changed list", () => {
    const flow = { host: 'eu.llm-gateway.example', path: '/v1/chat' };
    expect(classifyTraffic(flow, ['*.llm-gateway.example'])).toBe('llm');
    expect(classifyTraffic(flow, ['other.example'])).toBe('web');
    expect(classifyTraffic(flow)).toBe('web');
  });
});
