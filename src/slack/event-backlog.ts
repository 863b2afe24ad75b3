// Events API callbacks acknowledged before they are processed. Each turn of the event loop starts at
// most `perTurn` of them (on setImmediate, after the poll phase): the requests of a burst are all read
// and acknowledged before their processing starts, and new requests are read between two slices of a
// backlog instead of waiting behind all of it. Past `maxQueued` waiting events, adding one waits for
// room, so its ack waits too (backpressure instead of an unbounded queue in memory).

export interface EventBacklogOptions {
  /** Events started per turn of the event loop. */
  perTurn?: number;
  /** Events waiting to start before `add` waits for room. */
  maxQueued?: number;
  /** A task that rejected (the task reports its own failures; this is the last resort). */
  onError(error: unknown): void;
}

export interface EventBacklog {
  /** Queues a task; resolves once it is queued (at once unless the backlog is full). */
  add(task: () => Promise<void>): Promise<void>;
  /** Waits until every queued task has run and settled, or until `timeoutMs`; true when all did. */
  drain(timeoutMs: number): Promise<boolean>;
  /** Tasks waiting to start, and started but not settled. */
  size(): { queued: number; running: number };
}

export function createEventBacklog(options: EventBacklogOptions): EventBacklog {
  const perTurn = options.perTurn ?? 8;
  const maxQueued = options.maxQueued ?? 2_000;
  const queue: Array<() => Promise<void>> = [];
  const running = new Set<Promise<void>>();
  let roomWaiters: Array<() => void> = [];
  let scheduled = false;

  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(pump);
  };

  function pump(): void {
    scheduled = false;
    for (let started = 0; started < perTurn && queue.length > 0; started += 1) {
      const task = queue.shift() as () => Promise<void>;
      const run: Promise<void> = Promise.resolve()
        .then(task)
        .catch((error: unknown) => options.onError(error))
        .finally(() => running.delete(run));
      running.add(run);
    }
    if (queue.length < maxQueued && roomWaiters.length > 0) {
      const waiting = roomWaiters;
      roomWaiters = [];
      for (const wake of waiting) wake();
    }
    if (queue.length > 0) schedule();
  }

  return {
    async add(task) {
      while (queue.length >= maxQueued) await new Promise<void>((resolve) => roomWaiters.push(resolve));
      queue.push(task);
      schedule();
    },
    async drain(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (queue.length > 0 || running.size > 0) {
        const left = deadline - Date.now();
        if (left <= 0) return false;
        let timer: NodeJS.Timeout | undefined;
        const wake = queue.length > 0 ? new Promise((resolve) => setImmediate(resolve)) : Promise.race(running);
        await Promise.race([wake, new Promise((resolve) => (timer = setTimeout(resolve, left)))]);
        clearTimeout(timer);
      }
      return true;
    },
    size: () => ({ queued: queue.length, running: running.size }),
  };
}
