import { createPrivateKey, X509Certificate } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { certFileName, keyFileName, loadOrCreateCa } from '../../src-main/ca/index.js';

const posixOnly = process.platform === 'win32';
const yearMs = 365.25 * 24 * 60 * 60 * 1000;

let root: string;
let dataDir: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'flowscope-ca-'));
  // A folder that does not exist yet, as on a fresh install.
  dataDir = join(root, 'nested', 'data');
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).sort().map((name) => [name, readFileSync(join(dir, name), 'base64')]));
}

describe('loadOrCreateCa on first start', () => {
  it('creates an owner-only folder with a 10-year RSA root CA and an owner-only key', async () => {
    const ca = await loadOrCreateCa(dataDir);

    expect(ca.certPath).toBe(join(dataDir, certFileName));
    expect(ca.keyPath).toBe(join(dataDir, keyFileName));
    expect(readdirSync(dataDir).sort()).toEqual([certFileName, keyFileName]);
    expect(readFileSync(ca.certPath, 'utf8')).toBe(ca.certPem);
    expect(readFileSync(ca.keyPath, 'utf8')).toBe(ca.keyPem);
    if (!posixOnly) {
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
      expect(statSync(ca.keyPath).mode & 0o777).toBe(0o600);
      expect(statSync(ca.certPath).mode & 0o077 & ~0o044).toBe(0);
    }

    const cert = new X509Certificate(ca.certPem);
    expect(cert.ca).toBe(true);
    expect(cert.subject).toMatch(/^O=Flowscope\nCN=Flowscope CA \(.+\)$/);
    expect(cert.issuer).toBe(cert.subject);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.publicKey.asymmetricKeyDetails?.modulusLength).toBeGreaterThanOrEqual(2048);
    expect(cert.checkPrivateKey(createPrivateKey(ca.keyPem))).toBe(true);
    expect(cert.serialNumber).toMatch(/^[4-7][0-9A-F]{31}$/);

    const notBefore = Date.parse(cert.validFrom);
    const notAfter = Date.parse(cert.validTo);
    expect(notBefore).toBeLessThan(Date.now() - 23 * 60 * 60 * 1000);
    expect((notAfter - Date.now()) / yearMs).toBeCloseTo(10, 1);
  });

  it('describes the CA without the private key', async () => {
    const ca = await loadOrCreateCa(dataDir);
    const cert = new X509Certificate(ca.certPem);

    expect(Object.keys(ca.info).sort()).toEqual(['certPath', 'fingerprintSha256', 'notAfter', 'notBefore', 'spkiSha256', 'subject']);
    expect(ca.info.subject).toMatch(/^CN=Flowscope CA \(.+\), O=Flowscope$/);
    expect(ca.info.fingerprintSha256).toBe(cert.fingerprint256);
    expect(ca.info.certPath).toBe(ca.certPath);
    expect(ca.info.notBefore).toBe(new Date(cert.validFrom).toISOString());
    expect(ca.info.notAfter).toBe(new Date(cert.validTo).toISOString());
    expect(JSON.stringify(ca.info)).not.toContain('PRIVATE KEY');
  });

  it('gives every new CA its own name and serial', async () => {
    const first = await loadOrCreateCa(join(root, 'a'));
    const second = await loadOrCreateCa(join(root, 'b'));
    expect(second.info.subject).not.toBe(first.info.subject);
    expect(new X509Certificate(second.certPem).serialNumber).not.toBe(new X509Certificate(first.certPem).serialNumber);
  });
});

describe('loadOrCreateCa on later starts', () => {
  it('reloads the same CA', async () => {
    const first = await loadOrCreateCa(dataDir);
    const second = await loadOrCreateCa(dataDir);
    expect(second.info.fingerprintSha256).toBe(first.info.fingerprintSha256);
    expect(second.keyPem).toBe(first.keyPem);
    expect(second.certPem).toBe(first.certPem);
    expect(readdirSync(dataDir).sort()).toEqual([certFileName, keyFileName]);
  });

  it.skipIf(posixOnly)('tightens a key that others can read back to 0600', async () => {
    const first = await loadOrCreateCa(dataDir);
    chmodSync(first.keyPath, 0o644);

    const second = await loadOrCreateCa(dataDir);
    expect(statSync(first.keyPath).mode & 0o777).toBe(0o600);
    expect(second.info.fingerprintSha256).toBe(first.info.fingerprintSha256);
  });
});

describe('loadOrCreateCa with a damaged CA', () => {
  async function expectDamaged(pattern: RegExp): Promise<void> {
    const before = snapshot(dataDir);
    const error = await loadOrCreateCa(dataDir).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain(`The Flowscope CA in ${dataDir} is damaged`);
    expect(message).toMatch(pattern);
    expect(message).toContain('to create a new CA; clients that trusted the old one must trust the new one.');
    expect(snapshot(dataDir)).toEqual(before);
  }

  it('refuses a corrupt certificate', async () => {
    const ca = await loadOrCreateCa(dataDir);
    // Cut in half, as a full disk or an interrupted copy leaves it.
    writeFileSync(ca.certPath, ca.certPem.slice(0, ca.certPem.length / 2));
    await expectDamaged(/\(ca-cert\.pem is not a readable PEM certificate\)\. Move both files away/);
  });

  it('refuses a corrupt key', async () => {
    const ca = await loadOrCreateCa(dataDir);
    writeFileSync(ca.keyPath, 'not a key\n', { mode: 0o600 });
    await expectDamaged(/\(ca-key\.pem is not a readable, unencrypted PEM private key\)\. Move both files away/);
  });

  it('refuses a missing key', async () => {
    const ca = await loadOrCreateCa(dataDir);
    unlinkSync(ca.keyPath);
    await expectDamaged(/\(ca-key\.pem is missing\)\. Restore it, or move ca-cert\.pem away/);
  });

  it('refuses a missing certificate', async () => {
    const ca = await loadOrCreateCa(dataDir);
    unlinkSync(ca.certPath);
    await expectDamaged(/\(ca-cert\.pem is missing\)\. Restore it, or move ca-key\.pem away/);
  });

  it('refuses a key that belongs to another CA', async () => {
    const ca = await loadOrCreateCa(dataDir);
    const other = await loadOrCreateCa(join(root, 'other'));
    writeFileSync(ca.keyPath, other.keyPem, { mode: 0o600 });
    await expectDamaged(/\(ca-key\.pem does not match ca-cert\.pem\)\. Move both files away/);
  });
});
