/** What a user can change in the Settings view (and with `flowscope serve` flags). */
export interface Settings {
  /** Address the proxy listens on. 127.0.0.1 unless the user asks otherwise. */
  proxyHost: string;
  proxyPort: number;
  /** Bodies and WebSocket payloads are stored up to this many bytes each. */
  maxBodySize: number;
  /** Background caps on the store; null means no cap. */
  retention: {
    maxFlows: number | null;
    maxAgeDays: number | null;
    maxDbMegabytes: number | null;
  };
}

export const DEFAULT_SETTINGS: Settings = {
  proxyHost: '127.0.0.1',
  proxyPort: 8080,
  maxBodySize: 1024 * 1024,
  retention: { maxFlows: null, maxAgeDays: null, maxDbMegabytes: null },
};
