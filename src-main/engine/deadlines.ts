/**
 * Deadlines that all run for the same time (a step's response timeout), kept with one timer: a
 * deadline added later is never due earlier, so they are due in the order they were added. A
 * setTimeout and clearTimeout per proxied request cost more than this on the proxy's thread.
 */
export class Deadlines {
  /** In the order added, which is the order due. */
  private readonly pending = new Map<number, { due: number; fire: () => void }>();
  private nextKey = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly ms: number) {}

  get size(): number {
    return this.pending.size;
  }

  /** Calls `fire` once `ms` have passed, unless cancel(key) comes first. */
  add(fire: () => void): number {
    const key = this.nextKey++;
    this.pending.set(key, { due: performance.now() + this.ms, fire });
    if (!this.timer) this.arm(this.ms);
    return key;
  }

  cancel(key: number): void {
    this.pending.delete(key);
  }

  private arm(ms: number): void {
    this.timer = setTimeout(() => this.sweep(), Math.max(0, ms));
    // Whatever waits on a deadline holds its own socket; this timer keeps nothing alive.
    this.timer.unref();
  }

  private sweep(): void {
    this.timer = null;
    const now = performance.now();
    for (const [key, deadline] of this.pending) {
      // Timers may fire up to a millisecond before their time.
      if (deadline.due > now + 1) {
        this.arm(deadline.due - now);
        return;
      }
      this.pending.delete(key);
      deadline.fire();
    }
  }
}
