/**
 * `flowscope ca`: where the CA is, its fingerprints and validity, whether this system trusts it;
 * `ca export`, `ca trust` / `untrust` (the OS store), and `ca regenerate`.
 */
import { writeFileSync } from 'node:fs';
import { exportCa, loadOrCreateCa, regenerateCa } from '../ca/index.js';
import type { CaExportFormat } from '../../src-shared/model/ca.js';
import { installSystemTrust, removeSystemTrust, systemTrustStatus, type SystemTrustDeps } from '../os/system-store/system-trust.js';
import { lockDataDir } from '../service/runtime-file.js';

export interface CaReport {
  certPath: string;
  keyPath: string;
  subject: string;
  fingerprintSha256: string;
  spkiSha256: string;
  notBefore: string;
  notAfter: string;
  trust: Array<{ store: string; trusted: boolean }>;
}

export async function caReport(dataDir: string, deps?: SystemTrustDeps): Promise<CaReport> {
  const ca = await loadOrCreateCa(dataDir);
  const system = await systemTrustStatus(ca.certPem, deps).catch(() => null);
  return {
    certPath: ca.certPath,
    keyPath: ca.keyPath,
    subject: ca.info.subject,
    fingerprintSha256: ca.info.fingerprintSha256,
    spkiSha256: ca.info.spkiSha256,
    notBefore: ca.info.notBefore,
    notAfter: ca.info.notAfter,
    trust: system ? [{ store: system.store, trusted: system.trusted }] : [],
  };
}

export function printCaReport(report: CaReport, json: boolean, out: NodeJS.WritableStream = process.stdout): void {
  if (json) {
    out.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  out.write(
    `Certificate:  ${report.certPath}\n` +
      `Private key:  ${report.keyPath} (mode 0600, never leaves this folder)\n` +
      `Subject:      ${report.subject}\n` +
      `SHA-256:      ${report.fingerprintSha256}\n` +
      `SPKI SHA-256: ${report.spkiSha256}  (Chrome: --ignore-certificate-errors-spki-list)\n` +
      `Valid:        ${report.notBefore} to ${report.notAfter}\n` +
      report.trust.map((t) => `Trusted by the ${t.store}: ${t.trusted ? 'yes' : 'no (flowscope ca trust adds it)'}\n`).join(''),
  );
}

export async function caExportCommand(dataDir: string, format: string, output: string): Promise<string> {
  if (!['pem', 'der', 'p12'].includes(format)) throw new Error(`--format takes pem, der or p12, not "${format}".`);
  const ca = await loadOrCreateCa(dataDir);
  const bytes = exportCa(ca, format as CaExportFormat, { includeKey: false });
  if (output === '-') process.stdout.write(bytes);
  else writeFileSync(output, bytes, { mode: 0o644 });
  return output === '-' ? 'standard output' : output;
}

export async function caSystemTrust(dataDir: string, action: 'trust' | 'untrust', deps?: SystemTrustDeps): Promise<string> {
  const ca = await loadOrCreateCa(dataDir);
  return action === 'trust' ? installSystemTrust(ca.certPath, deps) : removeSystemTrust(ca.certPath, ca.certPem, deps);
}

/** A new CA; refused while a proxy runs on the data directory (it holds the old one). */
export async function caRegenerate(dataDir: string): Promise<string> {
  const unlock = lockDataDir(dataDir);
  try {
    const ca = await regenerateCa(dataDir);
    return `A new CA was created (SHA-256 ${ca.info.fingerprintSha256}); the old one is kept as ${ca.certPath}.old. ` +
      'Clients that trusted the old CA must trust the new one, and the old trust should be removed from them: it no longer belongs to anything you run.';
  } finally {
    unlock();
  }
}
