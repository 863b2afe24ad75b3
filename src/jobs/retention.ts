// Data retention: community members' words are personal data. Raw message text older than
// MESSAGE_RETENTION_DAYS is erased (and the sample quotes kept in detector buckets with it); scores,
// labels and bucket counts stay, so baselines and metrics survive. What an incident or post-mortem
// quotes is stored with the incident (detection samples, timeline), so it stays with it. Staff
// feedback on a message keeps its text only as long: then only what the sentiment learner needs of it
// (the lexicon's verdict and the lexicon words it scored), so what was learnt survives and undo still works.
// Quarantined messages (raw payloads, members' words included) go at the same age.
import type { Repositories } from '../app/ports/index.js';
import { correctionFeatures } from '../domain/sentiment/corrections.js';
import type { Recurrence, ReminderHandler, Scheduler } from './scheduler.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Slack retries an event within minutes; a week of ids is plenty. */
const PROCESSED_EVENT_DAYS = 7;
/** Finished outbox items and reminders are kept for investigation at least this long. */
const BOOKKEEPING_DAYS = 30;

export const RETENTION_JOB_KIND = 'retention.daily';

export interface RetentionOutcome {
  messagesErased: number;
  bucketsScrubbed: number;
  /** Feedback rows whose message text was erased (and feedback audit entries that quoted it). */
  feedbackTextsErased: number;
  feedbackAuditTextsErased: number;
  processedEventsPruned: number;
  /** Quarantined messages (raw payloads quoting members) older than the retention period. */
  quarantinePruned: number;
  outboxItemsPruned: number;
  remindersPruned: number;
  /** Buckets before this start have been scrubbed: the next run starts here. */
  scrubbedThrough: number;
}

/**
 * Erases what the retention period no longer allows, as of `now`. `scrubbedSince` bounds the
 * bucket scan to what crossed the line since the previous run (undefined: scan everything).
 */
export async function applyRetention(repositories: Repositories, options: { now: number; retentionDays: number; scrubbedSince?: number }): Promise<RetentionOutcome> {
  const { scoredMessages, buckets, bookkeeping } = repositories;
  const cutoff = options.now - options.retentionDays * DAY_MS;
  const messagesErased = await scoredMessages.eraseTextsPostedBefore(cutoff, options.now);
  const bucketsScrubbed = await buckets.eraseSamples(cutoff, options.scrubbedSince !== undefined ? options.scrubbedSince - DAY_MS : undefined);
  const feedbackTextsErased = await eraseFeedbackTexts(bookkeeping, cutoff);
  const feedbackAuditTextsErased = await bookkeeping.eraseFeedbackAuditTexts(cutoff);
  const bookkeepingCutoff = options.now - Math.max(options.retentionDays, BOOKKEEPING_DAYS) * DAY_MS;
  return {
    messagesErased,
    bucketsScrubbed,
    feedbackTextsErased,
    feedbackAuditTextsErased,
    processedEventsPruned: await bookkeeping.pruneProcessedEvents(options.now - PROCESSED_EVENT_DAYS * DAY_MS),
    quarantinePruned: await bookkeeping.pruneQuarantine(cutoff),
    outboxItemsPruned: await bookkeeping.pruneOutbox(bookkeepingCutoff),
    remindersPruned: await bookkeeping.pruneReminders(bookkeepingCutoff),
    scrubbedThrough: cutoff,
  };
}

/** Feedback rows read per round: a backlog is worked through without holding it all in memory. */
const FEEDBACK_BATCH = 200;

async function eraseFeedbackTexts(bookkeeping: Repositories['bookkeeping'], cutoff: number): Promise<number> {
  let erased = 0;
  for (;;) {
    const rows = await bookkeeping.feedbackTextsBefore(cutoff, FEEDBACK_BATCH);
    for (const row of rows) await bookkeeping.eraseFeedbackText(row.id, row.target === 'message' ? correctionFeatures(row.text) : null);
    erased += rows.length;
    if (rows.length < FEEDBACK_BATCH) return erased;
  }
}

/** Registers the daily retention run (03:30 in the team's time zone by default). */
export function registerRetentionJob(
  scheduler: Scheduler,
  options: {
    retentionDays: number;
    /** The repositories bound to a firing's transaction (until the scheduler hands them over itself). */
    repositoriesIn: (tx: Parameters<ReminderHandler>[0]) => Repositories;
    at?: Recurrence;
    onDone?: (outcome: RetentionOutcome) => void;
  },
): void {
  scheduler.registerRecurring({
    kind: RETENTION_JOB_KIND,
    every: options.at ?? { hour: 3, minute: 30 },
    handler: async (tx, firing) => {
      const since = firing.payload['scrubbedThrough'];
      const outcome = await applyRetention(options.repositoriesIn(tx), {
        now: firing.firedAt.getTime(),
        retentionDays: options.retentionDays,
        ...(typeof since === 'number' ? { scrubbedSince: since } : {}),
      });
      options.onDone?.(outcome);
      return { nextPayload: { scrubbedThrough: outcome.scrubbedThrough } };
    },
  });
}
