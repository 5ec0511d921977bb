/**
 * At most one run of a query at a time. A request made while one runs is not dropped (the answer
 * in flight may already be stale) and not stacked either: it becomes exactly one more run after the
 * current one, however many requests came meanwhile. On a million flows a count or a stats scan
 * takes seconds, so stacking them would queue work faster than the server can do it.
 */
export interface SingleFlight {
  /** Runs now, or once more after the run in flight; resolves when the run that covers this request ends. */
  request(): Promise<void>;
  readonly running: boolean;
}

interface Waiters {
  promise: Promise<void>;
  resolve(): void;
}

function waiters(): Waiters {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** `run` reports its own failures (to the store); a rejection here only ends that run. */
export function singleFlight(run: () => Promise<void>): SingleFlight {
  let running = false;
  let next: Waiters | null = null;

  async function drain(first: Waiters): Promise<void> {
    let covering: Waiters | null = first;
    while (covering) {
      try {
        await run();
      } catch {
        // See above: the failure was already reported where it happened.
      }
      covering.resolve();
      covering = next;
      next = null;
    }
    running = false;
  }

  return {
    request() {
      if (running) {
        next ??= waiters();
        return next.promise;
      }
      running = true;
      const first = waiters();
      void drain(first);
      return first.promise;
    },
    get running() {
      return running;
    },
  };
}
