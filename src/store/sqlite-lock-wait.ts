// Waiting for another process's SQLite write lock without stopping the event loop. better-sqlite3 is
// synchronous: with a long busy_timeout, a write that meets the lock of a `firebreak` command, a backup
// or a second process blocks the whole process (no Slack acks, no /healthz) for as long as it waits.
// So SQLite itself waits only a few milliseconds, and the rest of the wait is asynchronous: the
// statement (or the transaction's start) is tried again after a growing pause, up to the same patience
// as before, then refused with a DatabaseLockedError.

import { DatabaseLockedError } from '../errors.js';

/** What SQLite itself may block the event loop for, per attempt (better-sqlite3's `timeout`). */
export const SQLITE_BLOCKING_WAIT_MS = 5;

/** How long a write waits in all for another process to let go of the database (busy_timeout was 5 s). */
export const SQLITE_LOCK_PATIENCE_MS = 5_000;

/** Pauses between attempts: short at first (most holders commit within milliseconds), then every 100 ms. */
const FIRST_PAUSE_MS = 2;
const LONGEST_PAUSE_MS = 100;


/**
 * SQLITE_BUSY and its extended codes, as @prisma/adapter-better-sqlite3 raises them: a DriverAdapterError
 * whose cause is `{ kind: 'SocketTimeout', originalCode: 'SQLITE_BUSY…' }` (Prisma then calls it P1008).
 */
export function isSqliteBusy(error: unknown): boolean {
  const candidate = error as { name?: unknown; cause?: { kind?: unknown; originalCode?: unknown } } | null;
  if (candidate?.name !== 'DriverAdapterError' || typeof candidate.cause !== 'object' || candidate.cause === null) return false;
  const { kind, originalCode } = candidate.cause;
  return kind === 'SocketTimeout' && (typeof originalCode !== 'string' || originalCode.startsWith('SQLITE_BUSY') || originalCode.startsWith('UNKNOWN_SQLITE_ERROR_'));
}

/** Time and pauses, injectable so the policy can be checked without waiting. */
export interface LockWaitTimers {
  now(): number;
  pause(ms: number): Promise<void>;
}

export const realTimers: LockWaitTimers = {
  now: () => performance.now(),
  pause: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface LockWaitPolicy {
  /** Named in the error: the SQLite file. */
  database: string;
  patienceMs: number;
  timers: LockWaitTimers;
}

/**
 * Runs `attempt` until it does not meet a busy database, pausing asynchronously in between, until
 * `patienceMs` after `since` (when the caller asked: time spent queueing counts). Only for work that
 * changes nothing when it fails busy: a statement outside a transaction, BEGIN IMMEDIATE, COMMIT.
 * Tried at least once, however late.
 */
export async function whileLocked<T>(policy: LockWaitPolicy, since: number, attempt: () => Promise<T>): Promise<T> {
  let pause = FIRST_PAUSE_MS;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (!isSqliteBusy(error)) throw error;
      const waited = policy.timers.now() - since;
      if (waited >= policy.patienceMs) throw new DatabaseLockedError(policy.database, waited, { cause: error });
      await policy.timers.pause(Math.min(pause, policy.patienceMs - waited));
      pause = Math.min(pause * 2, LONGEST_PAUSE_MS);
    }
  }
}
