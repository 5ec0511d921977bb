import { X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import type { CaExportFormat } from '../../src-shared/model/ca.js';
import type { CaMaterial } from './material.js';

export interface CaExportOptions {
  /** Protects the PKCS#12 file; '' when not given. */
  password?: string;
  /** Put the private key into the PKCS#12 file (false when not given: a trust bundle for other devices). */
  includeKey?: boolean;
}

/** The CA in a format users import into browsers and OS trust stores. PEM and DER never hold the key. */
export function exportCa(ca: CaMaterial, format: CaExportFormat, options: CaExportOptions = {}): Buffer {
  switch (format) {
    case 'pem':
      return Buffer.from(ca.certPem, 'utf8');
    case 'der':
      return Buffer.from(new X509Certificate(ca.certPem).raw);
    case 'p12':
      return exportP12(ca, options.password ?? '', options.includeKey ?? false);
  }
}

function exportP12(ca: CaMaterial, password: string, includeKey: boolean): Buffer {
  const cert = forge.pki.certificateFromPem(ca.certPem);
  const key = includeKey ? forge.pki.privateKeyFromPem(ca.keyPem) : null;
  // 3DES (PKCS#12 PBE) and a SHA-1 MAC: the AES/PBES2 default is refused by older macOS and Windows importers.
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, [cert], password, {
    algorithm: '3des',
    friendlyName: 'Flowscope CA',
  });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}
