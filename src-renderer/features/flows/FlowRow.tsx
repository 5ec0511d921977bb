import { memo, type MouseEvent } from 'react';
import type { FlowSummary } from '../../../src-shared/model/flow.js';
import { formatBytes, formatDuration, formatTime, shortContentType, statusText, statusTone } from '../../components/format.js';
import { useApp } from '../../store/index.js';

export const ROW_HEIGHT = 28;

interface FlowRowProps {
  id: number;
  index: number;
  top: number;
  selected: boolean;
  /** The row the keyboard is on and the detail pane shows. */
  focused: boolean;
  onMouseDown(id: number, event: MouseEvent): void;
  onContextMenu(id: number, event: MouseEvent): void;
}

/** Where a flow came from, when not from capture: "replay of #12", "imported". */
export function SourceBadge({ flow }: { flow: Pick<FlowSummary, 'source' | 'replayOf'> }) {
  if (flow.source === 'import') return <span className="badge import">imported</span>;
  if (flow.source !== 'replay') return null;
  return <span className="badge replay">{flow.replayOf === null ? 'sent' : `replay of #${flow.replayOf}`}</span>;
}

/**
 * LLM and MCP traffic is marked in the list; web and other are the usual case and stay unmarked,
 * so a row stays calm. A request a block rule stopped says so.
 */
export function PolicyBadges({ flow }: { flow: Pick<FlowSummary, 'trafficClass' | 'blocked'> }) {
  const marked = flow.trafficClass === 'llm' || flow.trafficClass === 'mcp';
  return (
    <>
      {flow.blocked ? <span className="badge blocked" title="Stopped by a block rule: it never reached the server">blocked</span> : null}
      {marked ? <span className={`badge class-${flow.trafficClass}`} title={`${flow.trafficClass.toUpperCase()} traffic`}>{flow.trafficClass.toUpperCase()}</span> : null}
    </>
  );
}

/** One row; it reads its own summary, so a live update of one flow re-renders one row. */
export const FlowRow = memo(function FlowRow({ id, index, top, selected, focused, onMouseDown, onContextMenu }: FlowRowProps) {
  const flow = useApp((s) => s.flows.byId[id]);
  if (!flow) return null;
  return (
    <div
      role="row"
      id={`flow-row-${id}`}
      aria-rowindex={index + 2}
      aria-selected={selected}
      data-flow-id={id}
      className={`flow-row${selected ? ' selected' : ''}${focused ? ' focused' : ''}${flow.errorType ? ' failed' : ''}`}
      style={{ transform: `translateY(${top}px)`, height: ROW_HEIGHT }}
      onMouseDown={(event) => onMouseDown(id, event)}
      onContextMenu={(event) => onContextMenu(id, event)}
    >
      <span role="gridcell" className={`method method-${flow.method.toLowerCase()}`}>{flow.kind === 'websocket' ? 'WS' : flow.method}</span>
      <span role="gridcell" className={`status tone-${statusTone(flow)}`}>{statusText(flow)}</span>
      <span role="gridcell" className="host" title={flow.host}>{flow.host}{[80, 443].includes(flow.port) ? '' : `:${flow.port}`}</span>
      <span role="gridcell" className="path-cell" title={flow.path}><PolicyBadges flow={flow} /><SourceBadge flow={flow} /><span className="path">{flow.path}</span></span>
      <span role="gridcell" className="type">{flow.kind === 'websocket' ? `${flow.messageCount} msgs` : shortContentType(flow.responseContentType)}</span>
      <span role="gridcell" className="num">{formatBytes(flow.responseSize)}</span>
      <span role="gridcell" className="num">{formatDuration(flow.durationMs)}</span>
      <span role="gridcell" className="num time">{formatTime(flow.startedAt)}</span>
    </div>
  );
});
