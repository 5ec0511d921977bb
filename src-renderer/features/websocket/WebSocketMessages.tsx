/**
 * The messages of one WebSocket flow: a virtualized list (paged forward with flows.messages, live
 * from ws.messages through the store) and the selected message as text, JSON or hex.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useRef } from 'react';
import { useServices } from '../../components/api-context.js';
import { formatBytes, formatTime } from '../../components/format.js';
import { appStore, useApp } from '../../store/index.js';
import { MessageView } from './MessageView.js';

const ROW_HEIGHT = 26;
const LOAD_AHEAD_PX = 20 * ROW_HEIGHT;

function preview(base64: string, type: string): string {
  if (type !== 'text') return '';
  try {
    const bytes = Uint8Array.from(atob(base64.slice(0, 160)), (c) => c.charCodeAt(0));
    return new TextDecoder().decode(bytes);
  } catch {
    return '';
  }
}

export function WebSocketMessages({ flowId }: { flowId: number }) {
  const { queries } = useServices();
  const messages = useApp((s) => s.ws.messages);
  const dropped = useApp((s) => s.ws.dropped);
  const follow = useApp((s) => s.ws.follow);
  const selectedSeq = useApp((s) => s.ws.selectedSeq);
  const { wsSelect, wsFollow } = appStore.getState();
  const scrollRef = useRef<HTMLDivElement>(null);
  const { messages: messageQueries } = queries;

  useEffect(() => {
    messageQueries.open(flowId);
    return () => messageQueries.open(null);
  }, [flowId, messageQueries]);

  const virtualizer = useVirtualizer({
    count: messages.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    getItemKey: (index) => messages[index]!.seq,
    overscan: 10,
  });

  useLayoutEffect(() => {
    if (follow && scrollRef.current) scrollRef.current.scrollTop = scrollRef.current.scrollHeight;
  }, [messages, follow]);

  const onScroll = () => {
    const element = scrollRef.current!;
    const fromEnd = element.scrollHeight - element.clientHeight - element.scrollTop;
    wsFollow(fromEnd <= ROW_HEIGHT);
    if (fromEnd < LOAD_AHEAD_PX && !appStore.getState().ws.caughtUp) void messageQueries.loadMore();
  };

  const selected = messages.find((m) => m.seq === selectedSeq) ?? null;
  return (
    <div className="ws-messages">
      <div className="ws-toolbar">
        <span className="muted">{messages.length} messages{dropped > 0 ? ` (the first ${dropped} are not shown)` : ''}</span>
        <button type="button" className={`toggle${follow ? ' on' : ''}`} aria-pressed={follow} onClick={() => wsFollow(!follow)}>
          {follow ? '● Following' : 'Follow'}
        </button>
      </div>
      <div className="ws-list" ref={scrollRef} onScroll={onScroll} role="grid" aria-label="WebSocket messages">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const message = messages[item.index]!;
            const sent = message.direction === 'client-to-server';
            return (
              <div
                key={item.key}
                role="row"
                aria-selected={message.seq === selectedSeq}
                className={`ws-row${message.seq === selectedSeq ? ' selected' : ''}`}
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                onMouseDown={() => wsSelect(message.seq)}
              >
                <span role="gridcell" className={sent ? 'dir sent' : 'dir received'} title={sent ? 'Sent by the client' : 'Sent by the server'}>{sent ? '↑' : '↓'}</span>
                <span role="gridcell" className="ws-type">{message.type}</span>
                <span role="gridcell" className="ws-preview">{preview(message.base64, message.type) || (message.type === 'close' ? `${message.closeCode ?? ''} ${message.closeReason ?? ''}` : '')}</span>
                <span role="gridcell" className="num">{formatBytes(message.size)}</span>
                <span role="gridcell" className="num time">{formatTime(message.time)}</span>
              </div>
            );
          })}
        </div>
      </div>
      {selected ? <MessageView message={selected} /> : <p className="muted">Select a message to see its payload.</p>}
    </div>
  );
}
