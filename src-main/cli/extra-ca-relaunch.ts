/**
 * Upstream CAs given with --upstream-ca are trusted through NODE_EXTRA_CA_CERTS, which Node reads
 * once at start-up: mockttp's additionalTrustedCAs builds a TLS context with the whole root list for
 * every upstream connection (3-7x slower, see FACTS.md). So `serve` runs itself again with a bundle
 * of the user's CAs (plus any NODE_EXTRA_CA_CERTS already set) and waits for that process.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readUpstreamCas } from '../service/proxy-runtime.js';

const LOADED_FLAG = 'FLOWSCOPE_UPSTREAM_CAS_LOADED';

/** True in the relaunched process: the CAs are in Node's default trust already. */
export function upstreamCasPreloaded(): boolean {
  return process.env[LOADED_FLAG] === '1';
}

export async function relaunchWithUpstreamCas(files: string[], dataDir: string): Promise<number> {
  const pems = readUpstreamCas(files);
  const existing = process.env.NODE_EXTRA_CA_CERTS;
  if (existing) {
    try {
      pems.unshift(readFileSync(existing, 'utf8'));
    } catch {
      // Node ignores an unreadable NODE_EXTRA_CA_CERTS with a warning; so do we.
    }
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const bundle = path.join(dataDir, 'upstream-cas.pem');
  writeFileSync(bundle, pems.join('\n'), { mode: 0o600 });

  // Its own process group (POSIX): a Ctrl+C in the terminal reaches only this process, which
  // forwards it once. Otherwise the child would get it twice, and a second signal means "exit now".
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    detached: process.platform !== 'win32',
    env: { ...process.env, NODE_EXTRA_CA_CERTS: bundle, [LOADED_FLAG]: '1' },
  });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}
