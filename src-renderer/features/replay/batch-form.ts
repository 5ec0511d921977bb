/** The batch replay form as replay.batch arguments. Pure, so its checks are tested without a DOM. */
import type { ReplayBatchQuery } from '../../../src-shared/api/types.js';
import { parseTarget } from './target.js';

const MAX_DELAY_S = 3600;

/** `field`: where the message belongs ('target' is said under the target input). */
export type CheckedBatch = { ok: true; query: ReplayBatchQuery } | { ok: false; error: string; field: 'form' | 'target' };

export interface BatchForm {
  useSelection: boolean;
  from: string;
  to: string;
  delay: string;
  otherTarget: boolean;
  targetText: string;
  keepHost: boolean;
}

/** The form as replay.batch arguments, or the first thing wrong with it. */
export function batchQuery(form: BatchForm, ids: number[]): CheckedBatch {
  const delay = Number(form.delay.trim());
  if (form.delay.trim() === '' || !Number.isFinite(delay) || delay < 0 || delay > MAX_DELAY_S) {
    return { ok: false, field: 'form', error: `The delay must be a number of seconds from 0 to ${MAX_DELAY_S}, e.g. 0.5.` };
  }
  const query: ReplayBatchQuery = { delayMs: Math.round(delay * 1000) };
  if (form.useSelection) query.ids = ids;
  else {
    const from = Number(form.from.trim());
    const to = Number(form.to.trim());
    if (!/^\d+$/.test(form.from.trim()) || !/^\d+$/.test(form.to.trim())) return { ok: false, field: 'form', error: 'Give the range as two flow ids (whole numbers), e.g. from 1 to 20.' };
    if (to < from) return { ok: false, field: 'form', error: `The range ends (#${to}) before it starts (#${from}).` };
    query.range = { from, to };
  }
  if (form.otherTarget) {
    const target = parseTarget(form.targetText);
    if (!target.ok) return { ok: false, field: 'target', error: target.error };
    query.target = { targetUrl: target.targetUrl, keepHost: form.keepHost };
  }
  return { ok: true, query };
}

