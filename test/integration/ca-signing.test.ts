import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type TLSSocket } from 'node:tls';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateCa, type CaMaterial } from '../../src-main/ca/index.js';

let dataDir: string;
let ca: CaMaterial;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'flowscope-ca-signing-'));
  ca = await loadOrCreateCa(dataDir);
});

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

/** A server certificate for localhost, signed the way the proxy signs per-host certificates. */
function issueLeaf(): { certPem: string; keyPem: string } {
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const caKey = forge.pki.privateKeyFromPem(ca.keyPem);
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

  const leaf = forge.pki.createCertificate();
  leaf.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  leaf.serialNumber = '01';
  leaf.validity.notBefore = new Date(Date.now() - 60 * 60 * 1000);
  leaf.validity.notAfter = new Date(Date.now() + 24 * 60 * 60 * 1000);
  leaf.setSubject([{ name: 'commonName', value: 'localhost' }]);
  leaf.setIssuer(caCert.subject.attributes);
  leaf.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }] },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  leaf.sign(caKey, forge.md.sha256.create());
  return {
    certPem: forge.pki.certificateToPem(leaf),
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

function handshake(server: ReturnType<typeof createServer>, trusted: string[] | undefined): Promise<TLSSocket> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: trusted, rejectUnauthorized: false });
    socket.once('secureConnect', () => resolve(socket));
    socket.once('error', reject);
  });
}

describe('the CA as a signing CA', () => {
  it('issues certificates Node accepts as signed by it', () => {
    const caCert = new X509Certificate(ca.certPem);
    const leaf = new X509Certificate(issueLeaf().certPem);
    expect(leaf.checkIssued(caCert)).toBe(true);
    expect(leaf.verify(caCert.publicKey)).toBe(true);
    expect(leaf.checkHost('localhost')).toBe('localhost');
  });

  it('makes a TLS client that trusts it accept a localhost server', async () => {
    const leaf = issueLeaf();
    const server = createServer({ cert: leaf.certPem, key: leaf.keyPem }, (socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const trusting = await handshake(server, [ca.certPem]);
      expect(trusting.authorized).toBe(true);
      trusting.destroy();

      // Without the CA the same chain is refused, so the success above is the CA's doing.
      const untrusting = await handshake(server, undefined);
      expect(untrusting.authorized).toBe(false);
      expect(String(untrusting.authorizationError)).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|unable to verify/i);
      untrusting.destroy();
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
