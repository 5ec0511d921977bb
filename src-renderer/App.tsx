/** The window: toolbar (views, watches, filter, follow, clear, count), then the current view. */
import { useEffect } from 'react';
import { NoticeBanner } from './components/NoticeBanner.js';
import { useResolvedTheme } from './components/theme.js';
import { DialogHost } from './DialogHost.js';
import { CaHelper } from './features/ca-helper/index.js';
import { RequestEditor, useEditorOpener } from './features/editor/index.js';
import { FilterBar } from './features/filter/index.js';
import { InterceptView } from './features/intercept/index.js';
import { FlowDetail } from './features/flow-detail/index.js';
import { FlowControls, FlowList } from './features/flows/index.js';
import { SettingsView } from './features/settings/index.js';
import { StatsView } from './features/stats/index.js';
import { DropOverlay, ImportButton } from './features/transfer/index.js';
import { WatchesPanel, WatchesToggle } from './features/watches/index.js';
import { appStore, useApp, type ThemeChoice, type View } from './store/index.js';

const VIEWS: Array<[View, string]> = [['traffic', 'Traffic'], ['intercept', 'Intercept'], ['editor', 'Editor'], ['stats', 'Stats'], ['settings', 'Settings'], ['ca', 'CA']];
const NEXT_THEME: Record<ThemeChoice, ThemeChoice> = { system: 'light', light: 'dark', dark: 'system' };
const THEME_NAMES: Record<ThemeChoice, string> = { system: 'as the system', light: 'light', dark: 'dark' };

function ConnectionBanner() {
  const connection = useApp((s) => s.ui.connection);
  if (connection === 'open') return null;
  if (connection === 'unauthorized') {
    // Reconnecting cannot fix a refused token (the server restarted with another data directory,
    // or the cookie was cleared): say where a valid one is.
    return (
      <div className="banner error" role="alert" data-testid="connection-banner">
        This page has no valid token for Flowscope. Open the UI address that <code>flowscope serve</code> printed (it carries the token).
      </div>
    );
  }
  return (
    <div className="banner" role="status" data-testid="connection-banner">
      {connection === 'connecting' ? 'Connecting to Flowscope…' : 'Disconnected from Flowscope. Reconnecting…'}
    </div>
  );
}

function ProxyNotice() {
  const lastWriteError = useApp((s) => s.ui.proxy?.lastWriteError ?? null);
  // One string: a selector returning the warnings array would be a new value on every push.
  const warnings = useApp((s) => s.ui.proxy?.warnings?.join('\n') ?? '');
  return (
    <>
      {lastWriteError && <div className="banner error" role="alert">{lastWriteError}</div>}
      {warnings && warnings.split('\n').map((warning) => <div key={warning} className="banner error" role="alert" data-testid="proxy-warning">{warning}</div>)}
    </>
  );
}

/** The usual first-day problem: a client that does not trust the CA. Say so, and where to fix it. */
function TlsRejectionNotice() {
  const { count, lastHost, lastClient } = useApp((s) => s.ui.tlsRejections);
  const setView = useApp((s) => s.setView);
  const dismiss = useApp((s) => s.tlsRejectionsDismissed);
  if (count === 0) return null;
  const where = `${lastHost ? ` for ${lastHost}` : ''}${lastClient ? ` (from ${lastClient})` : ''}`;
  return (
    <div className="banner error" role="alert" data-testid="tls-rejections">
      {count === 1 ? 'A client' : `${count} connections`} rejected Flowscope&apos;s certificate{where}: that client does not trust the Flowscope CA, so its HTTPS traffic cannot be seen.{' '}
      <button type="button" className="link" onClick={() => setView('ca')}>Install the CA</button>{' '}
      <button type="button" className="link" onClick={dismiss}>Dismiss</button>
    </div>
  );
}

/** New request, Import and Export: traffic that starts here or leaves in a file. */
function RequestButtons() {
  const { newRequest } = useEditorOpener();
  const openExport = () => {
    const { selection, openDialog } = appStore.getState();
    openDialog({ kind: 'export', ids: [...selection.ids].sort((a, b) => a - b), format: 'har' });
  };
  return (
    <div className="request-buttons">
      <button type="button" onClick={newRequest} title="Write a request in the editor and send it">New request</button>
      <ImportButton />
      <button type="button" onClick={openExport} title="Export flows as HAR or Flowscope JSON">Export</button>
    </div>
  );
}

export function App() {
  const view = useApp((s) => s.ui.view);
  const setView = useApp((s) => s.setView);
  const theme = useApp((s) => s.ui.theme);
  const setTheme = useApp((s) => s.setTheme);
  const resolved = useResolvedTheme();
  const watchesOpen = useApp((s) => s.watches.panelOpen);

  useEffect(() => {
    document.documentElement.dataset.theme = resolved;
  }, [resolved]);

  const focusDetail = () => document.getElementById('flow-detail')?.focus();
  return (
    <div className="app">
      <header className="toolbar">
        <span className="brand">Flowscope</span>
        <nav className="views" role="tablist" aria-label="Views">
          {VIEWS.map(([name, label]) => (
            <button type="button" role="tab" key={name} aria-selected={view === name} onClick={() => setView(name)}>{label}</button>
          ))}
        </nav>
        <WatchesToggle />
        <FilterBar />
        <FlowControls />
        <RequestButtons />
        <button type="button" className="theme" onClick={() => setTheme(NEXT_THEME[theme])} title={`Theme: ${THEME_NAMES[theme]} (click for ${THEME_NAMES[NEXT_THEME[theme]]})`} aria-label={`Theme: ${THEME_NAMES[theme]}`}>
          {theme === 'system' ? '◐' : theme === 'light' ? '☀' : '☾'}
        </button>
      </header>
      <ConnectionBanner />
      <ProxyNotice />
      <TlsRejectionNotice />
      <NoticeBanner />
      <main className="content">
        {view === 'traffic' ? (
          <div className={`traffic${watchesOpen ? ' with-watches' : ''}`}>
            {watchesOpen ? <WatchesPanel /> : null}
            <FlowList onOpen={focusDetail} />
            <FlowDetail />
          </div>
        ) : null}
        {view === 'editor' ? <RequestEditor /> : null}
        {view === 'stats' ? <StatsView /> : null}
        {view === 'settings' ? <SettingsView /> : null}
        {view === 'ca' ? <CaHelper /> : null}
        {view === 'intercept' ? <InterceptView /> : null}
      </main>
      <DialogHost />
      <DropOverlay />
    </div>
  );
}
