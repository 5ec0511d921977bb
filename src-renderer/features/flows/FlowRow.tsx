import { memo } from 'react';
import { formatBytes, formatDuration, formatTime, shortContentType, statusText, statusTone } from '../../components/format.js';
import { useApp } from '../../store/index.js';

export const ROW_HEIGHT = 28;

interface FlowRowProps {
  id: number;
  index: number;
  top: number;
  selected: boolean;
  onSelect(id: number): void;
}

/** One row; it reads its own summary, so a live update of one flow re-renders one row. */
export const FlowRow = memo(function FlowRow({ id, index, top, selected, onSelect }: FlowRowProps) {
  const flow = useApp((s) => s.flows.byId[id]);
  if (!flow) return null;
  return (
    <div
      role="row"
      id={`flow-row-${id}`}
      aria-rowindex={index + 2}
      aria-selected={selected}
      data-flow-id={id}
      className={`flow-row${selected ? ' selected' : ''}${flow.errorType ? ' failed' : ''}`}
      style={{ transform: `translateY(${top}px)`, height: ROW_HEIGHT }}
      onMouseDown={() => onSelect(id)}
    >
      <span role="gridcell" className={`method method-${flow.method.toLowerCase()}`}>{flow.kind === 'websocket' ? 'WS' : flow.method}</span>
      <span role="gridcell" className={`status tone-${statusTone(flow)}`}>{statusText(flow)}</span>
      <span role="gridcell" className="host" title={flow.host}>{flow.host}{[80, 443].includes(flow.port) ? '' : `:${flow.port}`}</span>
      <span role="gridcell" className="path" title={flow.path}>{flow.path}</span>
      <span role="gridcell" className="type">{flow.kind === 'websocket' ? `${flow.messageCount} msgs` : shortContentType(flow.responseContentType)}</span>
      <span role="gridcell" className="num">{formatBytes(flow.responseSize)}</span>
      <span role="gridcell" className="num">{formatDuration(flow.durationMs)}</span>
      <span role="gridcell" className="num time">{formatTime(flow.startedAt)}</span>
    </div>
  );
});
