import { useApp, useAppShallow } from '../../store/index.js';

/** What a new user needs to send a first request through the proxy, with their port and CA path. */
export function EmptyState() {
  const { proxyUrl, port } = useAppShallow((s) => ({ proxyUrl: s.ui.proxy?.proxyUrl ?? null, port: s.ui.proxy?.port ?? null }));
  const certPath = useApp((s) => s.ui.ca?.certPath ?? null);
  const setView = useApp((s) => s.setView);
  const filtered = useApp((s) => s.filter.applied.trim() !== '');
  if (filtered) return <div className="empty-state"><h2>No flows match this filter</h2><p>Change or clear the filter to see more.</p></div>;
  const proxy = proxyUrl ?? (port ? `http://127.0.0.1:${port}` : 'http://127.0.0.1:8080');
  const cert = certPath ?? 'PATH/TO/flowscope-ca.pem';
  return (
    <div className="empty-state" data-testid="empty-state">
      <h2>No traffic yet</h2>
      <p>Flowscope is listening on <code>{proxy}</code>. Send a first request through it:</p>
      <pre className="command">curl --proxy {proxy} http://example.com/</pre>
      <p>For HTTPS, tell the client to trust the Flowscope CA:</p>
      <pre className="command">curl --proxy {proxy} --cacert "{cert}" https://example.com/</pre>
      <p>
        To capture a browser or a whole system, set its HTTP and HTTPS proxy to <code>{proxy}</code> and{' '}
        <button type="button" className="link" onClick={() => setView('ca')}>trust the CA</button>.
      </p>
    </div>
  );
}
