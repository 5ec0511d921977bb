/**
 * Pooled buffers in shared memory for bytes on their way to the writer thread (WebSocket message
 * chunks, captured bodies, batch arenas). The writer reads them in place: no copy and no
 * transfer, so a batch can be sent again if its commit fails. A buffer comes back to its pool
 * once its batch is committed, so a busy proxy reuses memory that is already mapped instead of
 * faulting in fresh pages for every record (a 1 MiB body cost ~300 us of page faults and copying
 * that way).
 *
 * A shared buffer is never dropped: V8 does not count shared memory towards its GC heuristics, so
 * a dropped one waits for a collection that its size does not bring on. When the pool kept only 8
 * idle 1 MiB buffers, the 1 MB benchmark churned through them and the proxy's RSS grew past
 * 800 MiB once little else made garbage. So each size class makes at most so many shared buffers
 * and keeps them all; past that it hands out ordinary memory, which the GC sees (and which
 * postMessage copies).
 */
const SIZE_CLASSES = [4 * 1024, 68 * 1024, 1024 * 1024 + 4 * 1024] as const;
/**
 * Shared buffers each class may make: 16, 17 and 33 MiB at most, held for the process's life once
 * made. A busy proxy has a batch or two of records in flight: hundreds of small bodies, or a few
 * dozen at 1 MiB.
 */
const MAX_SHARED = [4096, 256, 32] as const;
const pools: Buffer[][] = SIZE_CLASSES.map(() => []);
const made = SIZE_CLASSES.map(() => 0);

/**
 * A buffer of at least `minBytes`: from its size class's pool, or new shared memory while the
 * class may make more, or else (and for sizes past the classes) an ordinary buffer.
 */
export function takeSharedBuffer(minBytes: number): Buffer {
  const index = SIZE_CLASSES.findIndex((size) => size >= minBytes);
  if (index < 0) return Buffer.allocUnsafeSlow(minBytes);
  const pooled = pools[index]!.pop();
  if (pooled) return pooled;
  if (made[index]! >= MAX_SHARED[index]!) return Buffer.allocUnsafeSlow(SIZE_CLASSES[index]!);
  made[index]!++;
  return Buffer.from(new SharedArrayBuffer(SIZE_CLASSES[index]!));
}

/** Hands a buffer back once nothing reads it any more: a shared one to its pool, an ordinary one to the GC. */
export function giveBackSharedBuffer(buffer: Buffer): void {
  if (!(buffer.buffer instanceof SharedArrayBuffer)) return;
  const index = SIZE_CLASSES.indexOf(buffer.length as (typeof SIZE_CLASSES)[number]);
  if (index >= 0) pools[index]!.push(buffer);
}

/**
 * Copies `source` into `target` at `offset`. Into shared memory, Uint8Array#set and Buffer#copy
 * take a slow path on every call (260 ns for 1 KiB here, against 48 ns into ordinary memory);
 * Buffer#fill, given the source as its pattern and exactly its length, copies with memcpy (60 ns).
 */
export function copyInto(target: Buffer, source: Uint8Array, offset: number): void {
  if (source.byteLength > 0) target.fill(source, offset, offset + source.byteLength);
}

/** How many shared buffers each class has made and how many are idle in its pool (for tests). */
export function sharedBufferCounts(): Array<{ size: number; made: number; idle: number }> {
  return SIZE_CLASSES.map((size, index) => ({ size, made: made[index]!, idle: pools[index]!.length }));
}
