import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import forge from 'node-forge';

export interface CaPem {
  certPem: string;
  keyPem: string;
}

const validityYears = 10;
const dayMs = 24 * 60 * 60 * 1000;

/** Creates a new self-signed root CA. Nothing is written to disk here. */
export function generateCa(): CaPem {
  // Node's native RSA generation takes milliseconds; node-forge's pure-JS one takes seconds.
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const forgePublicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  const forgePrivateKey = forge.pki.privateKeyFromPem(keyPem);

  const cert = forge.pki.createCertificate();
  cert.publicKey = forgePublicKey;
  cert.serialNumber = randomSerialHex();
  const now = Date.now();
  // A day back, so clients whose clock runs a little behind still accept the CA.
  cert.validity.notBefore = new Date(now - dayMs);
  cert.validity.notAfter = new Date(now);
  cert.validity.notAfter.setUTCFullYear(cert.validity.notAfter.getUTCFullYear() + validityYears);

  const subject = [
    { name: 'organizationName', value: 'Flowscope' },
    { name: 'commonName', value: `Flowscope CA (${installLabel()})` },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forgePrivateKey, forge.md.sha256.create());

  // node-forge ends PEM lines with CRLF; Node and the key file use LF, so both files read alike.
  return { certPem: forge.pki.certificateToPem(cert).replace(/\r\n/g, '\n'), keyPem };
}

/**
 * The host name tells users which machine a CA in their trust store belongs to; the random part
 * keeps every CA's name distinct, so an old trusted CA on the same host is never confused with a
 * new one when clients build chains by issuer name.
 */
function installLabel(): string {
  const id = randomBytes(3).toString('hex');
  const host = hostname().replace(/[^\w.-]/g, '').slice(0, 40);
  return host ? `${host} ${id}` : id;
}

/** 16 random bytes with the top bit clear (a positive INTEGER) and no leading zero byte (minimal DER). */
function randomSerialHex(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return bytes.toString('hex');
}
