/** How a replay's outcome reads: in notices, the request editor and batch summaries. */
import type { ReplayResult } from '../../../src-shared/api/types.js';
import { formatDuration, statusTone, type StatusTone } from '../../components/format.js';

/** "200 in 34 ms", or the error: "connection refused: connect ECONNREFUSED 127.0.0.1:9". */
export function resultText(result: ReplayResult): string {
  if (result.error) return `${errorName(result.error.type)}: ${result.error.message}`;
  const time = result.durationMs === null ? '' : ` in ${formatDuration(result.durationMs)}`;
  return `${result.statusCode ?? 'no status'}${time}`;
}

/** An outcome key of replay.progress ("200", "CONNECTION_REFUSED") for a person. */
export function outcomeName(key: string): string {
  return /^\d+$/.test(key) ? `HTTP ${key}` : errorName(key);
}

export function outcomeTone(key: string): StatusTone {
  const code = /^\d+$/.test(key) ? Number(key) : null;
  // Any error type reads as a failure; which one does not change the tone.
  return code === null ? 'server-error' : statusTone({ statusCode: code, errorType: null });
}

function errorName(type: string): string {
  return type.replaceAll('_', ' ').toLowerCase();
}
