import { isLoopback } from '../config/network.js';
import type { TrafficPolicy } from '../policy/traffic-policy.js';

/** Said while the proxy listens beyond this machine with neither authentication nor an allow list. */
export function exposureWarning(host: string, policy: TrafficPolicy): string | null {
  if (isLoopback(host) || policy.requiresAuth || policy.restrictsClients) return null;
  return `the proxy listens on ${host}, so other machines can use it, and it asks for no credentials. ` +
    'Set proxy authentication (--proxy-auth USER:PASS) or an allow list (--allow-ip CIDR).';
}
