/** `flowscope ca`, `ca export` and `ca regenerate` as a person runs them. */
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lockDataDir } from '../../src-main/service/runtime-file.js';
import { runCli } from './cli-process.js';
import { tempDir } from './harness.js';

const dirs: string[] = [];

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const run = (args: string[]) => runCli(args);

describe('flowscope ca', () => {
  it('reports, exports and regenerates the CA', async () => {
    const dataDir = tempDir('flowscope-cli-ca-');
    dirs.push(dataDir);
    const report = JSON.parse((await run(['ca', '--json', '--data-dir', dataDir])).stdout) as { fingerprintSha256: string; spkiSha256: string; certPath: string; trust: Array<{ trusted: boolean }> };
    expect(report).toMatchObject({ certPath: path.join(dataDir, 'ca-cert.pem'), spkiSha256: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/) });
    expect(report.trust[0]).toMatchObject({ trusted: false });
    const text = await run(['ca', '--data-dir', dataDir]);
    expect(text.stdout).toContain(`SHA-256:      ${report.fingerprintSha256}`);

    const der = path.join(dataDir, 'out.cer');
    const exported = await run(['ca', 'export', '--format', 'der', '-o', der, '--data-dir', dataDir]);
    expect(exported.stderr).toContain(`Wrote the CA certificate (der) to ${der}.`);
    expect(new X509Certificate(readFileSync(der)).fingerprint256).toBe(report.fingerprintSha256);
    expect((await run(['ca', 'export', '--format', 'key', '-o', der, '--data-dir', dataDir])).stderr).toMatch(/--format takes pem, der or p12/);

    const unlock = lockDataDir(dataDir);
    try {
      const refused = await run(['ca', 'regenerate', '--data-dir', dataDir]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/is already capturing into/);
    } finally {
      unlock();
    }
    const regenerated = await run(['ca', 'regenerate', '--data-dir', dataDir]);
    expect(regenerated.stdout).toMatch(/A new CA was created .* the old trust should be removed/);
    expect(existsSync(path.join(dataDir, 'ca-cert.pem.old'))).toBe(true);
    const after = JSON.parse((await run(['ca', '--json', '--data-dir', dataDir])).stdout) as { fingerprintSha256: string };
    expect(after.fingerprintSha256).not.toBe(report.fingerprintSha256);
  });
});
