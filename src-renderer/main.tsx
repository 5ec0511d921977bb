/** Composition root of the renderer: transport, store, ingress, React. No logic lives here. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { connectApi, runsInElectron, startIngress } from './bridge/index.js';
import { ServicesContext } from './components/api-context.js';
import { appStore } from './store/index.js';
import { createQueries } from './store/queries.js';
import './styles.css';

const api = connectApi((status) => appStore.getState().setConnection(status));
const queries = createQueries(api, appStore);
startIngress(api, appStore, queries);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ServicesContext.Provider value={{ api, queries, exportRoute: runsInElectron() ? 'save-dialog' : 'download' }}>
      <App />
    </ServicesContext.Provider>
  </StrictMode>,
);
