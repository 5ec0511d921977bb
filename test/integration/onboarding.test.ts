/** http://flowscope.cert/ through the proxy: the page and the CA downloads, answered by the proxy itself. */
import { X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestViaProxy } from '../fixtures/proxy-clients.js';
import { startTestProxy, type TestProxy } from './harness.js';

let proxy: TestProxy;

beforeAll(async () => {
  proxy = await startTestProxy();
});

afterAll(async () => {
  await proxy?.close();
});

describe('the onboarding page', () => {
  it('offers the CA as PEM, DER and P12 with instructions, and is not captured', async () => {
    const page = await requestViaProxy(proxy.proxyUrl, 'http://flowscope.cert/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    const html = page.body.toString();
    expect(html).toContain(proxy.runtime.ca.info.fingerprintSha256);
    for (const name of ['iPhone and iPad', 'Android', 'Windows', 'macOS', 'Linux', 'Firefox']) expect(html).toContain(name);

    const pem = await requestViaProxy(proxy.proxyUrl, 'http://flowscope.cert/flowscope-ca.pem');
    expect(pem.body.toString()).toBe(proxy.ca);
    expect(pem.headers['content-disposition']).toBe('attachment; filename="flowscope-ca.pem"');
    const der = await requestViaProxy(proxy.proxyUrl, 'http://flowscope.cert/flowscope-ca.cer');
    expect(new X509Certificate(der.body).fingerprint256).toBe(new X509Certificate(proxy.ca).fingerprint256);
    const p12 = await requestViaProxy(proxy.proxyUrl, 'http://flowscope.cert/flowscope-ca.p12');
    const parsed = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(forge.util.createBuffer(p12.body.toString('binary'))), '');
    expect(parsed.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!]).toHaveLength(1);
    // The CA's private key never leaves the data directory.
    expect(parsed.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag! })[forge.pki.oids.pkcs8ShroudedKeyBag!] ?? []).toHaveLength(0);
    expect((await requestViaProxy(proxy.proxyUrl, 'http://flowscope.cert/other')).status).toBe(404);

    proxy.runtime.store.flush();
    expect(proxy.runtime.store.countFlows()).toBe(0);
  });
});
