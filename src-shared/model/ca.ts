/** What the UI and CLI may know about the CA. Never the private key. */
export interface CaInfo {
  subject: string;
  /** SHA-256 of the DER certificate, upper-case hex pairs joined by ':'. */
  fingerprintSha256: string;
  /** base64 SHA-256 of the SubjectPublicKeyInfo: Chrome's --ignore-certificate-errors-spki-list value. */
  spkiSha256: string;
  notBefore: string;
  notAfter: string;
  certPath: string;
}

export type CaExportFormat = 'pem' | 'der' | 'p12';
