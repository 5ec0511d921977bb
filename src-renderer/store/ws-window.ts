/**
 * The messages of the selected WebSocket flow, oldest first, with no holes the store does not
 * have. Pages load forward with afterSeq = the last loaded seq. Live messages are appended directly
 * only while caught up (everything stored up to now is loaded) and only when they continue the
 * list: the server pushes at most the newest 500 messages per batch, so a burst can skip seqs.
 * Live messages that cannot be appended yet (a page is loading, or they start after a gap) wait in
 * `buffered` and are merged by seq once the pages reach them. Beyond MAX_MESSAGES the oldest are
 * dropped and counted.
 */
import type { WsMessageView } from '../../src-shared/api/types.js';

export const MESSAGE_PAGE_SIZE = 500;
export const MAX_MESSAGES = 5_000;

export interface WsWindow {
  flowId: number | null;
  messages: WsMessageView[];
  /** Every stored message up to now is loaded: live ones can be appended directly. */
  caughtUp: boolean;
  /** Pushed messages waiting for the pages to reach them, by seq, each seq once. */
  buffered: WsMessageView[];
  /** Older messages dropped from memory to stay under MAX_MESSAGES. */
  dropped: number;
  follow: boolean;
  selectedSeq: number | null;
}

export const emptyWsWindow: WsWindow = { flowId: null, messages: [], caughtUp: false, buffered: [], dropped: 0, follow: true, selectedSeq: null };

export function wsFlowOpened(flowId: number | null): WsWindow {
  return { ...emptyWsWindow, flowId };
}

/** The seq to page forward from: -1 before the first message. */
export function lastSeq(state: WsWindow): number {
  return state.messages.at(-1)?.seq ?? -1;
}

function capped(state: WsWindow, messages: WsMessageView[]): Pick<WsWindow, 'messages' | 'dropped'> {
  if (messages.length <= MAX_MESSAGES) return { messages, dropped: state.dropped };
  return { messages: messages.slice(messages.length - MAX_MESSAGES), dropped: state.dropped + messages.length - MAX_MESSAGES };
}

/** `more` merged into `into` (both by seq), each seq once. */
function mergeBySeq(into: WsMessageView[], more: WsMessageView[]): WsMessageView[] {
  const bySeq = new Map(into.map((m) => [m.seq, m]));
  for (const m of more) bySeq.set(m.seq, m);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/** Waiting messages beyond MAX_MESSAGES: the oldest go (pages bring them from the store if needed). */
function cappedBuffer(buffered: WsMessageView[]): WsMessageView[] {
  return buffered.length > MAX_MESSAGES ? buffered.slice(buffered.length - MAX_MESSAGES) : buffered;
}

/** Appends the buffered messages that continue the list without a hole; the rest stay buffered. */
function takeContiguous(messages: WsMessageView[], buffered: WsMessageView[]): { messages: WsMessageView[]; buffered: WsMessageView[] } {
  let last = messages.at(-1)?.seq ?? -1;
  const taken: WsMessageView[] = [];
  let i = 0;
  for (; i < buffered.length; i++) {
    const m = buffered[i]!;
    if (m.seq <= last) continue;
    if (m.seq !== last + 1) break;
    taken.push(m);
    last = m.seq;
  }
  return { messages: taken.length > 0 ? [...messages, ...taken] : messages, buffered: buffered.slice(i) };
}

/**
 * A page asked with afterSeq. It is what the store holds after that seq, so its own holes are real
 * (messages dropped under overload) and it is appended as it is. A page for another flow, or asked
 * from a seq the list has since moved past, is stale and ignored.
 */
export function wsPageLoaded(state: WsWindow, flowId: number, afterSeq: number, page: WsMessageView[]): WsWindow {
  if (state.flowId !== flowId || afterSeq !== lastSeq(state)) return state;
  const fresh = page.filter((m) => m.seq > afterSeq).sort((a, b) => a.seq - b.seq);
  const joined = takeContiguous(fresh.length > 0 ? [...state.messages, ...fresh] : state.messages, state.buffered);
  const storeHasMore = page.length >= MESSAGE_PAGE_SIZE;
  return {
    ...state,
    ...capped(state, joined.messages),
    buffered: cappedBuffer(joined.buffered),
    // A short page means the store had nothing more; buffered messages past a hole are newer than
    // what it had committed when it answered, so another page is needed for them.
    caughtUp: !storeHasMore && joined.buffered.length === 0,
  };
}

/** Live messages: appended while caught up and contiguous, else buffered (and a gap ends "caught up"). */
export function wsLiveMessages(state: WsWindow, pushed: WsMessageView[]): WsWindow {
  if (state.flowId === null) return state;
  const last = lastSeq(state);
  const mine = pushed.filter((m) => m.flowId === state.flowId && m.seq > last);
  if (mine.length === 0) return state;
  const buffered = mergeBySeq(state.buffered, mine);
  if (!state.caughtUp) return { ...state, buffered: cappedBuffer(buffered) };
  const joined = takeContiguous(state.messages, buffered);
  return { ...state, ...capped(state, joined.messages), buffered: cappedBuffer(joined.buffered), caughtUp: joined.buffered.length === 0 };
}

/**
 * The store does not have the messages before the buffered ones, even after waiting for its writes
 * (they were dropped under overload): show the buffered ones after the hole rather than never.
 */
export function wsGapSkipped(state: WsWindow): WsWindow {
  const last = lastSeq(state);
  const after = state.buffered.filter((m) => m.seq > last);
  if (after.length === 0) return state.caughtUp && state.buffered.length === 0 ? state : { ...state, buffered: [], caughtUp: true };
  return { ...state, ...capped(state, [...state.messages, ...after]), buffered: [], caughtUp: true };
}

/** After a reconnect, messages may have been missed: page forward from what is loaded. */
export function wsResync(state: WsWindow): WsWindow {
  return state.flowId === null || !state.caughtUp ? state : { ...state, caughtUp: false };
}
