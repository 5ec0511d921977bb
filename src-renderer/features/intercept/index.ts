export { InterceptView } from './InterceptView.js';
export { TrustStores } from './TrustStores.js';
export { useOsStatus } from './use-os-status.js';
