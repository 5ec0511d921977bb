/**
 * http://flowscope.cert/: a page that exists only inside the proxy (like mitmproxy's mitm.it), so
 * a phone or another machine pointed at Flowscope can download the CA (PEM, DER/CER, P12) with
 * instructions for its platform. It is answered by the proxy itself and never captured.
 */
import type { ServerResponse } from 'node:http';
import type { CaMaterial } from '../ca/index.js';
import { exportCa } from '../ca/index.js';

export const ONBOARDING_HOST = 'flowscope.cert';

const FILES: Record<string, { format: 'pem' | 'der' | 'p12'; type: string; name: string }> = {
  '/flowscope-ca.pem': { format: 'pem', type: 'application/x-pem-file', name: 'flowscope-ca.pem' },
  '/flowscope-ca.cer': { format: 'der', type: 'application/x-x509-ca-cert', name: 'flowscope-ca.cer' },
  '/flowscope-ca.p12': { format: 'p12', type: 'application/x-pkcs12', name: 'flowscope-ca.p12' },
};

const STEPS: Array<[string, string]> = [
  ['iPhone and iPad', 'Open this page in Safari, download the .pem, then Settings → General → VPN & Device Management → install the profile, and Settings → General → About → Certificate Trust Settings → turn on full trust for "Flowscope CA".'],
  ['Android', 'Download the .cer, then Settings → Security → Encryption & credentials → Install a certificate → CA certificate. Apps trust user CAs only if they opt in (Android 7+); browsers such as Firefox may need their own setting.'],
  ['Windows', 'Download the .cer, open it, Install Certificate → Current User → Place all certificates in: Trusted Root Certification Authorities.'],
  ['macOS', 'Download the .pem, open it in Keychain Access (login keychain), double-click "Flowscope CA" → Trust → Always Trust.'],
  ['Linux', 'Download the .pem, then: sudo cp flowscope-ca.pem /usr/local/share/ca-certificates/flowscope-ca.crt && sudo update-ca-certificates. Firefox and Chrome keep their own stores: import it in their certificate settings.'],
  ['Firefox (any system)', 'Settings → Privacy & Security → Certificates → View Certificates → Authorities → Import the .pem, and tick "Trust this CA to identify websites".'],
];

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(ca: CaMaterial): string {
  const steps = STEPS.map(([name, text]) => `<h3>${escapeHtml(name)}</h3><p>${escapeHtml(text)}</p>`).join('');
  return `<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Flowscope CA</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#222}a.button{display:inline-block;margin:.25rem .5rem .25rem 0;padding:.5rem 1rem;border:1px solid #2a6df4;border-radius:6px;color:#2a6df4;text-decoration:none}code{word-break:break-all}</style>
<h1>Trust the Flowscope CA</h1>
<p>This device sends its traffic through Flowscope. To see HTTPS, it has to trust Flowscope's certificate authority. Download it in the format your system takes:</p>
<p><a class="button" href="/flowscope-ca.pem" download>PEM (.pem)</a><a class="button" href="/flowscope-ca.cer" download>DER (.cer)</a><a class="button" href="/flowscope-ca.p12" download>PKCS#12 (.p12)</a></p>
<p>Check that the fingerprint matches the one Flowscope shows:<br>SHA-256 <code>${escapeHtml(ca.info.fingerprintSha256)}</code></p>
<h2>How to install it</h2>${steps}
<p>Remove the certificate again when you are done: anyone with Flowscope's key could read this device's HTTPS traffic.</p>
</html>\n`;
}

/**
 * Answers a request for the onboarding host (the passthrough step asks first, so the check costs
 * other requests one string search rather than a rule of its own for mockttp to match).
 */
export function answerOnboarding(ca: CaMaterial, pathname: string, res: ServerResponse): void {
  const file = FILES[pathname];
  if (file) {
    res.writeHead(200, { 'content-type': file.type, 'content-disposition': `attachment; filename="${file.name}"`, 'cache-control': 'no-store' });
    res.end(exportCa(ca, file.format, { includeKey: false }));
  } else if (pathname === '/') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(page(ca));
  } else {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Not here: open http://flowscope.cert/\n');
  }
}
