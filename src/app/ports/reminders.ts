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
}
