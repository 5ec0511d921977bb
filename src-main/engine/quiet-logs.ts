/**
 * mockttp reports some failures on the console (a stack trace for every WebSocket upstream that
 * cannot be reached, "Unexpected websocket response ..."). Flowscope records each of them on its
 * flow, so in the CLI they are only noise; FLOWSCOPE_DEBUG=1 shows them again.
 */
const ENGINE_NOISE = [/^Unexpected websocket response/, /^Error in proxied WebSocket/, /^Websocket \w+ failed/];

function isEngineNoise(args: unknown[]): boolean {
  const [first] = args;
  if (first instanceof Error) return typeof (first as NodeJS.ErrnoException).code === 'string';
  return typeof first === 'string' && ENGINE_NOISE.some((pattern) => pattern.test(first));
}

export function quietEngineLogs(env: NodeJS.ProcessEnv = process.env): void {
  if (env.FLOWSCOPE_DEBUG) return;
  for (const level of ['log', 'warn', 'error'] as const) {
    const original = console[level].bind(console);
    console[level] = (...args: unknown[]) => {
      if (!isEngineNoise(args)) original(...args);
    };
  }
}
