// Rows kept only to make delivery exactly-once (event ids, finished outbox items and reminders):
// forgotten once they can no longer matter. And community words kept beside staff feedback: erased
// when the retention period says so.
import type { CorrectionFeatures } from '../../domain/sentiment/corrections.js';

export interface Bookkeeping {
  /** Forgets processed event ids received before `before`; returns how many. */
  pruneProcessedEvents(before: number): Promise<number>;
  /** Deletes outbox items finished before `before`; returns how many. */
  pruneOutbox(before: number): Promise<number>;
  /** Deletes quarantined messages kept before `before` (their payloads quote members); returns how many. */
  pruneQuarantine(before: number): Promise<number>;
  /** Deletes reminders finished before `before`; returns how many. */
  pruneReminders(before: number): Promise<number>;
  /** Feedback given before `before` that still holds message text, oldest first, at most `limit`. */
  feedbackTextsBefore(before: number, limit: number): Promise<{ id: string; target: string; text: string }[]>;
  /** Erases one feedback row's message text, keeping what the sentiment learner needs of it (`features`). */
  eraseFeedbackText(id: string, features: CorrectionFeatures | null): Promise<void>;
  /** Erases the message text that feedback audit entries recorded before `before` quoted; returns how many. */
  eraseFeedbackAuditTexts(before: number): Promise<number>;
}
