/**
 * One engine per proxy mode: the forward proxy and any reverse proxies, each on its own port,
 * sharing the CA, the store, the policy and the upstream settings.
 */
import { parseMode, type ProxyMode } from '../../src-shared/model/policy-values.js';
import type { Settings } from '../../src-shared/model/settings.js';
import type { CaMaterial } from '../ca/index.js';
import type { CaptureSink } from '../engine/capture.js';
import { startEngine, type Engine } from '../engine/engine.js';
import type { PolicyState } from './policy-state.js';

export interface ListenerDeps {
  ca: CaMaterial;
  upstreamCaPems: string[];
  sink: CaptureSink;
  traffic: PolicyState;
  maxBodySize: number;
}

/** Starts every mode's listener; if one cannot start, the ones started are stopped again. */
export async function startListeners(
  options: { host?: string; port?: number; responseTimeoutMs?: number; insecureHosts?: string[] },
  settings: Settings,
  deps: ListenerDeps,
): Promise<Engine[]> {
  const modes: ProxyMode[] = settings.modes.map(parseMode);
  // The mode without its own port takes the proxy port; the first listed is the primary one.
  const started: Engine[] = [];
  try {
    for (const mode of modes) {
      const engine = await startEngine(
        {
          host: options.host ?? '127.0.0.1',
          port: mode.port ?? options.port ?? settings.proxyPort,
          ca: deps.ca,
          caMaterial: deps.ca,
          maxBodySize: deps.maxBodySize,
          ...(options.responseTimeoutMs !== undefined && { responseTimeoutMs: options.responseTimeoutMs }),
          upstreamCaPems: deps.upstreamCaPems,
          insecureHosts: options.insecureHosts ?? [],
          mode,
          keepHostHeader: settings.keepHostHeader,
          tlsPassthroughHosts: settings.tlsPassthroughHosts,
          tlsInterceptOnlyHosts: settings.tlsInterceptOnlyHosts,
          policy: () => deps.traffic.policy,
          agentHook: () => deps.traffic.agentHook,
          onProxyFailure: (proxy, error) => deps.traffic.proxyFailed(proxy, error),
        },
        deps.sink,
      );
      engine.capture.llmHosts = settings.llmHosts;
      started.push(engine);
    }
  } catch (error) {
    await Promise.all(started.map((engine) => engine.stop()));
    throw error;
  }
  return started;
}
