import type Database from 'better-sqlite3';
import { initial } from './001_initial.js';
import { messageChunks } from './002_message_chunks.js';
import { brotliBodies } from './003_brotli_bodies.js';
import { compressedChunks } from './004_compressed_chunks.js';
import { flowSource } from './005_flow_source.js';
import { flowPolicy } from './006_flow_policy.js';

export interface Migration {
  /** Applied in ascending order; never reuse or renumber one that has shipped. */
  readonly id: number;
  readonly name: string;
  up(db: Database.Database): void;
}

export const MIGRATIONS: readonly Migration[] = [initial, messageChunks, brotliBodies, compressedChunks, flowSource, flowPolicy];

const LATEST = Math.max(...MIGRATIONS.map((m) => m.id));

function appliedIds(db: Database.Database): Set<number> {
  const table = db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'migrations'")
    .get();
  if (!table) return new Set();
  const rows = db.prepare<[], { id: number }>('SELECT id FROM migrations').all();
  return new Set(rows.map((r) => r.id));
}

function assertNotNewer(file: string, applied: Set<number>): void {
  const newest = Math.max(0, ...applied);
  if (newest > LATEST) {
    throw new Error(
      `${file} was written by a newer version of Flowscope (schema ${newest}, this one knows up to ${LATEST}). ` +
        'Update Flowscope, or point it at another database file.',
    );
  }
}

/**
 * Applies every migration not yet recorded, each in its own transaction together with its record,
 * so a crash leaves the database either before or after a migration, never halfway.
 */
export function runMigrations(db: Database.Database, file: string): number[] {
  const applied = appliedIds(db);
  assertNotNewer(file, applied);
  const ran: number[] = [];
  for (const migration of MIGRATIONS) {
    if (applied.has(migration.id)) continue;
    db.transaction(() => {
      // The migration runs first: 001 must set auto_vacuum before any table exists, this one too.
      migration.up(db);
      db.exec(
        'CREATE TABLE IF NOT EXISTS migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at REAL NOT NULL)',
      );
      db.prepare('INSERT INTO migrations (id, name, applied_at) VALUES (?, ?, ?)').run(
        migration.id,
        migration.name,
        Date.now(),
      );
    })(); // Deferred, not IMMEDIATE: BEGIN IMMEDIATE writes the header, after which auto_vacuum is ignored.
    ran.push(migration.id);
  }
  return ran;
}

/** A read-only connection cannot migrate: it only checks that the schema is the one we know. */
export function checkSchema(db: Database.Database, file: string): void {
  const applied = appliedIds(db);
  assertNotNewer(file, applied);
  const missing = MIGRATIONS.filter((m) => !applied.has(m.id));
  if (missing.length > 0) {
    throw new Error(
      `${file} is not a current Flowscope store (schema update ${missing.map((m) => m.id).join(', ')} not applied). ` +
        'Start capture on it once (which opens it for writing) to update it.',
    );
  }
}
