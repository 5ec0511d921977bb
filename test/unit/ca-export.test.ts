import { createHash, createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import forge from 'node-forge';
import { describe, expect, it } from 'vitest';
import { caInfo, exportCa, fingerprintSha256, spkiSha256, type CaMaterial } from '../../src-main/ca/index.js';
import { generateCa } from '../../src-main/ca/generate.js';

const pem = generateCa();
const ca: CaMaterial = {
  ...pem,
  certPath: '/data/ca-cert.pem',
  keyPath: '/data/ca-key.pem',
  info: caInfo(pem.certPem, '/data/ca-cert.pem'),
};

/** DER OID 1.2.840.113549.1.12.1.3, pbeWithSHAAnd3-KeyTripleDES-CBC. */
const tripleDesPbeOid = Buffer.from('060a2a864886f70d010c0103', 'hex');

function readP12(der: Buffer, password: string): forge.pkcs12.Pkcs12Pfx {
  return forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(der.toString('binary')), password);
}

function bagsOf(p12: forge.pkcs12.Pkcs12Pfx, bagType: string): forge.pkcs12.Bag[] {
  return p12.getBags({ bagType })[bagType] ?? [];
}

describe('fingerprintSha256', () => {
  it('is the SHA-256 of the DER certificate as Node prints it', () => {
    const fingerprint = fingerprintSha256(ca.certPem);
    expect(fingerprint).toBe(new X509Certificate(ca.certPem).fingerprint256);
    expect(fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(ca.info.fingerprintSha256).toBe(fingerprint);
  });
});

describe('spkiSha256', () => {
  it("is Chrome's SPKI hash, the same by Node's and node-forge's encodings", () => {
    const spki = spkiSha256(ca.certPem);

    const nodeSpki = createPublicKey(ca.certPem).export({ type: 'spki', format: 'der' });
    expect(spki).toBe(createHash('sha256').update(nodeSpki).digest('base64'));

    const forgeCert = forge.pki.certificateFromPem(ca.certPem);
    const forgeSpki = forge.asn1.toDer(forge.pki.publicKeyToAsn1(forgeCert.publicKey)).getBytes();
    expect(spki).toBe(forge.util.encode64(forge.md.sha256.create().update(forgeSpki).digest().getBytes()));

    expect(Buffer.from(spki, 'base64')).toHaveLength(32);
    expect(ca.info.spkiSha256).toBe(spki);
  });
});

describe('exportCa', () => {
  it('exports the certificate alone as PEM', () => {
    const exported = exportCa(ca, 'pem').toString('utf8');
    expect(exported).toBe(ca.certPem);
    expect(exported).not.toContain('PRIVATE KEY');
  });

  it('exports the certificate alone as DER', () => {
    const der = exportCa(ca, 'der');
    expect(der[0]).toBe(0x30);
    expect(new X509Certificate(der).fingerprint256).toBe(ca.info.fingerprintSha256);
  });

  it('exports certificate and key as a 3DES PKCS#12 named "Flowscope CA"', () => {
    const p12Der = exportCa(ca, 'p12', { password: 'secret', includeKey: true });
    const p12 = readP12(p12Der, 'secret');

    const certs = bagsOf(p12, forge.pki.oids.certBag!);
    expect(certs).toHaveLength(1);
    const cert = certs[0]!.cert!;
    expect(forge.pki.certificateToPem(cert).replace(/\r\n/g, '\n')).toBe(ca.certPem);
    expect(certs[0]!.attributes.friendlyName).toEqual(['Flowscope CA']);

    const keys = bagsOf(p12, forge.pki.oids.pkcs8ShroudedKeyBag!);
    expect(keys).toHaveLength(1);
    const keyPem = forge.pki.privateKeyToPem(keys[0]!.key!);
    const expectedJwk = createPrivateKey(ca.keyPem).export({ format: 'jwk' });
    expect(createPrivateKey(keyPem).export({ format: 'jwk' })).toEqual(expectedJwk);

    expect(p12Der.includes(tripleDesPbeOid)).toBe(true);
    expect(() => createSecureContext({ pfx: p12Der, passphrase: 'secret' })).not.toThrow();
    expect(() => createSecureContext({ pfx: p12Der, passphrase: 'wrong' })).toThrow();
  });

  it('uses an empty password when none is given', () => {
    const p12Der = exportCa(ca, 'p12', { includeKey: true });
    expect(bagsOf(readP12(p12Der, ''), forge.pki.oids.pkcs8ShroudedKeyBag!)).toHaveLength(1);
    expect(() => createSecureContext({ pfx: p12Der, passphrase: '' })).not.toThrow();
  });

  it('leaves the key out when asked to', () => {
    const p12Der = exportCa(ca, 'p12', { password: 'secret' }); // the key only when asked for
    const p12 = readP12(p12Der, 'secret');
    expect(bagsOf(p12, forge.pki.oids.certBag!)).toHaveLength(1);
    expect(bagsOf(p12, forge.pki.oids.pkcs8ShroudedKeyBag!)).toHaveLength(0);
    expect(bagsOf(p12, forge.pki.oids.keyBag!)).toHaveLength(0);
  });
});
