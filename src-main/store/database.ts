import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { checkSchema, runMigrations } from './migrations/runner.js';

/** How long a statement waits for another connection's lock before failing with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5_000;
/** After a checkpoint, the WAL file is cut back to this size instead of keeping its peak size. */
const JOURNAL_SIZE_LIMIT_BYTES = 4 * 1024 * 1024;

export interface OpenDatabaseOptions {
  readonly?: boolean;
}

function describeOpenError(file: string, readonly: boolean, err: unknown): Error {
  const code = (err as { code?: string }).code;
  const reason = err instanceof Error ? err.message : String(err);
  if (readonly && code === 'SQLITE_CANTOPEN' && !fs.existsSync(file)) {
    return new Error(`There is no flow store at ${file}. Capture some traffic first, or pass the path of an existing store.`);
  }
  if (code === 'SQLITE_NOTADB') {
    return new Error(`${file} is not a SQLite database. Point Flowscope at its own store file, or remove this file.`);
  }
  return new Error(`Could not open the flow store ${file}: ${reason}. Check that the folder exists and is writable.`);
}

/**
 * Opens (and for writers creates and migrates) the store. Writers get WAL so that readers in other
 * processes (the CLI's `list` and `show`) never block on them or they on us.
 */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Database.Database {
  const readonly = options.readonly === true;
  let db: Database.Database;
  try {
    if (!readonly) fs.mkdirSync(path.dirname(file), { recursive: true });
    db = new Database(file, { readonly, fileMustExist: readonly });
  } catch (err) {
    throw describeOpenError(file, readonly, err);
  }
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    if (readonly) {
      checkSchema(db, file);
      return db;
    }
    db.pragma('foreign_keys = ON');
    // Migrations first: the first one sets auto_vacuum, which SQLite only honours before the file
    // header is written, and switching to WAL writes it.
    runMigrations(db, file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT_BYTES}`);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
