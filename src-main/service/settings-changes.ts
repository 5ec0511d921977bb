/** What a settings change does, said for a person: applied at once, or after a restart. */
import type { Settings } from '../../src-shared/model/settings.js';

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Policy settings take effect from the next request on. */
export function livePolicyChanges(before: Settings, after: Settings): string[] {
  const said: string[] = [];
  if (!same(before.blockRules, after.blockRules)) said.push(`${after.blockRules.length} block rule(s) apply from the next request on.`);
  if (!same(before.proxyAuth, after.proxyAuth)) {
    said.push(after.proxyAuth.type === 'none' ? 'Proxy authentication is off.' : `Proxy authentication (${after.proxyAuth.type}) is required from the next connection on.`);
  }
  if (!same([before.allowIps, before.denyIps], [after.allowIps, after.denyIps])) said.push('The client allow and deny lists apply to new connections.');
  if (!same(before.limits, after.limits)) said.push('The new limits apply from the next request on.');
  if (!same([before.upstreamProxies, before.upstreamRotation], [after.upstreamProxies, after.upstreamRotation])) {
    said.push(after.upstreamProxies.length === 0 ? 'Traffic goes to servers directly.' : `Traffic goes through ${after.upstreamProxies.length} upstream prox${after.upstreamProxies.length === 1 ? 'y' : 'ies'} (${after.upstreamRotation}).`);
  }
  if (!same(before.llmHosts, after.llmHosts)) said.push('New flows are classified with the new LLM hosts.');
  if (!same(before.watches, after.watches)) said.push('Watches saved.');
  return said;
}

/** Listener settings are fixed while the proxy runs. */
export function restartPolicyChanges(before: Settings, after: Settings): string[] {
  const said: string[] = [];
  if (!same([before.modes, before.keepHostHeader], [after.modes, after.keepHostHeader])) said.push(`The listeners (${after.modes.join(', ')}) change after a restart.`);
  if (!same([before.tlsPassthroughHosts, before.tlsInterceptOnlyHosts], [after.tlsPassthroughHosts, after.tlsInterceptOnlyHosts])) {
    said.push('Which hosts are decrypted changes after a restart.');
  }
  if (before.logDir !== after.logDir) said.push(after.logDir ? `Flows are written to ${after.logDir} after a restart.` : 'The flow log stops after a restart.');
  return said;
}
