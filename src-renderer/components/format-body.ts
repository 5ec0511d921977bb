/** The UI side of the body worker: one worker for the page, one promise per job. */
import type { BodyJob, BodyJobResult } from './body-worker.js';
import BodyWorker from './body-worker.ts?worker';

let worker: Worker | null = null;
let nextId = 1;
const waiting = new Map<number, (result: BodyJobResult) => void>();

export function formatInWorker(job: Omit<BodyJob, 'id'>): Promise<BodyJobResult> {
  if (!worker) {
    worker = new BodyWorker();
    worker.onmessage = (event: MessageEvent<BodyJobResult>) => {
      waiting.get(event.data.id)?.(event.data);
      waiting.delete(event.data.id);
    };
  }
  const id = nextId++;
  return new Promise((resolve) => {
    waiting.set(id, resolve);
    worker!.postMessage({ ...job, id } satisfies BodyJob);
  });
}
