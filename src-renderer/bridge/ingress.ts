/**
 * The one ingress: every pushed event enters the store here (components never subscribe to the
 * transport). A (re)connection reloads what may have been missed while disconnected.
 */
import type { ApiClient } from '../../src-shared/api/contract.js';
import type { AppStore } from '../store/app-store.js';
import type { FlowQueries } from '../store/flow-queries.js';

export function startIngress(api: ApiClient, store: AppStore, queries: FlowQueries): () => void {
  const state = () => store.getState();

  async function reloadAfterConnect(): Promise<void> {
    void queries.loadFirst();
    const [proxy, ca] = await Promise.allSettled([api['proxy.status']({}), api['ca.info']({})]);
    if (proxy.status === 'fulfilled') state().proxyStateChanged(proxy.value);
    if (ca.status === 'fulfilled') state().caLoaded(ca.value);
  }

  const unsubscribers = [
    api.on('flows.added', (added) => {
      const { filter, flows } = state();
      // A filtered window cannot tell locally whether a new flow matches: ask the store again.
      if (filter.applied.trim() !== '' && flows.follow && !flows.newerNotLoaded) queries.requeryFirstSoon();
      else state().flowsAdded(added);
      queries.refreshCountSoon();
    }),
    api.on('flows.updated', (updated) => state().flowsUpdated(updated)),
    api.on('flows.cleared', () => {
      state().flowsCleared();
      queries.refreshCountSoon();
    }),
    api.on('ws.messages', (messages) => state().wsMessagesPushed(messages)),
    api.on('proxy.state', (proxy) => state().proxyStateChanged(proxy)),
    api.on('events.added', (events) => state().connectionEventsAdded(events)),
    store.subscribe((next, previous) => {
      if (next.ui.connection === 'open' && previous.ui.connection !== 'open') void reloadAfterConnect();
    }),
  ];
  if (state().ui.connection === 'open') void reloadAfterConnect();
  return () => {
    for (const unsubscribe of unsubscribers) unsubscribe();
    queries.dispose();
  };
}
