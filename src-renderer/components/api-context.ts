/** How components reach the transport and the flow queries without importing the bridge. */
import { createContext, useContext } from 'react';
import type { ApiClient } from '../../src-shared/api/contract.js';
import type { Queries } from '../store/queries.js';

export interface Services {
  api: ApiClient;
  queries: Queries;
}

export const ServicesContext = createContext<Services | null>(null);

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices() outside <ServicesContext.Provider>');
  return services;
}
