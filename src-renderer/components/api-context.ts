/** How components reach the transport and the flow queries without importing the bridge. */
import { createContext, useContext } from 'react';
import type { ApiClient } from '../../src-shared/api/contract.js';
import type { Queries } from '../store/queries.js';

/** How an export reaches a file: main's native save dialog (Electron) or a download from the UI server (browser mode). */
export type ExportRoute = 'save-dialog' | 'download';

export interface Services {
  api: ApiClient;
  queries: Queries;
  exportRoute: ExportRoute;
}

export const ServicesContext = createContext<Services | null>(null);

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices() outside <ServicesContext.Provider>');
  return services;
}
