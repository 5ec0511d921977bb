import { describe, expect, it } from 'vitest';
import { copyInto, giveBackSharedBuffer, sharedBufferCounts, takeSharedBuffer } from '../../src-main/store/shared-buffers.js';

const MIB_CLASS = 1024 * 1024 + 4 * 1024;
const mibClass = () => sharedBufferCounts().find((c) => c.size === MIB_CLASS)!;
const isShared = (buffer: Buffer) => buffer.buffer instanceof SharedArrayBuffer;

describe('pooled shared buffers', () => {
  it('reuses what comes back, never drops a shared buffer, and past its cap hands out ordinary memory', () => {
    const taken = Array.from({ length: 40 }, () => takeSharedBuffer(1000 * 1024));
    expect(taken.every((buffer) => buffer.length === MIB_CLASS)).toBe(true);
    const shared = taken.filter(isShared);
    expect(shared.length).toBe(mibClass().made);
    expect(shared.length).toBeLessThan(taken.length);
    for (const buffer of taken) giveBackSharedBuffer(buffer);
    // Every shared one is kept, however many come back at once; ordinary ones are left to the GC.
    expect(mibClass()).toMatchObject({ made: shared.length, idle: shared.length });
    const again = Array.from({ length: shared.length }, () => takeSharedBuffer(MIB_CLASS));
    expect(new Set(again.map((buffer) => buffer.buffer))).toEqual(new Set(shared.map((buffer) => buffer.buffer)));
    expect(mibClass()).toMatchObject({ made: shared.length, idle: 0 });
    for (const buffer of again) giveBackSharedBuffer(buffer);
  });

  it('gives sizes past the largest class ordinary memory of the size asked', () => {
    const large = takeSharedBuffer(3 * 1024 * 1024);
    expect(large.length).toBe(3 * 1024 * 1024);
    expect(isShared(large)).toBe(false);
    giveBackSharedBuffer(large);
    expect(sharedBufferCounts().every((c) => c.size !== large.length)).toBe(true);
  });

  it('copies exactly the source into shared or ordinary memory, at the offset, touching nothing else', () => {
    const pattern = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7) % 251);
    const sharedSource = Buffer.from(new SharedArrayBuffer(3000));
    sharedSource.set(pattern);
    for (const target of [Buffer.from(new SharedArrayBuffer(8192)), Buffer.alloc(8192)]) {
      target.fill(0xee);
      copyInto(target, pattern, 100);
      copyInto(target, sharedSource.subarray(0, 10), 5000);
      copyInto(target, new Uint8Array(0), 8192);
      expect(target.subarray(100, 3100).equals(Buffer.from(pattern))).toBe(true);
      expect(target.subarray(5000, 5010).equals(Buffer.from(pattern.subarray(0, 10)))).toBe(true);
      expect([target[99], target[3100], target[4999], target[5010]]).toEqual([0xee, 0xee, 0xee, 0xee]);
    }
  });
});
