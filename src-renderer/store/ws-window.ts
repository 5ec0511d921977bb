/**
 * The messages of the selected WebSocket flow, oldest first. Pages load forward with afterSeq;
 * live messages are appended only once the stored ones are all loaded (before that, paging
 * reaches them anyway). Beyond MAX_MESSAGES the oldest are dropped and counted.
 */
import type { WsMessageView } from '../../src-shared/api/types.js';

export const MESSAGE_PAGE_SIZE = 500;
export const MAX_MESSAGES = 5_000;

export interface WsWindow {
  flowId: number | null;
  messages: WsMessageView[];
  /** Every stored message up to now is loaded: live ones can be appended directly. */
  caughtUp: boolean;
  /** Older messages dropped from memory to stay under MAX_MESSAGES. */
  dropped: number;
  follow: boolean;
  selectedSeq: number | null;
}

export const emptyWsWindow: WsWindow = { flowId: null, messages: [], caughtUp: false, dropped: 0, follow: true, selectedSeq: null };

export function wsFlowOpened(flowId: number | null): WsWindow {
  return { ...emptyWsWindow, flowId };
}

function appendCapped(state: WsWindow, more: WsMessageView[]): Pick<WsWindow, 'messages' | 'dropped'> {
  const lastSeq = state.messages.at(-1)?.seq ?? -1;
  const fresh = more.filter((m) => m.seq > lastSeq).sort((a, b) => a.seq - b.seq);
  let messages = fresh.length > 0 ? [...state.messages, ...fresh] : state.messages;
  let dropped = state.dropped;
  if (messages.length > MAX_MESSAGES) {
    dropped += messages.length - MAX_MESSAGES;
    messages = messages.slice(messages.length - MAX_MESSAGES);
  }
  return { messages, dropped };
}

export function wsPageLoaded(state: WsWindow, flowId: number, page: WsMessageView[]): WsWindow {
  if (state.flowId !== flowId) return state;
  return { ...state, ...appendCapped(state, page), caughtUp: page.length < MESSAGE_PAGE_SIZE };
}

export function wsLiveMessages(state: WsWindow, pushed: WsMessageView[]): WsWindow {
  if (state.flowId === null || !state.caughtUp) return state;
  const mine = pushed.filter((m) => m.flowId === state.flowId);
  if (mine.length === 0) return state;
  return { ...state, ...appendCapped(state, mine) };
}
