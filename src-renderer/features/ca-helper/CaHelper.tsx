/** The CA: what it is, downloads through ca.export, and how to trust it on each platform. */
import { useState } from 'react';
import type { CaExportFormat } from '../../../src-shared/model/ca.js';
import { useServices } from '../../components/api-context.js';
import { CopyButton } from '../../components/CopyButton.js';
import { downloadBase64 } from '../../components/download.js';
import { useApp } from '../../store/index.js';
import { TrustStores, useOsStatus } from '../intercept/index.js';
import { TRUST_GUIDES } from './trust-steps.js';

export function CaHelper() {
  const { api } = useServices();
  const ca = useApp((s) => s.ui.ca);
  const [guide, setGuide] = useState(TRUST_GUIDES[0]!.id);
  const [failure, setFailure] = useState<string | null>(null);
  const os = useOsStatus();
  const [confirming, setConfirming] = useState(false);

  const download = async (format: CaExportFormat) => {
    try {
      const file = await api['ca.export']({ format });
      downloadBase64(file.filename, file.mimeType, file.base64);
      setFailure(null);
    } catch (error) {
      setFailure((error as Error).message);
    }
  };

  if (!ca) return <div className="page muted">Loading the CA…</div>;
  const current = TRUST_GUIDES.find((g) => g.id === guide)!;
  const expires = new Date(ca.notAfter);
  return (
    <div className="page ca-helper">
      <h2>Flowscope CA</h2>
      <p>
        Clients must trust this certificate authority before Flowscope can show their HTTPS traffic.
        It was created for this install only; its private key never leaves this machine.
      </p>
      <dl className="facts">
        <dt>Subject</dt><dd>{ca.subject}</dd>
        <dt>SHA-256 fingerprint</dt><dd><code data-testid="ca-fingerprint">{ca.fingerprintSha256}</code> <CopyButton value={ca.fingerprintSha256} /></dd>
        <dt>SPKI hash</dt><dd><code>{ca.spkiSha256}</code> <CopyButton value={ca.spkiSha256} /> <span className="muted">(Chrome: --ignore-certificate-errors-spki-list)</span></dd>
        <dt>Valid</dt><dd>{new Date(ca.notBefore).toLocaleDateString()} – {expires.toLocaleDateString()}{expires.getTime() < Date.now() ? <strong className="error-text"> expired</strong> : null}</dd>
        <dt>File</dt><dd><code>{ca.certPath}</code> <CopyButton value={ca.certPath} /></dd>
      </dl>
      <div className="button-row">
        <button type="button" onClick={() => void download('pem')}>Download PEM</button>
        <button type="button" onClick={() => void download('der')}>Download DER (.cer)</button>
        <button type="button" onClick={() => void download('p12')}>Download P12</button>
      </div>
      {failure ? <p className="error-text">{failure}</p> : null}
      <h3>Trusted on this machine</h3>
      {os.message ? <p className={os.message.error ? 'error-text' : 'ok-text'} role="status" data-testid="trust-message">{os.message.text}</p> : null}
      <TrustStores os={os} />
      <h3>Trust it by hand</h3>
      <div className="tabs" role="tablist">
        {TRUST_GUIDES.map((g) => (
          <button type="button" role="tab" key={g.id} aria-selected={g.id === guide} onClick={() => setGuide(g.id)}>{g.name}</button>
        ))}
      </div>
      <ol className="steps" role="tabpanel">
        {current.steps.map((step) => <li key={step}>{step.replaceAll('{cert}', ca.certPath)}</li>)}
      </ol>
      <h3>Regenerate</h3>
      {confirming ? (
        <div className="banner error" role="alert">
          A new CA replaces this one after a restart. Every client that trusts this CA must then trust the new one, and you should
          remove this one from them: it will no longer belong to anything you run.{' '}
          <button type="button" onClick={() => { setConfirming(false); void os.run(() => api['ca.regenerate']({})); }}>Create a new CA</button>{' '}
          <button type="button" className="link" onClick={() => setConfirming(false)}>Cancel</button>
        </div>
      ) : <button type="button" onClick={() => setConfirming(true)}>Regenerate the CA…</button>}
    </div>
  );
}
