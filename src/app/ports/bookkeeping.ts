// Rows kept only to make delivery exactly-once (event ids, finished outbox items and reminders):
// forgotten once they can no longer matter.

export interface Bookkeeping {
  /** Forgets processed event ids received before `before`; returns how many. */
  pruneProcessedEvents(before: number): Promise<number>;
  /** Deletes outbox items finished before `before`; returns how many. */
  pruneOutbox(before: number): Promise<number>;
  /** Deletes reminders finished before `before`; returns how many. */
  pruneReminders(before: number): Promise<number>;
}
