/** "Replay to alternate URL…": one flow with replay.flow, several as a batch without pauses. */
import { useState, type FormEvent } from 'react';
import type { ReplayResult } from '../../../src-shared/api/types.js';
import { useServices } from '../../components/api-context.js';
import { Dialog } from '../../components/Dialog.js';
import { useApp } from '../../store/index.js';
import { BatchProgressView } from './BatchProgressView.js';
import { ReplayOutcome } from './ReplayOutcome.js';
import { parseTarget } from './target.js';
import { TargetInput } from './TargetInput.js';

export function ReplayTargetDialog({ ids, onClose }: { ids: number[]; onClose(): void }) {
  const { api } = useServices();
  const single = ids.length === 1 ? ids[0]! : null;
  const previewPath = useApp((s) => (single === null ? undefined : s.flows.byId[single]?.path));
  const [text, setText] = useState('');
  const [keepHost, setKeepHost] = useState(false);
  const [tried, setTried] = useState(false);
  const [sending, setSending] = useState(false);
  const [result, setResult] = useState<ReplayResult | null>(null);
  const [batch, setBatch] = useState<{ batchId: string; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    const parsed = parseTarget(text);
    if (!parsed.ok) return;
    const target = { targetUrl: parsed.targetUrl, keepHost };
    setSending(true);
    setError(null);
    setResult(null);
    try {
      if (single !== null) setResult(await api['replay.flow']({ id: single, target }));
      else setBatch(await api['replay.batch']({ ids, delayMs: 0, target }));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setSending(false);
    }
  };

  const what = single !== null ? `flow #${single}` : `${ids.length} flows`;
  return (
    <Dialog title={`Replay ${what} to another URL`} onClose={onClose}>
      {batch ? (
        <>
          <BatchProgressView batchId={batch.batchId} total={batch.total} onShowFlow={onClose} />
          <div className="dialog-buttons"><button type="button" onClick={onClose}>Close</button></div>
        </>
      ) : (
        <form onSubmit={(e) => void submit(e)} noValidate>
          <TargetInput text={text} onText={setText} keepHost={keepHost} onKeepHost={setKeepHost} showError={tried} previewPath={previewPath} />
          {error ? <p className="error-text" role="alert">{error}</p> : null}
          {result ? <p className="result-line" role="status" data-testid="replay-result">Replayed: <ReplayOutcome result={result} onShow={onClose} /></p> : null}
          <div className="dialog-buttons">
            <button type="button" onClick={onClose}>Close</button>
            <button type="submit" className="primary" disabled={sending}>{sending ? 'Sending…' : result ? 'Send again' : 'Replay'}</button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
