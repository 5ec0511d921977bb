/**
 * One export in its own process, so its time and peak memory are its own: `flowscope export`'s
 * code path (har or json), or the baseline, a plain dump of the same rows and bodies as JSON.
 * Prints one line of JSON: { ms, maxRssMiB, bytes }.
 */
import { createWriteStream, statSync } from 'node:fs';
import { once } from 'node:events';
import Database from 'better-sqlite3';
import { exportCommand } from '../../src-main/cli/transfer.js';

const [mode, dataDir, file, dbFile] = process.argv.slice(2) as [string, string, string, string];

async function dumpBaseline(): Promise<void> {
  const db = new Database(dbFile, { readonly: true });
  const body = db.prepare<[number], { data: Buffer }>("SELECT data FROM bodies WHERE flow_id = ? AND side = 'response'");
  const out = createWriteStream(file);
  for (const row of db.prepare<[], Record<string, unknown> & { id: number }>('SELECT * FROM flows ORDER BY id').iterate()) {
    const data = body.get(row.id)?.data;
    if (!out.write(`${JSON.stringify({ ...row, body: data?.toString('base64') ?? null })}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  db.close();
}

const start = performance.now();
if (mode === 'baseline') await dumpBaseline();
else await exportCommand(dataDir, { format: mode, redact: false, output: file, err: { write: () => true } as unknown as NodeJS.WritableStream });
const ms = performance.now() - start;
process.stdout.write(`${JSON.stringify({ ms, maxRssMiB: process.resourceUsage().maxRSS / 1024, bytes: statSync(file).size })}\n`);
