// Reminders as the use cases schedule them: persisted jobs the scheduler fires once, by key.

export interface NewReminder {
  /** Idempotency key, unique. */
  key: string;
  /** Which registered handler fires it. */
  kind: string;
  dueAt: number;
  payload?: Record<string, unknown>;
  incidentId?: string;
}

export interface Reminders {
  /** Schedules a reminder unless its key exists. True when it was added. */
  schedule(reminder: NewReminder): Promise<boolean>;
  /** Schedules a reminder; a key that exists is replaced and pending again (a step changed owner, a lead changed). */
  reschedule(reminder: NewReminder): Promise<void>;
  /** Cancels pending reminders by exact key, or every key starting with `prefix`. Returns how many. */
  cancel(which: string | { prefix: string }): Promise<number>;
  /** Cancels the pending reminders of a team's incidents (the workspace was uninstalled). Returns how many. */
  stopTeam(teamId: string, reason: string): Promise<number>;
}

/** A pending reminder as the scheduler fires it. */
export interface DueReminder {
  id: string;
  key: string;
  kind: string;
  payload: Record<string, unknown>;
  incidentId: string | null;
  dueAt: number;
  attempts: number;
}

/** The scheduler's side: firing is a claim (pending → fired) in the transaction that runs the handler. */
export interface ReminderQueue {
  /** Pending reminders of these kinds due by `until`, not waiting out a failed attempt, soonest first. */
  pendingDueBy(until: number, now: number, kinds: readonly string[]): Promise<DueReminder[]>;
  /** Marks it fired if it is still pending and due by `now`: true for exactly one caller. */
  claim(reminder: DueReminder, firing: { now: number; late: boolean }): Promise<boolean>;
  /** After a failed handler: retry at `retryAt`, or give up as failed. */
  recordFailure(reminder: DueReminder, failure: { error: string; retryAt: number; giveUp: boolean }): Promise<void>;
  /** Whether a reminder whose key starts with `prefix` is pending (recurring schedules keep exactly one). */
  hasPendingWithPrefix(prefix: string): Promise<boolean>;
  /** When the soonest pending reminder whose key starts with `prefix` is due; null when none is pending. */
  pendingDueAtWithPrefix(prefix: string): Promise<number | null>;
  /** Pending reminders of kinds other than these, counted by kind. */
  pendingCountsExcept(kinds: readonly string[]): Promise<Record<string, number>>;
}
