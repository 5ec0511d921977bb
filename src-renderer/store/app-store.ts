/**
 * The renderer's one store, built from slices (zustand's slices pattern). State is split per
 * concern; the rules that matter live in pure functions (flows-window.ts, ws-window.ts).
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  ExportProgress, FlowPageResult, ProxyState, ReplayBatchProgress, ReplayResult, SettingsView, Stats, WsMessageView,
} from '../../src-shared/api/types.js';
import type { CaInfo } from '../../src-shared/model/ca.js';
import type { ConnectionEvent, FlowSummary } from '../../src-shared/model/flow.js';
import type { Watch } from '../../src-shared/model/settings.js';
import type { ExportFormat } from '../../src-shared/model/transfer.js';
import { emptyEditor, sendEnded, sendStarted, type EditorDraft, type EditorSend, type EditorState } from './editor-draft.js';
import {
  emptyFlowsWindow, filterChanged, firstPageLoaded, firstPageRequested, flowsCleared, flowsDeleted, followPaused, followResumed, liveFlowsAdded, liveFlowsUpdated, liveMessagesCounted, olderPageLoaded,
  type FlowsWindow,
} from './flows-window.js';
import { batchProgressed, exportProgressed } from './progress.js';
import { emptySelection, selectedOnly, selectionFiltered, selectionOfAll, selectionRange, selectionToggled, type Selection } from './selection.js';
import {
  emptyWatches, watchesCleared, watchesPruned, watchFailed, watchLoaded, watchStarted, watchUrlsLoaded, type WatchesState, type WatchUrls,
} from './watches.js';
import { emptyWsWindow, wsFlowOpened, wsGapSkipped, wsLiveMessages, wsPageLoaded, wsResync, type WsWindow } from './ws-window.js';

export type View = 'traffic' | 'intercept' | 'editor' | 'stats' | 'settings' | 'ca';
export type ThemeChoice = 'system' | 'light' | 'dark';
/** 'unauthorized': the server refuses this page's token, so reconnecting cannot help. */
export type Connection = 'connecting' | 'open' | 'closed' | 'unauthorized';

export interface FilterError {
  message: string;
  start: number;
  end: number;
}

export interface FilterState {
  /** What is in the input box. */
  text: string;
  /** The last valid expression, the one the list is queried with. */
  applied: string;
  error: FilterError | null;
}

/** Clients that rejected Flowscope's certificate since the user last dismissed the notice. */
export interface TlsRejections {
  count: number;
  lastHost: string | null;
  lastClient: string | null;
}

/** The Stats view's last answer, kept while the view is closed so reopening shows it at once. */
export interface StatsState {
  value: Stats | null;
  /** The filter `value` was computed for. */
  filter: string;
  /** A stats.get is running (a scan of seconds on a big store). */
  computing: boolean;
  error: string | null;
}

/** The dialog over the window, if any: what it acts on is fixed when it opens. */
export type Dialog =
  | { kind: 'replay-target'; ids: number[] }
  /** `ids` empty: replay a range of ids the user types. */
  | { kind: 'batch'; ids: number[] }
  /** `ids`: the flows "the selection" means in this dialog (empty: nothing selected). */
  | { kind: 'export'; ids: number[]; format: ExportFormat };

/** A one-line message over the list: an import's outcome, a replay that failed... */
export interface Notice {
  tone: 'info' | 'error';
  text: string;
  /** A flow the message is about, offered as a link. */
  flowId?: number;
}

export interface ProgressState {
  batches: ReplayBatchProgress[];
  exports: ExportProgress[];
}

export interface UiState {
  view: View;
  theme: ThemeChoice;
  connection: Connection;
  proxy: ProxyState | null;
  ca: CaInfo | null;
  tlsRejections: TlsRejections;
  dialog: Dialog | null;
  notice: Notice | null;
}

export interface AppState {
  flows: FlowsWindow;
  /** The focused flow, shown in the detail pane. */
  selectedId: number | null;
  /** The rows selected in the list; context-menu actions and Delete act on them. */
  selection: Selection;
  filter: FilterState;
  ws: WsWindow;
  settings: SettingsView | null;
  stats: StatsState;
  ui: UiState;
  progress: ProgressState;
  editor: EditorState;
  watches: WatchesState;

  flowsLoading(): void;
  /** A first page was asked for (see firstPageRequested). */
  firstPageRequested(): void;
  flowsLoadFailed(message: string): void;
  firstPageLoaded(page: FlowPageResult): void;
  olderPageLoaded(page: FlowPageResult): void;
  /** `filtered`: a filter is applied, so whether new flows match is not known here. */
  flowsAdded(added: FlowSummary[], filtered?: boolean): void;
  flowsUpdated(updated: FlowSummary[]): void;
  flowsCleared(): void;
  countLoaded(count: number): void;
  pauseFollow(): void;
  resumeFollow(): void;
  /** Focuses one flow and selects only it (null: nothing). */
  select(id: number | null): void;
  toggleSelected(id: number): void;
  /** `orderedIds`: the rows in the order the list shows them. */
  selectRange(id: number, orderedIds: readonly number[], additive?: boolean): void;
  selectAll(orderedIds: readonly number[]): void;
  flowsDeleted(ids: number[]): void;
  replayProgressed(progress: ReplayBatchProgress): void;
  exportProgressed(progress: ExportProgress): void;
  openDialog(dialog: Dialog): void;
  closeDialog(): void;
  showNotice(notice: Notice): void;
  dismissNotice(): void;
  editorOpened(draft: EditorDraft): void;
  editorChanged(patch: Partial<EditorDraft>): void;
  editorSendStarted(send: EditorSend): void;
  editorSendEnded(key: number, outcome: { result: ReplayResult } | { error: string }): void;
  filterEdited(text: string, error: FilterError | null): void;
  filterApplied(text: string): void;
  wsOpened(flowId: number | null): void;
  wsPageLoaded(flowId: number, afterSeq: number, page: WsMessageView[]): void;
  wsMessagesPushed(messages: WsMessageView[]): void;
  wsGapSkipped(): void;
  wsResync(): void;
  wsSelect(seq: number | null): void;
  wsFollow(on: boolean): void;
  settingsLoaded(view: SettingsView): void;
  statsLoading(): void;
  statsLoaded(filter: string, stats: Stats): void;
  statsFailed(message: string): void;
  setView(view: View): void;
  setTheme(theme: ThemeChoice): void;
  setConnection(connection: Connection): void;
  proxyStateChanged(proxy: ProxyState): void;
  caLoaded(ca: CaInfo): void;
  connectionEventsAdded(events: Array<Omit<ConnectionEvent, 'id'>>): void;
  tlsRejectionsDismissed(): void;
  /** Shows or hides the watches panel (toggles without an argument). */
  watchesPanelToggled(open?: boolean): void;
  watchStarted(watch: Watch): void;
  watchLoaded(id: string, filter: string, count: number, recent: FlowSummary[]): void;
  watchUrlsLoaded(id: string, filter: string, urls: WatchUrls): void;
  watchFailed(id: string, filter: string, message: string): void;
  /** `keep`: the saved watches; results of the others are dropped. */
  watchesPruned(keep: readonly Watch[]): void;
}

export type AppStore = StoreApi<AppState>;

const NO_TLS_REJECTIONS: TlsRejections = { count: 0, lastHost: null, lastClient: null };

export function createAppStore(): AppStore {
  return createStore<AppState>()((set) => {
    // The selection only holds rows the list shows: Delete must never act on a row out of sight.
    const flows = (change: (s: FlowsWindow) => FlowsWindow) => set((s) => {
      const next = change(s.flows);
      return next === s.flows ? s : { flows: next, selection: selectionFiltered(s.selection, (id) => id in next.byId) };
    });
    const ws = (change: (s: WsWindow) => WsWindow) => set((s) => {
      const next = change(s.ws);
      return next === s.ws ? s : { ws: next };
    });
    const ui = (patch: Partial<UiState>) => set((s) => ({ ui: { ...s.ui, ...patch } }));
    const watches = (change: (s: WatchesState) => WatchesState) => set((s) => {
      const next = change(s.watches);
      return next === s.watches ? s : { watches: next };
    });
    return {
      flows: emptyFlowsWindow,
      selectedId: null,
      selection: emptySelection,
      filter: { text: '', applied: '', error: null },
      ws: emptyWsWindow,
      settings: null,
      stats: { value: null, filter: '', computing: false, error: null },
      ui: { view: 'traffic', theme: 'system', connection: 'connecting', proxy: null, ca: null, tlsRejections: NO_TLS_REJECTIONS, dialog: null, notice: null },
      progress: { batches: [], exports: [] },
      editor: emptyEditor,
      watches: emptyWatches,

      flowsLoading: () => flows((s) => ({ ...s, loading: true })),
      firstPageRequested: () => flows(firstPageRequested),
      flowsLoadFailed: (message) => flows((s) => ({ ...s, loading: false, loadError: message, addedWhileFirstPage: null })),
      firstPageLoaded: (page) => flows((s) => firstPageLoaded(s, page)),
      olderPageLoaded: (page) => flows((s) => olderPageLoaded(s, page)),
      flowsAdded: (added, filtered = false) => flows((s) => liveFlowsAdded(s, added, filtered)),
      flowsUpdated: (updated) => flows((s) => liveFlowsUpdated(s, updated)),
      flowsCleared: () => {
        flows(flowsCleared);
        set((s) => ({ selectedId: null, selection: emptySelection, ws: emptyWsWindow, watches: watchesCleared(s.watches) }));
      },
      countLoaded: (count) => flows((s) => (s.count === count ? s : { ...s, count })),
      pauseFollow: () => flows(followPaused),
      resumeFollow: () => flows(followResumed),
      select: (id) => set({ selectedId: id, selection: id === null ? emptySelection : selectedOnly(id) }),
      toggleSelected: (id) => set((s) => ({ selectedId: id, selection: selectionToggled(s.selection, id) })),
      selectRange: (id, orderedIds, additive) => set((s) => ({ selectedId: id, selection: selectionRange(s.selection, orderedIds, id, additive) })),
      selectAll: (orderedIds) => set({ selection: selectionOfAll(orderedIds) }),
      flowsDeleted: (ids) => {
        flows((s) => flowsDeleted(s, ids));
        const gone = new Set(ids);
        set((s) => ({
          selection: selectionFiltered(s.selection, (id) => !gone.has(id)),
          selectedId: s.selectedId !== null && gone.has(s.selectedId) ? null : s.selectedId,
          ws: s.ws.flowId !== null && gone.has(s.ws.flowId) ? emptyWsWindow : s.ws,
        }));
      },
      replayProgressed: (p) => set((s) => ({ progress: { ...s.progress, batches: batchProgressed(s.progress.batches, p) } })),
      exportProgressed: (p) => set((s) => ({ progress: { ...s.progress, exports: exportProgressed(s.progress.exports, p) } })),
      openDialog: (dialog) => ui({ dialog }),
      closeDialog: () => ui({ dialog: null }),
      showNotice: (notice) => ui({ notice }),
      dismissNotice: () => ui({ notice: null }),
      editorOpened: (draft) => set((s) => ({ editor: { ...s.editor, draft }, ui: { ...s.ui, view: 'editor' } })),
      editorChanged: (patch) => set((s) => ({ editor: { ...s.editor, draft: { ...s.editor.draft, ...patch } } })),
      editorSendStarted: (send) => set((s) => ({ editor: sendStarted(s.editor, send) })),
      editorSendEnded: (key, outcome) => set((s) => ({ editor: sendEnded(s.editor, key, outcome) })),
      filterEdited: (text, error) => set((s) => ({ filter: { ...s.filter, text, error } })),
      filterApplied: (text) => {
        set((s) => ({ filter: { ...s.filter, applied: text } }));
        flows(filterChanged);
      },
      wsOpened: (flowId) => set({ ws: wsFlowOpened(flowId) }),
      wsPageLoaded: (flowId, afterSeq, page) => ws((s) => wsPageLoaded(s, flowId, afterSeq, page)),
      wsMessagesPushed: (messages) => {
        flows((s) => liveMessagesCounted(s, messages));
        ws((s) => wsLiveMessages(s, messages));
      },
      wsGapSkipped: () => ws(wsGapSkipped),
      wsResync: () => ws(wsResync),
      wsSelect: (seq) => ws((s) => ({ ...s, selectedSeq: seq })),
      wsFollow: (on) => ws((s) => (s.follow === on ? s : { ...s, follow: on })),
      settingsLoaded: (view) => set({ settings: view }),
      statsLoading: () => set((s) => ({ stats: { ...s.stats, computing: true } })),
      statsLoaded: (filter, value) => set({ stats: { value, filter, computing: false, error: null } }),
      statsFailed: (message) => set((s) => ({ stats: { ...s.stats, computing: false, error: message } })),
      setView: (view) => ui({ view }),
      setTheme: (theme) => ui({ theme }),
      setConnection: (connection) => ui({ connection }),
      proxyStateChanged: (proxy) => ui({ proxy }),
      caLoaded: (ca) => ui({ ca }),
      connectionEventsAdded: (events) => set((s) => {
        const rejected = events.filter((e) => e.type === 'CLIENT_TLS_ERROR');
        const last = rejected.at(-1);
        if (!last) return s;
        const count = s.ui.tlsRejections.count + rejected.length;
        return { ui: { ...s.ui, tlsRejections: { count, lastHost: last.host, lastClient: last.clientIp } } };
      }),
      tlsRejectionsDismissed: () => ui({ tlsRejections: NO_TLS_REJECTIONS }),
      watchesPanelToggled: (open) => watches((s) => ({ ...s, panelOpen: open ?? !s.panelOpen })),
      watchStarted: (watch) => watches((s) => watchStarted(s, watch)),
      watchLoaded: (id, filter, count, recent) => watches((s) => watchLoaded(s, id, filter, count, recent)),
      watchUrlsLoaded: (id, filter, urls) => watches((s) => watchUrlsLoaded(s, id, filter, urls)),
      watchFailed: (id, filter, message) => watches((s) => watchFailed(s, id, filter, message)),
      watchesPruned: (keep) => watches((s) => watchesPruned(s, keep)),
    };
  });
}
