/**
 * Export of 100,000 flows with bodies, as `flowscope export` runs it: time and peak RSS for HAR
 * and Flowscope JSON, each beside a baseline measured in the same run (a plain dump of the same
 * rows and bodies, the least any export must do). Memory must stay bounded: the export streams.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { seedFlows } from './store-queries.js';

const FLOWS = 100_000;
const CHILD = fileURLToPath(new URL('./export-child.js', import.meta.url));

/** A JSON response body of 1-3 KB for every flow, stored raw, as capture stores small bodies. */
function addBodies(file: string): void {
  const db = new Database(file);
  const insert = db.prepare("INSERT INTO bodies (flow_id, side, storage, data) VALUES (?, 'response', 'raw', ?)");
  const update = db.prepare("UPDATE flows SET response_captured_size = ?, response_wire_size = ?, response_decoded_size = ?, response_content_type = 'application/json' WHERE id = ?");
  db.transaction(() => {
    for (let id = 1; id <= FLOWS; id++) {
      const items = Array.from({ length: 10 + (id % 20) }, (_, i) => ({ id: id * 100 + i, name: `item ${i} of flow ${id}`, price: (id % 997) / 10, tags: ['a', 'b'] }));
      const data = Buffer.from(JSON.stringify({ page: id % 50, items }));
      insert.run(id, data);
      update.run(data.length, data.length, data.length, id);
    }
  })();
  db.close();
}

interface Run {
  ms: number;
  maxRssMiB: number;
  bytes: number;
}

function run(mode: string, dataDir: string, out: string): Run {
  const line = execFileSync(process.execPath, [CHILD, mode, dataDir, out, join(dataDir, 'flows.db')], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(line.trim().split('\n').at(-1)!) as Run;
}

export async function benchExport(): Promise<string[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'flowscope-bench-export-'));
  const lines = [`Export of ${FLOWS.toLocaleString('en-US')} flows with 1-3 KB JSON bodies (flowscope export, own process)`];
  try {
    seedFlows(join(dataDir, 'flows.db'), FLOWS);
    addBodies(join(dataDir, 'flows.db'));
    const baseline = run('baseline', dataDir, join(dataDir, 'baseline.ndjson'));
    lines.push(`  baseline (plain row dump)  ${(baseline.ms / 1000).toFixed(2).padStart(6)} s  peak RSS ${baseline.maxRssMiB.toFixed(0).padStart(4)} MiB  ${(baseline.bytes / 2 ** 20).toFixed(0)} MiB written`);
    for (const format of ['json', 'har']) {
      const result = run(format, dataDir, join(dataDir, `out.${format}`));
      lines.push(
        `  ${format === 'har' ? 'HAR 1.2' : 'Flowscope JSON'}`.padEnd(29) +
          `${(result.ms / 1000).toFixed(2).padStart(6)} s  peak RSS ${result.maxRssMiB.toFixed(0).padStart(4)} MiB  ${(result.bytes / 2 ** 20).toFixed(0)} MiB written` +
          `  time ${(result.ms / baseline.ms).toFixed(2)}x baseline, ${Math.round(FLOWS / (result.ms / 1000)).toLocaleString('en-US')} flows/s`,
      );
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  return lines;
}
