/** The UI side of the body worker: one worker for the page (respawned after a stuck job), one promise per job. */
import BodyWorker from './body-worker.ts?worker';
import { createBodyFormatter } from './body-worker-client.js';
import { base64ToBytes } from './format.js';

export const formatInWorker = createBodyFormatter(() => new BodyWorker());

/**
 * What the viewer shows when formatting failed or was stopped: the bytes as UTF-8 text, as they
 * are. Decoding is linear and quick even for large bodies; it was the pretty-printing that was not.
 */
export function rawText(base64: string): string {
  try {
    return new TextDecoder().decode(base64ToBytes(base64));
  } catch {
    return '';
  }
}
