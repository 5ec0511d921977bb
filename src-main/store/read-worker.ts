/** A store read thread: answers the read pool's calls from its own read-only connection. */
import { parentPort, workerData } from 'node:worker_threads';
import { toApiErrorBody } from '../../src-shared/api/errors.js';
import { FlowStore } from './index.js';
import { transferList, type ReadAnswer, type ReadCall } from './read-calls.js';

const { file } = workerData as { file: string };
const store = FlowStore.open(file, { readonly: true });
const port = parentPort!;

port.on('message', ({ id, method, args }: ReadCall) => {
  let answer: ReadAnswer;
  let transfer: ArrayBuffer[] = [];
  try {
    const read = store[method] as (...args: unknown[]) => unknown;
    const result = read.apply(store, args);
    answer = { id, result };
    transfer = transferList(method, result);
  } catch (err) {
    answer = { id, error: toApiErrorBody(err) };
  }
  port.postMessage(answer, transfer);
});
