/** What traffic policy did with a flow: its class, the block rule that stopped it, the upstream proxy it went through. */
import type { Flow, TrafficClass } from '../../../src-shared/model/flow.js';

const CLASS_LABELS: Record<TrafficClass, string> = { llm: 'LLM traffic', mcp: 'MCP traffic', web: 'Web traffic', other: 'Other traffic (this machine)' };

export function FlowPolicy({ flow }: { flow: Flow }) {
  return (
    <div className="flow-policy" data-testid="flow-policy">
      <span className={`badge class-${flow.trafficClass}`} title="Traffic class (filter with ~class)">{CLASS_LABELS[flow.trafficClass]}</span>
      {flow.blockedBy !== null ? (
        <span className="badge blocked" data-testid="blocked-by">Blocked by rule <code>{flow.blockedBy}</code></span>
      ) : null}
      {flow.upstreamProxy !== null ? (
        <span className="badge upstream" data-testid="upstream-proxy">Via upstream proxy <code>{flow.upstreamProxy}</code></span>
      ) : null}
    </div>
  );
}
