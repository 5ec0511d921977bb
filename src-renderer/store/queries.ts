/** Every query the renderer runs against the store, built once at start-up and shared through the services context. */
import type { ApiClient } from '../../src-shared/api/contract.js';
import type { AppStore } from './app-store.js';
import { createFlowQueries, type FlowQueries } from './flow-queries.js';
import { createStatsQueries, type StatsQueries } from './stats-queries.js';
import { createWatchQueries, type WatchQueries } from './watch-queries.js';
import { createWsQueries, type WsQueries } from './ws-queries.js';

export interface Queries {
  flows: FlowQueries;
  messages: WsQueries;
  stats: StatsQueries;
  watches: WatchQueries;
}

export function createQueries(api: ApiClient, store: AppStore): Queries {
  return {
    flows: createFlowQueries(api, store), messages: createWsQueries(api, store), stats: createStatsQueries(api, store), watches: createWatchQueries(api, store),
  };
}

export function disposeQueries(queries: Queries): void {
  queries.flows.dispose();
  queries.messages.dispose();
  queries.stats.dispose();
  queries.watches.dispose();
}
