/**
 * Ways to send traffic through Flowscope, HTTP Toolkit style: the system proxy, a browser with a
 * fresh profile, a terminal, and other devices (the proxy address and http://flowscope.cert/).
 */
import { useState } from 'react';
import { CopyButton } from '../../components/CopyButton.js';
import { useServices } from '../../components/api-context.js';
import { useApp } from '../../store/index.js';
import { useOsStatus } from './use-os-status.js';

export function InterceptView() {
  const { api } = useServices();
  const os = useOsStatus();
  const proxy = useApp((s) => s.ui.proxy);
  const [url, setUrl] = useState('');
  const { status, message, busy, run } = os;
  const proxyUrl = proxy?.proxyUrl ?? '';
  return (
    <div className="page intercept">
      <h2>Intercept</h2>
      {message ? <p className={message.error ? 'error-text' : 'ok-text'} role="status" data-testid="intercept-message">{message.text}</p> : null}
      <section className="card">
        <h3>System proxy</h3>
        {!status ? <p className="muted">Checking…</p> : status.systemProxy.supported ? (
          <>
            <p>
              {status.systemProxy.enabled ? 'This system sends its traffic through Flowscope.' : 'This system does not use Flowscope now.'}
              {status.systemProxy.current ? <span className="muted"> ({status.systemProxy.current})</span> : null}
            </p>
            <button type="button" disabled={busy} data-testid="system-proxy-toggle" onClick={() => void run(() => api['systemProxy.set']({ enabled: !status.systemProxy.enabled }))}>
              {status.systemProxy.enabled ? 'Turn the system proxy off' : 'Send this system through Flowscope'}
            </button>
            <p className="muted">Your earlier settings are saved and put back when you turn it off or quit, even after a crash.</p>
          </>
        ) : <p className="muted">{status.systemProxy.manualSteps ?? 'Flowscope cannot set this system\'s proxy.'}</p>}
      </section>
      <section className="card">
        <h3>A browser of its own</h3>
        <p>Opens with a fresh profile that goes through Flowscope and trusts its CA only there: nothing on the system changes.</p>
        <label className="field">Start page <input value={url} placeholder="https://example.com (optional)" onChange={(e) => setUrl(e.target.value)} /></label>
        <div className="button-row">
          {status?.browsers.length ? status.browsers.map((browser) => (
            <button type="button" key={browser.id} disabled={busy} onClick={() => void run(() => api['browser.open']({ id: browser.id, ...(url.trim() && { url: url.trim() }) }))}>
              Open {browser.name}
            </button>
          )) : <span className="muted">No Chrome, Chromium, Edge, Brave or Firefox was found.</span>}
        </div>
      </section>
      <section className="card">
        <h3>A terminal</h3>
        <p>Commands in it go through Flowscope: curl, Node, Python, Git and others that read the proxy and CA variables.</p>
        <div className="button-row">
          <button type="button" disabled={busy || status?.terminal === false} onClick={() => void run(() => api['terminal.open']({}))}>New terminal</button>
          <code>flowscope run -- COMMAND</code> <CopyButton value="flowscope run -- " />
        </div>
      </section>
      <section className="card">
        <h3>Another device</h3>
        <p>Set its proxy to <code data-testid="proxy-address">{proxyUrl.replace(/^http:\/\//, '')}</code> <CopyButton value={proxyUrl.replace(/^http:\/\//, '')} />, then open <code>http://flowscope.cert/</code> on it to download and trust the CA.</p>
        <p className="muted">The proxy listens on {proxy?.host ?? '…'}: another device needs Flowscope to listen on an address it can reach (Settings), with proxy authentication or an allow list.</p>
      </section>
    </div>
  );
}
