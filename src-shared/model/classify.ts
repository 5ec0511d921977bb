/**
 * What kind of traffic a flow is: llm (the well-known model APIs, plus hosts the user names), mcp
 * (Model Context Protocol: "mcp" in the host or path, or an MCP JSON-RPC body), other (this
 * machine), web (everything else). Cheap string checks: it runs on every captured flow.
 */
import type { TrafficClass } from './flow.js';
import { hostPatternMatcher } from './policy-values.js';
import { utf8DecodeStrict } from '../util/web-globals.js';

export const TRAFFIC_CLASSES: readonly TrafficClass[] = ['llm', 'mcp', 'web', 'other'];

const LLM_HOSTS = [
  'api.anthropic.com', 'api.openai.com', 'generativelanguage.googleapis.com', 'api.cohere.ai', 'api.cohere.com',
  'api.mistral.ai', 'api.groq.com', 'api.together.xyz', 'api.deepseek.com', 'api.x.ai', 'openrouter.ai', 'api.perplexity.ai',
];
/** bedrock.us-east-1.amazonaws.com, bedrock-runtime-fips.eu-west-1.amazonaws.com ... */
const BEDROCK = /^bedrock(-agent)?(-runtime)?(-fips)?\.[a-z0-9-]+\.amazonaws\.com$/;
/** Azure OpenAI: its resource hosts, and its deployments path on any host (behind a gateway). */
const AZURE_OPENAI_HOST = /\.openai\.azure\.com$/;
const AZURE_OPENAI_PATH = /^\/openai\/deployments\//i;
const MCP_METHOD = /"method"\s*:\s*"(initialize|ping|tools\/|resources\/|prompts\/|notifications\/|sampling\/|completion\/|roots\/|logging\/|elicitation\/)/;
/** Only the start of a body is looked at: JSON-RPC names its method near the top. */
const BODY_PREFIX_BYTES = 4_096;

function isLocal(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h.endsWith('.localhost') || /^127\./.test(h) || h === '::1' || h === '0.0.0.0' || h === '::ffff:127.0.0.1';
}

function isMcpBody(body: Uint8Array | null | undefined, contentType: string | null | undefined): boolean {
  if (!body || body.byteLength === 0 || (contentType && !/json/i.test(contentType))) return false;
  const text = utf8DecodeStrict(body.subarray(0, BODY_PREFIX_BYTES)) ?? '';
  return text.includes('"jsonrpc"') && MCP_METHOD.test(text);
}

export interface ClassifyInput {
  host: string;
  /** Path with query. */
  path: string;
  requestBody?: Uint8Array | null;
  requestContentType?: string | null;
}

/** The user's LLM hosts, prepared once per list (a new list comes with new settings). */
const llmHostMatchers = new WeakMap<readonly string[], (host: string) => boolean>();

function llmHostMatcher(llmHosts: readonly string[]): (host: string) => boolean {
  let matcher = llmHostMatchers.get(llmHosts);
  if (!matcher) llmHostMatchers.set(llmHosts, (matcher = hostPatternMatcher(llmHosts)));
  return matcher;
}

export function classifyTraffic(flow: ClassifyInput, llmHosts: readonly string[] = []): TrafficClass {
  const host = flow.host.toLowerCase();
  if (LLM_HOSTS.includes(host) || BEDROCK.test(host) || AZURE_OPENAI_HOST.test(host) || AZURE_OPENAI_PATH.test(flow.path)) return 'llm';
  if (llmHosts.length > 0 && llmHostMatcher(llmHosts)(host)) return 'llm';
  if (host.includes('mcp') || /mcp/i.test(flow.path.split('?')[0]!) || isMcpBody(flow.requestBody, flow.requestContentType)) return 'mcp';
  return isLocal(host) ? 'other' : 'web';
}
