import { DEFAULT_SETTINGS, type Settings } from '../../src-shared/model/settings.js';

/**
 * The policy benchmark's settings: 100 block rules that never match the load (90 regular
 * expressions on the URL, 10 filter-language rules) and extra LLM hosts, so every request pays
 * for checking them all and for its classification.
 */
export const POLICY_SETTINGS: Settings = {
  ...DEFAULT_SETTINGS,
  blockRules: [
    ...Array.from({ length: 90 }, (_, i) => ({ pattern: `^https?://(www\\.)?tracker-${i}\\.example/.*\\b(ad|pixel)s?\\b`, kind: 'regex' as const, action: 'deny' as const })),
    ...Array.from({ length: 10 }, (_, i) => ({ pattern: `~d ads-${i}\\.example | (~m DELETE & ~u /admin-${i})`, kind: 'filter' as const, action: 'deny' as const })),
  ],
  llmHosts: Array.from({ length: 20 }, (_, i) => `*.llm-gateway-${i}.example`),
};
