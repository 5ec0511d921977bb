/**
 * Pooled buffers in shared memory for bytes on their way to the writer thread (WebSocket message
 * chunks, captured bodies). The writer reads them in place: no copy and no transfer, so a batch
 * can be sent again if its commit fails. A buffer comes back to its pool once its batch is
 * committed, so a busy proxy reuses memory that is already mapped instead of faulting in fresh
 * pages for every record (a 1 MiB body cost ~300 us of page faults and copying that way).
 */
const SIZE_CLASSES = [4 * 1024, 68 * 1024, 1024 * 1024 + 4 * 1024] as const;
/**
 * How many idle buffers each class keeps: 4, 4.3 and 8 MiB at most. A busy proxy has a batch or
 * two of small bodies in flight (hundreds); a buffer the pool cannot take waits for a full GC.
 */
const POOL_LIMITS = [1024, 64, 8] as const;
const pools = new Map<number, Buffer[]>(SIZE_CLASSES.map((size) => [size, []]));

/** A buffer of at least `minBytes`, from a pool when one of its sizes fits. */
export function takeSharedBuffer(minBytes: number): Buffer {
  const size = SIZE_CLASSES.find((candidate) => candidate >= minBytes) ?? minBytes;
  return pools.get(size)?.pop() ?? Buffer.from(new SharedArrayBuffer(size));
}

/** Hands a buffer back once nothing reads it any more; past the pool's limit it is left to the GC. */
export function giveBackSharedBuffer(buffer: Buffer): void {
  const index = SIZE_CLASSES.indexOf(buffer.length as (typeof SIZE_CLASSES)[number]);
  const pool = pools.get(buffer.length);
  if (pool && index >= 0 && pool.length < POOL_LIMITS[index]!) pool.push(buffer);
}
