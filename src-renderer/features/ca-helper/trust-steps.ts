/** How to trust the Flowscope CA on each platform; {cert} is replaced by the certificate path. */
export interface TrustGuide {
  id: string;
  name: string;
  format: 'pem' | 'der';
  steps: string[];
}

export const TRUST_GUIDES: TrustGuide[] = [
  {
    id: 'macos', name: 'macOS', format: 'pem',
    steps: [
      'Download the PEM certificate.',
      'Run: sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain "{cert}"',
      'Or open it in Keychain Access, double-click "Flowscope CA", expand Trust and choose "Always Trust".',
      'Restart the browser so it picks up the change.',
    ],
  },
  {
    id: 'windows', name: 'Windows', format: 'der',
    steps: [
      'Download the DER certificate (.cer).',
      'Run in an administrator prompt: certutil -addstore -f Root flowscope-ca.cer',
      'Or double-click it, choose Install Certificate → Local Machine → "Trusted Root Certification Authorities".',
      'Restart the browser.',
    ],
  },
  {
    id: 'linux', name: 'Linux', format: 'pem',
    steps: [
      'Debian/Ubuntu: sudo cp "{cert}" /usr/local/share/ca-certificates/flowscope-ca.crt && sudo update-ca-certificates',
      'Fedora/RHEL: sudo cp "{cert}" /etc/pki/ca-trust/source/anchors/ && sudo update-ca-trust',
      'Chrome and Chromium on Linux use their own store (NSS): certutil -d sql:$HOME/.pki/nssdb -A -t "C,," -n Flowscope -i "{cert}"',
      'Node.js: export NODE_EXTRA_CA_CERTS="{cert}"   ·   curl: --cacert "{cert}"',
    ],
  },
  {
    id: 'firefox', name: 'Firefox', format: 'pem',
    steps: [
      'Firefox keeps its own list of CAs on every platform.',
      'Open Settings → Privacy & Security → Certificates → View Certificates → Authorities → Import.',
      'Choose the downloaded PEM file and tick "Trust this CA to identify websites".',
    ],
  },
  {
    id: 'android', name: 'Android', format: 'der',
    steps: [
      'Copy the DER certificate to the device.',
      'Settings → Security → Encryption & credentials → Install a certificate → CA certificate.',
      'Apps targeting Android 7+ trust user CAs only if their network security config allows it (debug builds can).',
      'Set the Wi-Fi proxy to this machine\'s address and the proxy port (listen on 0.0.0.0 in Settings).',
    ],
  },
  {
    id: 'ios', name: 'iOS', format: 'pem',
    steps: [
      'Send the PEM certificate to the device (AirDrop or mail) and open it; install the profile in Settings → Profile Downloaded.',
      'Then enable full trust: Settings → General → About → Certificate Trust Settings → Flowscope CA.',
      'Set the Wi-Fi HTTP proxy to Manual with this machine\'s address and the proxy port.',
    ],
  },
];
