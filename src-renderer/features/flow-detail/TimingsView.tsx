import type { Flow } from '../../../src-shared/model/flow.js';
import { formatDuration, formatTime } from '../../components/format.js';

interface Phase {
  name: string;
  from: number;
  to: number;
}

/** Consecutive phases from the timing events that happened; unknown events are skipped. */
function phases(flow: Flow): Phase[] {
  const t = flow.timings;
  const marks: Array<[string, number | null]> = [
    ['DNS lookup', t.dns],
    ['Connecting', t.connect],
    ['Request sent', t.requestBodyReceived],
    ['Waiting for response', t.responseHeaders ?? t.wsAccepted],
    [flow.kind === 'websocket' ? 'Connection open' : 'Response body', t.wsClosed ?? t.end ?? t.aborted],
  ];
  const result: Phase[] = [];
  let from = t.start;
  for (const [name, at] of marks) {
    if (at === null || at < from) continue;
    result.push({ name, from, to: at });
    from = at;
  }
  return result;
}

export function TimingsView({ flow }: { flow: Flow }) {
  const list = phases(flow);
  const total = Math.max(1, (list.at(-1)?.to ?? flow.timings.start) - flow.timings.start);
  return (
    <div className="timings">
      <p>Started {new Date(flow.startedAt).toLocaleDateString()} {formatTime(flow.startedAt)} · total {formatDuration(flow.durationMs) || 'still running'}</p>
      {list.length === 0 ? <p className="muted">No timing events recorded yet.</p> : null}
      <table className="timing-table">
        <tbody>
          {list.map((phase) => (
            <tr key={phase.name}>
              <th scope="row">{phase.name}</th>
              <td className="timing-bar-cell">
                <div
                  className="timing-bar"
                  style={{ marginLeft: `${((phase.from - flow.timings.start) / total) * 100}%`, width: `${Math.max(0.5, ((phase.to - phase.from) / total) * 100)}%` }}
                />
              </td>
              <td className="num">{formatDuration(phase.to - phase.from)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
