import { createHash, createPublicKey, X509Certificate } from 'node:crypto';
import type { CaInfo } from '../../src-shared/model/ca.js';

/** SHA-256 of the DER certificate as upper-case hex pairs joined by ':' (what browsers show). */
export function fingerprintSha256(certPem: string): string {
  const digest = createHash('sha256').update(new X509Certificate(certPem).raw).digest('hex').toUpperCase();
  return digest.match(/../g)?.join(':') ?? '';
}

/** base64 SHA-256 of the DER SubjectPublicKeyInfo: the value Chrome's --ignore-certificate-errors-spki-list takes. */
export function spkiSha256(certPem: string): string {
  const spki = createPublicKey(certPem).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

export function caInfo(certPem: string, certPath: string): CaInfo {
  const cert = new X509Certificate(certPem);
  return {
    // Node lists the RDNs in encoding order (O first); users read them most specific first.
    subject: cert.subject.split('\n').reverse().join(', '),
    fingerprintSha256: fingerprintSha256(certPem),
    spkiSha256: spkiSha256(certPem),
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: new Date(cert.validTo).toISOString(),
    certPath,
  };
}
