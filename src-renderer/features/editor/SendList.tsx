/** What became of each Send, newest first, with a link to the flow that recorded it. */
import { formatTime } from '../../components/format.js';
import type { EditorSend } from '../../store/editor-draft.js';
import { ReplayOutcome } from '../replay/index.js';

export function SendList({ sends }: { sends: EditorSend[] }) {
  if (sends.length === 0) return <p className="muted">Nothing sent yet. Results of each Send appear here.</p>;
  return (
    <ol className="send-list" aria-label="Sent requests" data-testid="send-list">
      {sends.map((send) => (
        <li key={send.key} className="send">
          <div className="send-request"><strong>{send.method}</strong> <span className="url" title={send.url}>{send.url}</span></div>
          <div className="send-result">
            <span className="muted">{formatTime(send.sentAt)}</span>{' '}
            {send.result ? <ReplayOutcome result={send.result} /> : send.error ? <span className="error-text">{send.error}</span> : <span className="muted">Sending…</span>}
          </div>
        </li>
      ))}
    </ol>
  );
}
