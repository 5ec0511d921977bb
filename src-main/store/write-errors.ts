/** Why the last batch could not be committed; cleared as soon as a batch commits again. */
export interface WriteError {
  /** SQLite's extended code, e.g. SQLITE_FULL, SQLITE_READONLY_DIRECTORY, SQLITE_IOERR_WRITE. */
  code: string;
  message: string;
  /** Epoch milliseconds. */
  at: number;
}

/**
 * Errors that belong to one record rather than to the database: retrying cannot help, so the
 * writer skips that record (and counts it) instead of failing the batch forever.
 */
const ITEM_ERROR_PREFIXES = ['SQLITE_CONSTRAINT', 'SQLITE_MISMATCH', 'SQLITE_TOOBIG', 'SQLITE_RANGE'];

function codeOf(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : null;
}

export function isItemError(err: unknown): boolean {
  const code = codeOf(err);
  // better-sqlite3 reports unbindable values (undefined, objects) as TypeError/RangeError, no code.
  if (code === null) return err instanceof TypeError || err instanceof RangeError;
  return ITEM_ERROR_PREFIXES.some((prefix) => code.startsWith(prefix));
}

export function describeWriteError(
  err: unknown,
  file: string,
  bounds: { maxQueueItems: number; maxQueueBytes: number },
): WriteError {
  const code = codeOf(err) ?? 'UNKNOWN';
  const message_ = (err as { message?: unknown } | null)?.message;
  const reason = typeof message_ === 'string' ? message_ : String(err);
  const keeping =
    `captured flows are being kept in memory and dropped beyond ${bounds.maxQueueItems.toLocaleString('en-US')} ` +
    `records or ${Math.round(bounds.maxQueueBytes / 1024 / 1024)} MiB of bodies`;
  let message: string;
  if (code === 'SQLITE_FULL') {
    message = `The disk holding ${file} is full; ${keeping}. Free space or set a retention cap.`;
  } else if (code.startsWith('SQLITE_READONLY')) {
    message = `${file} cannot be written (${reason}); ${keeping}. Check the permissions of the file and its folder.`;
  } else if (code.startsWith('SQLITE_IOERR')) {
    message = `Writing ${file} failed with an I/O error (${code}); ${keeping}. Check the disk and free space.`;
  } else if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    message = `${file} is locked by another program; ${keeping}. Close the other program writing to it.`;
  } else if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    message = `${file} is damaged (${reason}); ${keeping}. Stop Flowscope and move the file aside to start a new store.`;
  } else {
    message = `Writing ${file} failed (${code}: ${reason}); ${keeping}. Flowscope keeps retrying; if this persists, restart it with another database file.`;
  }
  return { code, message, at: Date.now() };
}
