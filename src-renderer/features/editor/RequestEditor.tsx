/**
 * The request editor: method, URL, headers and body (monaco, editable), and Send (replay.send).
 * The draft lives in the store, so switching views keeps it; each send's result is listed with a
 * link to the flow that recorded it.
 */
import { useState, type FormEvent } from 'react';
import { useServices } from '../../components/api-context.js';
import { languageFor, mediaType } from '../../components/body-format.js';
import { formatBytes } from '../../components/format.js';
import { LazyCodeView as CodeView } from '../../components/LazyCodeView.js';
import { newSendKey, requestFromDraft } from '../../store/editor-draft.js';
import { appStore, useApp } from '../../store/index.js';
import { HeadersEditor } from './HeadersEditor.js';
import { SendList } from './SendList.js';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

export function RequestEditor() {
  const { api } = useServices();
  const draft = useApp((s) => s.editor.draft);
  const sends = useApp((s) => s.editor.sends);
  const { editorChanged, editorSendStarted, editorSendEnded, select, setView } = appStore.getState();
  const [error, setError] = useState<string | null>(null);

  const send = async (event: FormEvent) => {
    event.preventDefault();
    const checked = requestFromDraft(draft);
    if (!checked.ok) {
      setError(checked.error);
      return;
    }
    setError(null);
    const key = newSendKey();
    const { method, url } = checked.args.request;
    editorSendStarted({ key, method, url, sentAt: Date.now(), result: null, error: null });
    try {
      editorSendEnded(key, { result: await api['replay.send'](checked.args) });
    } catch (e) {
      editorSendEnded(key, { error: (e as Error).message });
    }
  };

  const contentType = draft.headers.find((row) => row.name.trim().toLowerCase() === 'content-type')?.value ?? null;
  const language = languageFor(mediaType(contentType), '');
  return (
    <div className="editor-page">
      <form className="editor-form" onSubmit={(e) => void send(e)} noValidate aria-label="Request editor">
        <div className="request-bar">
          <input
            className="method-input" aria-label="Method" list="http-methods" value={draft.method} spellCheck={false}
            onChange={(e) => editorChanged({ method: e.target.value.toUpperCase() })}
          />
          <datalist id="http-methods">{METHODS.map((m) => <option key={m} value={m} />)}</datalist>
          <input className="url-input" aria-label="URL" value={draft.url} spellCheck={false} onChange={(e) => editorChanged({ url: e.target.value })} />
          <button type="submit" className="primary">Send</button>
        </div>
        <p className="muted editor-origin">
          {draft.replayOf === null ? 'A new request.' : (
            <>
              Edited from{' '}
              <button type="button" className="link" onClick={() => (select(draft.replayOf), setView('traffic'))}>flow #{draft.replayOf}</button>: each send is recorded as a replay of it.
            </>
          )}
        </p>
        {draft.notes.map((note) => <p key={note} className="notice" data-testid="editor-note">{note}</p>)}
        {error ? <p className="error-text" role="alert">{error}</p> : null}
        <h3>Headers</h3>
        <HeadersEditor rows={draft.headers} onChange={(headers) => editorChanged({ headers })} />
        <small className="muted">Content-Length and connection headers (Connection, Transfer-Encoding) are set again for the body and connection the request is sent with.</small>
        <h3>Body</h3>
        {draft.binaryBody ? (
          <p className="notice">
            The captured body is binary ({formatBytes(draft.binaryBody.size)}) and is sent as it is. Typing below replaces it.{' '}
            <button type="button" className="link" onClick={() => editorChanged({ binaryBody: null })}>Send no body</button>
          </p>
        ) : null}
        <CodeView text={draft.bodyText} language={language} label="Request body" onChange={(bodyText) => editorChanged({ bodyText, binaryBody: null })} />
      </form>
      <aside className="editor-sends" aria-label="Results">
        <h3>Results</h3>
        <SendList sends={sends} />
      </aside>
    </div>
  );
}
