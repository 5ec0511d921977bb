import type { ReplayResult } from '../../../src-shared/api/types.js';
import { statusTone } from '../../components/format.js';
import { useApp } from '../../store/index.js';
import { resultText } from './outcome.js';

/** One replay's result with a link to the flow that recorded it. */
export function ReplayOutcome({ result, onShow }: { result: ReplayResult; onShow?(): void }) {
  const select = useApp((s) => s.select);
  const setView = useApp((s) => s.setView);
  const tone = statusTone({ statusCode: result.statusCode, errorType: result.error?.type ?? null });
  const show = () => {
    select(result.flowId);
    setView('traffic');
    onShow?.();
  };
  return (
    <span className="replay-outcome">
      <span className={`status tone-${tone}`}>{resultText(result)}</span>{' '}
      <button type="button" className="link" onClick={show} title="Show this flow in the traffic list">flow #{result.flowId}</button>
    </span>
  );
}
