/**
 * The trust list for the *_CA_BUNDLE-style variables of an intercepted terminal. SSL_CERT_FILE,
 * CURL_CA_BUNDLE, REQUESTS_CA_BUNDLE and their kin replace a program's default roots rather than
 * add to them (FACTS.md), so the file holds the usual roots plus the Flowscope CA: traffic that
 * goes direct (NO_PROXY) keeps working, and intercepted traffic is trusted.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { rootCertificates } from 'node:tls';
import { writeIfChanged } from './write-if-changed.js';

export const CA_BUNDLE_FILE = 'terminal-ca-bundle.pem';

/**
 * Where distributions keep their roots, including any the machine's owner added (Debian/Ubuntu,
 * Fedora/RHEL, openSUSE, Alpine/macOS/BSD). Node's own list lacks those additions.
 */
const SYSTEM_BUNDLES = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/ca-bundle.pem',
  '/etc/ssl/cert.pem',
];

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g;

function pemBlocks(text: string): string[] {
  return text.match(PEM_BLOCK) ?? [];
}

function systemBundle(): string {
  const file = SYSTEM_BUNDLES.find((candidate) => existsSync(candidate));
  if (!file) return '';
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** Writes <dataDir>/terminal-ca-bundle.pem (mode 0644, only when its content changes); returns its path. */
export function writeCaBundle(dataDir: string, caCertPem: string): string {
  const ours = pemBlocks(caCertPem);
  if (ours.length === 0) throw new Error('The Flowscope CA given for the terminal bundle is not a PEM certificate (-----BEGIN CERTIFICATE-----).');
  const seen = new Set<string>();
  const blocks: string[] = [];
  // Node's list and the system's overlap almost entirely: keep each certificate once.
  for (const block of [...rootCertificates, ...pemBlocks(systemBundle()), ...ours]) {
    const key = block.replace(/\s+/g, '');
    if (seen.has(key)) continue;
    seen.add(key);
    blocks.push(block.trim());
  }
  const file = path.join(dataDir, CA_BUNDLE_FILE);
  writeIfChanged(file, `${blocks.join('\n')}\n`, 0o644);
  return file;
}
