/**
 * A captured body: fetched when shown, decoded and pretty-printed in the body worker, then shown
 * read-only in monaco, as a hex dump, or (images) as an <img> from a blob: URL. Intercepted bytes
 * never reach the DOM as markup.
 */
import { useEffect, useState } from 'react';
import type { BodySideName, BodyView } from '../../../src-shared/api/types.js';
import type { BodyInfo } from '../../../src-shared/model/flow.js';
import { useServices } from '../../components/api-context.js';
import { HEX_DUMP_LIMIT } from '../../components/body-format.js';
import { LazyCodeView as CodeView } from '../../components/LazyCodeView.js';
import { formatInWorker, rawText } from '../../components/format-body.js';
import { formatBytes } from '../../components/format.js';
import type { BodyJobResult } from '../../components/body-worker.js';

type ViewMode = 'auto' | 'raw' | 'hex';

export function BodyViewer({ flowId, side, info }: { flowId: number; side: BodySideName; info: BodyInfo }) {
  const { api } = useServices();
  const [body, setBody] = useState<BodyView | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [mode, setMode] = useState<ViewMode>('auto');
  const [formatted, setFormatted] = useState<BodyJobResult | null>(null);
  /** Formatting failed or was stopped: why, and the body as plain text instead (decoded once, here). */
  const [formatFailure, setFormatFailure] = useState<{ message: string; text: string } | null>(null);

  useEffect(() => {
    // A failure belongs to the body it was about: a new fetch starts clean.
    setFailure(null);
    let live = true;
    api['flows.body']({ id: flowId, side, decoded: true }).then(
      (view) => live && setBody(view),
      (error: Error) => live && setFailure(error.message),
    );
    return () => {
      live = false;
    };
  }, [api, flowId, side, info.capturedSize]);

  useEffect(() => {
    // Never show the previous body's formatting under this one's toolbar.
    setFormatted(null);
    setFormatFailure(null);
    if (!body || body.size === 0) return;
    let live = true;
    formatInWorker({ base64: body.base64, contentType: body.contentType, view: mode }).then(
      (result) => live && setFormatted(result),
      (error: Error) => live && setFormatFailure({ message: error.message, text: rawText(body.base64) }),
    );
    return () => {
      live = false;
    };
  }, [body, mode]);

  if (failure) return <p className="error-text">Could not load the body: {failure}</p>;
  if (info.wireSize === 0) return <p className="muted">No body.</p>;
  if (info.dropped || body?.dropped) return <p className="notice">The body ({formatBytes(info.wireSize)}) was not stored: Flowscope was overloaded when it arrived.</p>;
  if (!body) return <p className="muted">Loading body…</p>;

  return (
    <div className="body-viewer">
      <div className="body-toolbar">
        <span className="muted">{body.contentType ?? 'no content type'} · {formatBytes(body.size)}{body.contentEncoding ? ` (${body.contentEncoding} on the wire: ${formatBytes(body.wireSize)})` : ''}</span>
        <div className="segmented" role="group" aria-label="Body view">
          {(['auto', 'raw', 'hex'] as const).map((m) => (
            <button type="button" key={m} aria-pressed={mode === m} onClick={() => setMode(m)}>{m === 'auto' ? 'Pretty' : m === 'raw' ? 'Raw' : 'Hex'}</button>
          ))}
        </div>
      </div>
      {body.truncated ? (
        <p className="notice" data-testid="truncated-notice">Truncated at {body.size.toLocaleString()} of {body.wireSize.toLocaleString()} bytes (the body size cap; change it in Settings).</p>
      ) : null}
      {body.decodeError ? <p className="notice">Shown as received: {body.decodeError}</p> : null}
      {formatFailure ? (
        <>
          <p className="notice" data-testid="format-failed">Shown as raw text: {formatFailure.message}</p>
          <CodeView text={formatFailure.text} language="plaintext" label={`${side} body`} />
        </>
      ) : <FormattedView result={formatted} side={side} />}
    </div>
  );
}

function FormattedView({ result, side }: { result: BodyJobResult | null; side: BodySideName }) {
  if (!result) return <p className="muted">Formatting…</p>;
  const { body } = result;
  if (body.kind === 'image') return <ImagePreview bytes={result.bytes!} mimeType={body.mimeType} />;
  if (body.kind === 'hex') {
    return (
      <>
        {body.shownBytes >= HEX_DUMP_LIMIT ? <p className="notice">Showing the first {formatBytes(HEX_DUMP_LIMIT)}.</p> : null}
        <CodeView text={body.text} language="hex" label={`${side} body (hex)`} />
      </>
    );
  }
  return <CodeView text={body.text} language={body.language} label={`${side} body`} />;
}

/** Images (SVG included) only through <img>, which runs no scripts and loads nothing else. */
function ImagePreview({ bytes, mimeType }: { bytes: ArrayBuffer; mimeType: string }) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    const objectUrl = URL.createObjectURL(new Blob([bytes], { type: mimeType }));
    setUrl(objectUrl);
    return () => URL.revokeObjectURL(objectUrl);
  }, [bytes, mimeType]);
  return url ? <div className="image-preview"><img src={url} alt="Response image preview" /></div> : null;
}
