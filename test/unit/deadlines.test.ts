import { describe, expect, it } from 'vitest';
import { Deadlines } from '../../src-main/engine/deadlines.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('response deadlines on one timer', () => {
  it('fires each deadline no earlier than its time, in the order added, and never a cancelled one', async () => {
    const deadlines = new Deadlines(40);
    const fired: Array<{ name: string; after: number }> = [];
    const add = (name: string) => {
      const added = performance.now();
      return deadlines.add(() => fired.push({ name, after: performance.now() - added }));
    };
    add('first');
    await sleep(15);
    const second = add('second');
    await sleep(15);
    add('third');
    deadlines.cancel(second);
    expect(deadlines.size).toBe(2);
    await sleep(120);
    expect(fired.map((f) => f.name)).toEqual(['first', 'third']);
    for (const f of fired) expect(f.after).toBeGreaterThanOrEqual(39);
    expect(deadlines.size).toBe(0);
    // Added again after the queue ran empty: the timer is armed anew.
    add('fourth');
    await sleep(80);
    expect(fired.map((f) => f.name)).toEqual(['first', 'third', 'fourth']);
  });
});
