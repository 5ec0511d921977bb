/** The store's writer thread: commits the batches the main thread's queue sends, in order. */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { batchCommitter } from './batch-commit.js';
import { errorInfo, type Ack } from './committers.js';
import { openDatabase } from './database.js';
import { prepareWriteStatements } from './statements.js';
import { decodeBatch, type WireBatch } from './wire-batch.js';

const { file, signal, acks } = workerData as { file: string; signal: Int32Array; acks: MessagePort };
const db = openDatabase(file);
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
