/** The store's writer thread: commits the batches the main thread's queue sends, in order. */
import { readlinkSync } from 'node:fs';
import os from 'node:os';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { batchCommitter } from './batch-commit.js';
import { errorInfo, type Ack } from './committers.js';
import { openDatabase } from './database.js';
import { prepareWriteStatements } from './statements.js';
import { decodeBatch, type WireBatch } from './wire-batch.js';

const { file, signal, acks } = workerData as { file: string; signal: Int32Array; acks: MessagePort };

/**
 * Writing can wait; proxying cannot. Woken by a batch while every core is busy, this thread took
 * the core of the proxy's thread for the whole commit (1-2 ms of its wall time per batch in the
 * benchmark); at a lower priority the proxy's thread keeps it and the bounded queue absorbs the
 * delay. Linux only: elsewhere a thread's priority cannot be set this way, and it is left alone.
 */
const WRITER_NICE = 10;
try {
  const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
  if (Number.isInteger(threadId) && threadId > 0) os.setPriority(threadId, WRITER_NICE);
} catch {
  // No /proc (macOS, Windows), or not allowed: the default priority.
}
const db = openDatabase(file);
/**
 * Captured flows are appended: every B-tree grows at its right edge, so a few hundred pages are
 * all the writer touches. SQLite's default cache (16 MiB here) only fills with pages it will not
 * read again; 4 MiB keeps the soak's peak RSS ~12 MiB lower at the same speed.
 */
db.pragma('cache_size = -4096');
const commit = batchCommitter(db, prepareWriteStatements(db));

function answer(ack: Ack): void {
  acks.postMessage(ack);
  Atomics.store(signal, 0, ack.seq);
  Atomics.notify(signal, 0);
}

parentPort!.on('message', (message: { type: 'batch'; seq: number; batch: WireBatch } | { type: 'close'; seq: number }) => {
  if (message.type === 'close') {
    db.close();
    answer({ seq: message.seq, outcome: { ok: true, rejected: { flows: 0, messages: 0, events: 0 } } });
    parentPort!.close();
    return;
  }
  try {
    answer({ seq: message.seq, outcome: { ok: true, rejected: commit(decodeBatch(message.batch)) } });
  } catch (err) {
    answer({ seq: message.seq, outcome: { ok: false, error: errorInfo(err) } });
  }
});
