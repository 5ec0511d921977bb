import { useEffect, useState } from 'react';
import type { WsMessageView } from '../../../src-shared/api/types.js';
import type { BodyJobResult } from '../../components/body-worker.js';
import { LazyCodeView as CodeView } from '../../components/LazyCodeView.js';
import { formatInWorker } from '../../components/format-body.js';

/** One message's payload: text (JSON pretty-printed when it parses) or a hex dump. */
export function MessageView({ message }: { message: WsMessageView }) {
  const [mode, setMode] = useState<'auto' | 'raw' | 'hex'>('auto');
  const [result, setResult] = useState<BodyJobResult | null>(null);

  useEffect(() => {
    let live = true;
    const contentType = message.type === 'binary' ? 'application/octet-stream' : 'text/plain';
    void formatInWorker({ base64: message.base64, contentType, view: mode }).then((r) => live && setResult(r));
    return () => {
      live = false;
    };
  }, [message, mode]);

  const body = result?.body;
  return (
    <div className="message-view">
      <div className="body-toolbar">
        <span className="muted">
          #{message.seq} {message.type}{message.truncated ? ` · truncated at ${atob(message.base64).length.toLocaleString()} of ${message.size.toLocaleString()} bytes` : ''}
        </span>
        <div className="segmented" role="group" aria-label="Message view">
          {(['auto', 'raw', 'hex'] as const).map((m) => (
            <button type="button" key={m} aria-pressed={mode === m} onClick={() => setMode(m)}>{m === 'auto' ? 'Pretty' : m === 'raw' ? 'Raw' : 'Hex'}</button>
          ))}
        </div>
      </div>
      {body && body.kind !== 'image' ? <CodeView text={body.text} language={body.kind === 'hex' ? 'hex' : body.language} label="Message payload" /> : null}
    </div>
  );
}
