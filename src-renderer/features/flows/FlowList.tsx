/**
 * The virtualized flow list. It shows the store's window of rows (never the whole history): near
 * the end it loads older pages, and leaving the top pauses the live tail so rows stop moving under
 * the user. "Oldest first" mirrors the window, so the live end is at the bottom.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type UIEvent } from 'react';
import { useServices } from '../../components/api-context.js';
import { useApp } from '../../store/index.js';
import { EmptyState } from './EmptyState.js';
import { FlowRow, ROW_HEIGHT } from './FlowRow.js';

/** Rows from the loaded end at which the next older page is asked for. */
const LOAD_AHEAD_ROWS = 40;
/** How far from the live end counts as "scrolled away". */
const FOLLOW_SLACK_PX = ROW_HEIGHT;

export function FlowList({ onOpen }: { onOpen(): void }) {
  const { queries } = useServices();
  const ids = useApp((s) => s.flows.ids);
  const loading = useApp((s) => s.flows.loading);
  const follow = useApp((s) => s.flows.follow);
  const selectedId = useApp((s) => s.selectedId);
  const select = useApp((s) => s.select);
  const pauseFollow = useApp((s) => s.pauseFollow);
  const [newestFirst, setNewestFirst] = useState(true);
  const scrollRef = useRef<HTMLDivElement>(null);

  const displayIds = useMemo(() => (newestFirst ? ids : [...ids].reverse()), [ids, newestFirst]);
  const virtualizer = useVirtualizer({
    count: displayIds.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    getItemKey: (index) => displayIds[index]!,
    overscan: 12,
  });

  // Rows come and go above the viewport (older pages prepended when oldest first, newest rows
  // dropped past the window's cap): keep the row the user is looking at in place.
  const anchor = useRef<{ id: number; offset: number } | null>(null);
  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (!element) return;
    if (follow) {
      element.scrollTop = newestFirst ? 0 : element.scrollHeight;
      return;
    }
    const index = anchor.current ? displayIds.indexOf(anchor.current.id) : -1;
    if (index >= 0) element.scrollTop = index * ROW_HEIGHT + anchor.current!.offset;
  }, [displayIds, newestFirst, follow]);

  const onScroll = useCallback((event: UIEvent<HTMLDivElement>) => {
    const element = event.currentTarget;
    const top = Math.floor(element.scrollTop / ROW_HEIGHT);
    const anchorId = displayIds[top];
    anchor.current = anchorId === undefined ? null : { id: anchorId, offset: element.scrollTop - top * ROW_HEIGHT };
    const fromLiveEnd = newestFirst ? element.scrollTop : element.scrollHeight - element.clientHeight - element.scrollTop;
    const fromOldEnd = newestFirst ? element.scrollHeight - element.clientHeight - element.scrollTop : element.scrollTop;
    if (fromLiveEnd > FOLLOW_SLACK_PX) pauseFollow();
    if (fromOldEnd < LOAD_AHEAD_ROWS * ROW_HEIGHT) void queries.flows.loadOlder();
  }, [displayIds, newestFirst, pauseFollow, queries]);

  // A short first page may not fill the viewport, which then never scrolls: keep loading.
  useEffect(() => {
    const element = scrollRef.current;
    if (element && !loading && element.scrollHeight <= element.clientHeight + LOAD_AHEAD_ROWS * ROW_HEIGHT) void queries.flows.loadOlder();
  }, [displayIds, loading, queries]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (displayIds.length === 0) return;
    const current = selectedId === null ? -1 : displayIds.indexOf(selectedId);
    const moves: Record<string, number> = {
      ArrowDown: current + 1, ArrowUp: current - 1, Home: 0, End: displayIds.length - 1, PageDown: current + 20, PageUp: current - 20,
    };
    if (event.key === 'Enter' && selectedId !== null) {
      event.preventDefault();
      onOpen();
      return;
    }
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    const index = Math.max(0, Math.min(displayIds.length - 1, target));
    select(displayIds[index]!);
    virtualizer.scrollToIndex(index, { align: 'auto' });
  };

  return (
    <div
      className="flow-list"
      role="grid"
      aria-label="Flows"
      aria-rowcount={displayIds.length + 1}
      aria-activedescendant={selectedId === null ? undefined : `flow-row-${selectedId}`}
      tabIndex={0}
      onKeyDown={onKeyDown}
    >
      <div role="row" className="flow-row header" aria-rowindex={1}>
        <span role="columnheader">Method</span>
        <span role="columnheader">Status</span>
        <span role="columnheader">Host</span>
        <span role="columnheader">Path</span>
        <span role="columnheader">Type</span>
        <span role="columnheader" className="num">Size</span>
        <span role="columnheader" className="num">Duration</span>
        <span role="columnheader" className="num" aria-sort={newestFirst ? 'descending' : 'ascending'}>
          <button type="button" className="sort" onClick={() => setNewestFirst((v) => !v)} title="Toggle newest/oldest first">
            Time {newestFirst ? '↓' : '↑'}
          </button>
        </span>
      </div>
      <div className="flow-scroll" ref={scrollRef} onScroll={onScroll}>
        {displayIds.length === 0 && !loading ? <EmptyState /> : null}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const id = item.key as number;
            return <FlowRow key={id} id={id} index={item.index} top={item.start} selected={id === selectedId} onSelect={select} />;
          })}
        </div>
      </div>
    </div>
  );
}
