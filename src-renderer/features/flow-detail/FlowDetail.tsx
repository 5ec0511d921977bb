/**
 * The selected flow in full. It is fetched again when its summary changes (a response arriving,
 * a WebSocket closing), so the pane stays live without a subscription of its own.
 */
import { useEffect, useState } from 'react';
import type { Flow } from '../../../src-shared/model/flow.js';
import { FLOW_ERROR_ADVICE } from '../../../src-shared/model/errors.js';
import { useServices } from '../../components/api-context.js';
import { formatDuration, statusTone } from '../../components/format.js';
import { useApp } from '../../store/index.js';
import { useFlowActions } from '../flows/index.js';
import { WebSocketMessages } from '../websocket/index.js';
import { BodyViewer } from './BodyViewer.js';
import { FlowPolicy } from './FlowPolicy.js';
import { HeadersTable } from './HeadersTable.js';
import { TimingsView } from './TimingsView.js';

type Tab = 'request' | 'response' | 'messages' | 'timings';

export function FlowDetail() {
  const id = useApp((s) => s.selectedId);
  if (id === null) return <div className="detail-placeholder muted">Select a flow to see its request and response.</div>;
  return <LoadedDetail key={id} id={id} />;
}

function LoadedDetail({ id }: { id: number }) {
  const { api } = useServices();
  const summary = useApp((s) => s.flows.byId[id]);
  const [flow, setFlow] = useState<Flow | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [tab, setTab] = useState<Tab>('response');

  useEffect(() => {
    let live = true;
    api['flows.get']({ id }).then(
      (loaded) => live && setFlow(loaded),
      (error: Error) => live && setFailure(error.message),
    );
    return () => {
      live = false;
    };
  }, [api, id, summary?.statusCode, summary?.durationMs, summary?.errorType]);

  if (failure) return <div className="detail"><p className="error-text">{failure}</p></div>;
  if (!flow) return <div className="detail muted">Loading…</div>;

  const tabs: Array<[Tab, string]> = [['request', 'Request'], ['response', 'Response']];
  if (flow.kind === 'websocket') tabs.push(['messages', `Messages${summary ? ` (${summary.messageCount})` : ''}`]);
  tabs.push(['timings', 'Timings']);
  return (
    <section className="detail" aria-label="Flow detail" tabIndex={-1} id="flow-detail">
      <header className="detail-header">
        <div className="request-line"><strong>{flow.method}</strong> <span className="url">{flow.url}</span></div>
        <div className="status-line">
          <span className={`status tone-${statusTone({ statusCode: flow.statusCode, errorType: flow.error?.type ?? null })}`}>
            {flow.statusCode ?? (flow.error ? 'Failed' : 'Pending')} {flow.statusMessage ?? ''}
          </span>
          <span className="muted"> HTTP/{flow.httpVersion} · {formatDuration(flow.durationMs)}{flow.tls?.protocol ? ` · ${flow.tls.protocol}` : ''}</span>
        </div>
        <FlowPolicy flow={flow} />
        <FlowOrigin flow={flow} />
        <ReplayButtons flow={flow} />
      </header>
      {flow.error ? <ErrorExplanation flow={flow} /> : null}
      <div className="tabs" role="tablist">
        {tabs.map(([name, label]) => (
          <button type="button" role="tab" key={name} aria-selected={tab === name} onClick={() => setTab(name)}>{label}</button>
        ))}
      </div>
      <div className="tab-panel" role="tabpanel">
        {tab === 'request' ? (
          <>
            <h3>Request headers</h3>
            <HeadersTable headers={flow.requestHeaders} label="Request headers" />
            <h3>Request body</h3>
            <BodyViewer flowId={flow.id} side="request" info={flow.requestBody} />
          </>
        ) : null}
        {tab === 'response' ? (
          flow.responseHeaders ? (
            <>
              <h3>Response headers</h3>
              <HeadersTable headers={flow.responseHeaders} label="Response headers" />
              <h3>Response body</h3>
              {flow.responseBody ? <BodyViewer flowId={flow.id} side="response" info={flow.responseBody} /> : <p className="muted">No body.</p>}
            </>
          ) : <p className="muted">{flow.error ? 'No response: the exchange failed.' : 'Waiting for the response…'}</p>
        ) : null}
        {tab === 'messages' ? <WebSocketMessages flowId={flow.id} /> : null}
        {tab === 'timings' ? <TimingsView flow={flow} /> : null}
      </div>
    </section>
  );
}

/** Where the flow came from when it was not captured: a link to the flow it replayed. */
function FlowOrigin({ flow }: { flow: Flow }) {
  const select = useApp((s) => s.select);
  if (flow.source === 'import') return <div className="flow-origin"><span className="badge import">Imported</span></div>;
  if (flow.source !== 'replay') return null;
  return (
    <div className="flow-origin">
      <span className="badge replay" data-testid="replay-of">
        {flow.replayOf === null ? 'Sent from the request editor' : (
          <>Replay of <button type="button" className="link" onClick={() => select(flow.replayOf)}>#{flow.replayOf}</button></>
        )}
      </span>
    </div>
  );
}

function ReplayButtons({ flow }: { flow: Flow }) {
  const actions = useFlowActions();
  if (flow.kind !== 'http') return null;
  return (
    <div className="detail-actions">
      <button type="button" onClick={() => void actions.replay([flow.id])} title="Send this request again">Replay</button>
      <button type="button" onClick={() => actions.edit(flow.id)} title="Open this request in the editor">Edit and replay</button>
    </div>
  );
}

function ErrorExplanation({ flow }: { flow: Flow }) {
  const setView = useApp((s) => s.setView);
  const error = flow.error!;
  return (
    <div className="error-box" role="alert">
      <strong>{error.type.replaceAll('_', ' ').toLowerCase()}</strong>: {error.message}
      <p>{FLOW_ERROR_ADVICE[error.type]}</p>
      {error.type === 'CLIENT_TLS_ERROR' ? <button type="button" className="link" onClick={() => setView('ca')}>Open the CA helper</button> : null}
    </div>
  );
}
