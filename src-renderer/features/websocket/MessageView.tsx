import { useEffect, useState } from 'react';
import type { WsMessageView } from '../../../src-shared/api/types.js';
import type { BodyJobResult } from '../../components/body-worker.js';
import { LazyCodeView as CodeView } from '../../components/LazyCodeView.js';
import { formatInWorker, rawText } from '../../components/format-body.js';
import { base64ByteLength } from '../../components/format.js';

/** One message's payload: text (JSON pretty-printed when it parses) or a hex dump. */
export function MessageView({ message }: { message: WsMessageView }) {
  const [mode, setMode] = useState<'auto' | 'raw' | 'hex'>('auto');
  const [result, setResult] = useState<BodyJobResult | null>(null);
  const [failure, setFailure] = useState<{ message: string; text: string } | null>(null);

  useEffect(() => {
    setResult(null);
    setFailure(null);
    let live = true;
    const contentType = message.type === 'binary' ? 'application/octet-stream' : 'text/plain';
    formatInWorker({ base64: message.base64, contentType, view: mode }).then(
      (r) => live && setResult(r),
      (error: Error) => live && setFailure({ message: error.message, text: rawText(message.base64) }),
    );
    return () => {
      live = false;
    };
  }, [message, mode]);

  const body = result?.body;
  return (
    <div className="message-view">
      <div className="body-toolbar">
        <span className="muted">
          #{message.seq} {message.type}{message.truncated ? ` · truncated at ${base64ByteLength(message.base64).toLocaleString()} of ${message.size.toLocaleString()} bytes` : ''}
        </span>
        <div className="segmented" role="group" aria-label="Message view">
          {(['auto', 'raw', 'hex'] as const).map((m) => (
            <button type="button" key={m} aria-pressed={mode === m} onClick={() => setMode(m)}>{m === 'auto' ? 'Pretty' : m === 'raw' ? 'Raw' : 'Hex'}</button>
          ))}
        </div>
      </div>
      {failure ? (
        <>
          <p className="notice">Shown as raw text: {failure.message}</p>
          <CodeView text={failure.text} language="plaintext" label="Message payload" />
        </>
      ) : null}
      {body && body.kind !== 'image' ? <CodeView text={body.text} language={body.kind === 'hex' ? 'hex' : body.language} label="Message payload" /> : null}
    </div>
  );
}
