/**
 * The traffic policy and upstream settings in force, replaced whole when the settings change, so
 * a request always sees one consistent set. Listeners ask for the current ones at each step.
 */
import type { FlowError } from '../../src-shared/model/errors.js';
import type { Settings } from '../../src-shared/model/settings.js';
import type { AgentHook } from '../engine/mockttp-internals.js';
import { TrafficPolicy, type PolicyEvent } from '../policy/traffic-policy.js';
import { upstreamAgentHook } from '../policy/upstream-agents.js';
import { UpstreamPool } from '../policy/upstream-pool.js';

export class PolicyState {
  policy: TrafficPolicy;
  agentHook: AgentHook | null;
  private pool: UpstreamPool | null;
  private upstreamKey: string;

  constructor(settings: Settings, private readonly record: (event: PolicyEvent) => void) {
    this.policy = new TrafficPolicy(settings, record);
    this.upstreamKey = JSON.stringify([settings.upstreamProxies, settings.upstreamRotation]);
    this.pool = settings.upstreamProxies.length > 0 ? new UpstreamPool(settings.upstreamProxies, settings.upstreamRotation) : null;
    this.agentHook = upstreamAgentHook(settings.limits, this.pool);
  }

  update(settings: Settings): void {
    this.policy = new TrafficPolicy(settings, this.record, this.policy.concurrency);
    const key = JSON.stringify([settings.upstreamProxies, settings.upstreamRotation]);
    // The pool keeps what it learnt about its proxies unless the list itself changed.
    if (key !== this.upstreamKey) {
      this.upstreamKey = key;
      this.pool = settings.upstreamProxies.length > 0 ? new UpstreamPool(settings.upstreamProxies, settings.upstreamRotation) : null;
    }
    this.agentHook = upstreamAgentHook(settings.limits, this.pool);
  }

  proxyFailed(proxy: string, error: FlowError): void {
    this.pool?.markFailed(proxy, error.message);
  }
}
