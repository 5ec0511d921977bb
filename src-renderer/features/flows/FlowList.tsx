/**
 * The virtualized flow list. It shows the store's window of rows (never the whole history): near
 * the end it loads older pages, and leaving the top pauses the live tail so rows stop moving under
 * the user. "Oldest first" mirrors the window, so the live end is at the bottom.
 * Rows are selected as in a file manager (click, Ctrl/Cmd+click, Shift+click, Shift+arrows,
 * Ctrl/Cmd+A); the context menu (right click, Shift+F10, the menu key) and Delete act on them.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent, type UIEvent } from 'react';
import { useServices } from '../../components/api-context.js';
import { actionTargets } from '../../store/selection.js';
import { appStore, useApp } from '../../store/index.js';
import { EmptyState } from './EmptyState.js';
import { useFlowActions } from './flow-actions.js';
import { FlowMenu, type MenuRequest } from './FlowMenu.js';
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
  const selectionIds = useApp((s) => s.selection.ids);
  const { select, selectRange, selectAll, } = appStore.getState();
  const pauseFollow = useApp((s) => s.pauseFollow);
  const [newestFirst, setNewestFirst] = useState(true);
  const [menu, setMenu] = useState<MenuRequest | null>(null);
  const actions = useFlowActions();
  const scrollRef = useRef<HTMLDivElement>(null);
  const gridRef = useRef<HTMLDivElement>(null);

  const displayIds = useMemo(() => (newestFirst ? ids : [...ids].reverse()), [ids, newestFirst]);
  const selected = useMemo(() => new Set(selectionIds), [selectionIds]);
  // The row handlers read the order through a ref, so they stay the same functions and a new
  // flow re-renders only its own row.
  const order = useRef(displayIds);
  order.current = displayIds;
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

  // A flow selected from elsewhere (a "replay of #N" link, Stats, the editor's results): show its row.
  useEffect(() => {
    const index = selectedId === null ? -1 : order.current.indexOf(selectedId);
    if (index >= 0) virtualizer.scrollToIndex(index, { align: 'auto' });
  }, [selectedId, virtualizer]);

  const onRowMouseDown = useCallback((id: number, event: MouseEvent) => {
    const { selection } = appStore.getState();
    if (event.button === 2) {
      // A right click on a row outside the selection acts on that row alone.
      if (!selection.ids.includes(id)) appStore.getState().select(id);
      return;
    }
    if (event.button !== 0) return;
    const toggle = event.ctrlKey || event.metaKey;
    if (event.shiftKey) {
      // No text selection from Shift+click; so focus the list by hand.
      event.preventDefault();
      gridRef.current?.focus();
      appStore.getState().selectRange(id, order.current, toggle);
    } else if (toggle) appStore.getState().toggleSelected(id);
    else appStore.getState().select(id);
  }, []);

  const onRowContextMenu = useCallback((id: number, event: MouseEvent) => {
    event.preventDefault();
    setMenu({ x: event.clientX, y: event.clientY, ids: actionTargets(appStore.getState().selection, id) });
  }, []);

  /** The ids Delete and the keyboard's menu act on: the selection, or else the focused row. */
  const keyboardTargets = (): number[] => {
    if (selectionIds.length > 0) return [...selectionIds].sort((a, b) => a - b);
    return selectedId === null ? [] : [selectedId];
  };

  const openMenuFromKeyboard = () => {
    const targets = keyboardTargets();
    if (targets.length === 0) return;
    const rowElement = selectedId === null ? null : document.getElementById(`flow-row-${selectedId}`);
    const box = (rowElement ?? gridRef.current!).getBoundingClientRect();
    setMenu({ x: box.left + 40, y: box.top + (rowElement ? box.height : 30), ids: targets });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (displayIds.length === 0) return;
    const current = selectedId === null ? -1 : displayIds.indexOf(selectedId);
    const moves: Record<string, number> = {
      ArrowDown: current + 1, ArrowUp: current - 1, Home: 0, End: displayIds.length - 1, PageDown: current + 20, PageUp: current - 20,
    };
    const command = event.ctrlKey || event.metaKey;
    if (event.key === 'Enter' && selectedId !== null) {
      event.preventDefault();
      onOpen();
      return;
    }
    if (command && event.key.toLowerCase() === 'a') {
      event.preventDefault();
      selectAll(displayIds);
      return;
    }
    if (event.key === 'Delete' || (event.key === 'Backspace' && event.metaKey)) {
      const targets = keyboardTargets();
      if (targets.length === 0) return;
      event.preventDefault();
      void actions.remove(targets);
      return;
    }
    if (event.key === 'ContextMenu' || (event.key === 'F10' && event.shiftKey)) {
      event.preventDefault();
      openMenuFromKeyboard();
      return;
    }
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    const index = Math.max(0, Math.min(displayIds.length - 1, target));
    const id = displayIds[index]!;
    if (event.shiftKey) selectRange(id, displayIds, command);
    else select(id);
    virtualizer.scrollToIndex(index, { align: 'auto' });
  };

  return (
    <div
      className="flow-list"
      ref={gridRef}
      role="grid"
      aria-label="Flows"
      aria-multiselectable="true"
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
            return (
              <FlowRow
                key={id} id={id} index={item.index} top={item.start} selected={selected.has(id)} focused={id === selectedId}
                onMouseDown={onRowMouseDown} onContextMenu={onRowContextMenu}
              />
            );
          })}
        </div>
      </div>
      {selectionIds.length > 1 ? <div className="selection-status" aria-live="polite">{selectionIds.length} flows selected · right-click for actions</div> : null}
      {menu ? <FlowMenu request={menu} actions={actions} onClose={() => setMenu(null)} /> : null}
    </div>
  );
}
