// Slack events between their acknowledgement and the end of their processing. Slack does not send an
// acknowledged event again, so the ack waits for `keep` to commit, and a crash leaves the event here.

export interface InboundEventRecord {
  id: string;
  eventId: string | null;
  /** The envelope as Slack sent it (JSON text). */
  body: string;
  retryNum: number | null;
  retryReason: string | null;
  receivedAt: number;
  /** The instance processing it, until `claimedUntil`. */
  claimedBy: string;
  claimedUntil: number;
  attempts: number;
  /** Why the last attempt did not finish. */
  lastError: string | null;
}

export interface EventInboxRows {
  /** Stores events claimed by their receiver, in one write. */
  keep(events: readonly InboundEventRecord[]): Promise<void>;
  /** Deletes processed events. */
  forget(ids: readonly string[]): Promise<void>;
  /** The oldest events another instance claimed, or `self` claimed until before `now` (a failed attempt). */
  waiting(options: { self: string; now: number; limit: number }): Promise<InboundEventRecord[]>;
  /**
   * Takes over an event if its claim is still the one seen (`from`): true for exactly one of several
   * instances trying at once. Counts the attempt.
   */
  takeOver(id: string, from: { claimedBy: string; claimedUntil: number }, to: { claimedBy: string; claimedUntil: number }): Promise<boolean>;
  /**
   * Gives up `claimedBy`'s claim after a failed attempt, with the reason: the next sweep tries again.
   * `counted: false` gives the attempt back (the failure was not the event's).
   */
  release(id: string, claimedBy: string, lastError: string, options?: { counted?: boolean }): Promise<void>;
}
