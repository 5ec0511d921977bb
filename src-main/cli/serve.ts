/** `flowscope serve`: the composition root of browser/headless mode. Wiring only. */
import { isLoopback } from '../config/network.js';
import { quietEngineLogs } from '../engine/quiet-logs.js';
import { startProxyRuntime, type RuntimeOptions } from '../service/proxy-runtime.js';
import { formatBytes } from './parse.js';

export async function serve(options: RuntimeOptions, out: NodeJS.WriteStream = process.stdout): Promise<number> {
  quietEngineLogs();
  const runtime = await startProxyRuntime(options);
  const { engine, ca } = runtime;
  out.write(
    `Flowscope is capturing on ${engine.url}\n` +
      `  Data directory: ${runtime.dataDir}\n` +
      `  Store:          ${runtime.databasePath}\n` +
      `  CA certificate: ${ca.certPath}\n` +
      `  CA SHA-256:     ${ca.info.fingerprintSha256}\n` +
      `  Bodies kept up to ${formatBytes(options.maxBodySize ?? null)} each.\n` +
      'Point clients at the proxy and trust the CA certificate to see HTTPS. Press Ctrl+C to stop.\n',
  );
  if (!isLoopback(engine.host)) {
    out.write(`Warning: the proxy listens on ${engine.host}, so other machines can use it. Anyone who can reach this port can send traffic through it.\n`);
  }
  await new Promise<void>((resolve) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals += 1;
      if (signals > 1) {
        out.write(`Received ${signal} again: exiting without waiting.\n`);
        process.exit(130);
      }
      out.write(`Received ${signal}: saving captured flows and stopping...\n`);
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  await runtime.stop();
  out.write('Stopped. Every captured flow is saved.\n');
  return 0;
}
