/** One data directory, one running Flowscope, also within a single process. */
import { describe, expect, it } from 'vitest';
import { DataDirInUseError, startProxyRuntime } from '../../src-main/service/proxy-runtime.js';
import { tempDir } from './harness.js';

describe('the data directory lock', () => {
  it('refuses a second runtime in the same process until the first stops', async () => {
    const dataDir = tempDir('flowscope-lock-');
    const first = await startProxyRuntime({ dataDir, port: 0 });
    try {
      await expect(startProxyRuntime({ dataDir, port: 0 })).rejects.toBeInstanceOf(DataDirInUseError);
      await expect(startProxyRuntime({ dataDir, port: 0 })).rejects.toThrow(new RegExp(`is already capturing into ${dataDir} at ${first.engine.url}`));
    } finally {
      await first.stop();
    }
    const second = await startProxyRuntime({ dataDir, port: 0 });
    await second.stop();
  });
});
