/**
 * The one ingress: every pushed event enters the store here (components never subscribe to the
 * transport). A (re)connection reloads what may have been missed while disconnected.
 */
import type { ApiClient } from '../../src-shared/api/contract.js';
import type { AppStore } from '../store/app-store.js';
import { disposeQueries, type Queries } from '../store/queries.js';
import { watchesShown, watchList } from '../store/watches.js';

export function startIngress(api: ApiClient, store: AppStore, queries: Queries): () => void {
  const state = () => store.getState();

  async function reloadAfterConnect(): Promise<void> {
    void queries.flows.loadFirst();
    void queries.messages.resync();
    queries.stats.flowsChanged();
    void queries.watches.reload();
    const [proxy, ca] = await Promise.allSettled([api['proxy.status']({}), api['ca.info']({})]);
    if (proxy.status === 'fulfilled') state().proxyStateChanged(proxy.value);
    if (ca.status === 'fulfilled') state().caLoaded(ca.value);
  }

  const unsubscribers = [
    api.on('flows.added', (added) => {
      const { filter, flows } = state();
      const filtered = filter.applied.trim() !== '';
      // A filtered window cannot tell locally whether a new flow matches: ask the store again.
      if (filtered && flows.follow && !flows.newerNotLoaded) queries.flows.requeryFirstSoon();
      state().flowsAdded(added, filtered);
      queries.flows.refreshCountSoon();
      queries.stats.flowsChanged();
      queries.watches.flowsChanged();
    }),
    api.on('flows.updated', (updated) => {
      state().flowsUpdated(updated);
      queries.watches.flowsChanged();
    }),
    api.on('flows.cleared', () => {
      // Before the store forgets the rows: a page already asked for must not bring them back.
      queries.flows.invalidate();
      state().flowsCleared();
      queries.flows.refreshCountSoon();
      queries.stats.flowsChanged();
      queries.watches.flowsRemoved();
    }),
    api.on('flows.deleted', ({ ids }) => {
      queries.flows.forget(ids);
      state().flowsDeleted(ids);
      queries.flows.refreshCountSoon();
      queries.stats.flowsChanged();
      queries.watches.flowsRemoved();
    }),
    api.on('replay.progress', (progress) => state().replayProgressed(progress)),
    api.on('export.progress', (progress) => state().exportProgressed(progress)),
    api.on('ws.messages', (messages) => {
      const wasCaughtUp = state().ws.caughtUp;
      state().wsMessagesPushed(messages);
      // Caught up a moment ago and not now: these messages start after a gap. Fetch the gap.
      if (wasCaughtUp && !state().ws.caughtUp) void queries.messages.catchUp();
    }),
    api.on('proxy.state', (proxy) => state().proxyStateChanged(proxy)),
    api.on('events.added', (events) => state().connectionEventsAdded(events)),
    store.subscribe((next, previous) => {
      if (next.ui.connection === 'open' && previous.ui.connection !== 'open') void reloadAfterConnect();
      // Watches are settings: saved from the panel or loaded on connect, they start or stop here.
      if (watchList(next.settings) !== watchList(previous.settings) || watchesShown(next) !== watchesShown(previous)) queries.watches.sync();
    }),
  ];
  if (state().ui.connection === 'open') void reloadAfterConnect();
  return () => {
    for (const unsubscribe of unsubscribers) unsubscribe();
    disposeQueries(queries);
  };
}
