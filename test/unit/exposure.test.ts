import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../src-shared/model/settings.js';
import { exposureWarning } from '../../src-main/service/exposure.js';
import { hashPatchSecrets } from '../../src-main/policy/secrets.js';
import { TrafficPolicy } from '../../src-main/policy/traffic-policy.js';

const policy = (patch: Parameters<typeof hashPatchSecrets>[0] = {}) => new TrafficPolicy({ ...DEFAULT_SETTINGS, ...hashPatchSecrets(patch) }, () => undefined);

describe('the exposure warning', () => {
  it('is said while a non-loopback proxy has neither authentication nor an allow list', () => {
    expect(exposureWarning('127.0.0.1', policy())).toBeNull();
    expect(exposureWarning('::1', policy())).toBeNull();
    expect(exposureWarning('0.0.0.0', policy())).toMatch(/listens on 0\.0\.0\.0.*--proxy-auth USER:PASS.*--allow-ip CIDR/);
    expect(exposureWarning('0.0.0.0', policy({ proxyAuth: { type: 'bearer', token: 't' } }))).toBeNull();
    expect(exposureWarning('192.168.1.5', policy({ allowIps: ['192.168.1.0/24'] }))).toBeNull();
  });
});
