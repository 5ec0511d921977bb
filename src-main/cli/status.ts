import { existsSync } from 'node:fs';
import path from 'node:path';
import { readRuntimeFile } from '../service/runtime-file.js';
import { FlowStore } from '../store/index.js';
import { formatBytes } from './parse.js';

interface StatusReport {
  dataDir: string;
  running: boolean;
  pid: number | null;
  proxyUrl: string | null;
  uiUrl: string | null;
  startedAt: string | null;
  flowCount: number;
  databaseBytes: number;
  queued: number | null;
  dropped: Record<string, number> | null;
  lastWriteError: unknown;
}

export function statusReport(dataDir: string): StatusReport {
  const runtime = readRuntimeFile(dataDir);
  const databasePath = path.join(dataDir, 'flows.db');
  let flowCount = 0;
  let databaseBytes = 0;
  if (existsSync(databasePath)) {
    const store = FlowStore.open(databasePath, { readonly: true });
    try {
      flowCount = store.countFlows();
      databaseBytes = store.sizeOnDisk();
    } finally {
      store.close();
    }
  }
  const stats = runtime?.stats as { queued?: number; dropped?: Record<string, number>; lastWriteError?: unknown } | undefined;
  return {
    dataDir,
    running: runtime !== null,
    pid: runtime?.pid ?? null,
    proxyUrl: runtime?.proxyUrl ?? null,
    uiUrl: runtime?.uiUrl ?? null,
    startedAt: runtime ? new Date(runtime.startedAt).toISOString() : null,
    flowCount,
    databaseBytes,
    queued: stats?.queued ?? null,
    dropped: stats?.dropped ?? null,
    lastWriteError: stats?.lastWriteError ?? null,
  };
}

export function printStatus(report: StatusReport, json: boolean, out: NodeJS.WritableStream = process.stdout): void {
  if (json) {
    out.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  const lines = [
    report.running
      ? `Proxy:          running on ${report.proxyUrl} (pid ${report.pid}, since ${report.startedAt})`
      : 'Proxy:          not running on this data directory (start it with `flowscope serve`)',
    ...(report.uiUrl ? [`UI:             ${report.uiUrl}`] : []),
    `Data directory: ${report.dataDir}`,
    `Flows stored:   ${report.flowCount}`,
    `Database size:  ${formatBytes(report.databaseBytes)}`,
  ];
  if (report.dropped) {
    const d = report.dropped;
    lines.push(`Write queue:    ${report.queued ?? 0} waiting; dropped under load: ${d.flows ?? 0} flows, ${d.bodies ?? 0} bodies, ${d.messages ?? 0} messages, ${d.events ?? 0} events`);
  }
  if (report.lastWriteError) {
    lines.push(`Store problem:  ${(report.lastWriteError as { message?: string }).message ?? String(report.lastWriteError)}`);
  }
  out.write(`${lines.join('\n')}\n`);
}
