// Data retention: community members' words are personal data. Raw message text older than
// MESSAGE_RETENTION_DAYS is erased (and the sample quotes kept in detector buckets with it); scores,
// labels and bucket counts stay, so baselines and metrics survive. What an incident or post-mortem
// quotes is stored with the incident (detection samples, timeline), so it stays with it.
import type { Db } from '../store/repositories/events.js';
import { pruneProcessedEvents } from '../store/repositories/events.js';
import { pruneOutbox } from '../store/repositories/outbox.js';
import { pruneReminders } from '../store/repositories/reminders.js';
import type { Recurrence, Scheduler } from './scheduler.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Slack retries an event within minutes; a week of ids is plenty. */
const PROCESSED_EVENT_DAYS = 7;
/** Finished outbox items and reminders are kept for investigation at least this long. */
const BOOKKEEPING_DAYS = 30;

export const RETENTION_JOB_KIND = 'retention.daily';

export interface RetentionOutcome {
  messagesErased: number;
  bucketsScrubbed: number;
  processedEventsPruned: number;
  outboxItemsPruned: number;
  remindersPruned: number;
  /** Buckets before this start have been scrubbed: the next run starts here. */
  scrubbedThrough: number;
}

/**
 * Erases what the retention period no longer allows, as of `now`. `scrubbedSince` bounds the
 * bucket scan to what crossed the line since the previous run (undefined: scan everything).
 */
export async function applyRetention(db: Db, options: { now: number; retentionDays: number; scrubbedSince?: number }): Promise<RetentionOutcome> {
  const cutoff = new Date(options.now - options.retentionDays * DAY_MS);
  const erasedAt = new Date(options.now);
  const { count: messagesErased } = await db.scoredMessage.updateMany({
    where: { postedAt: { lt: cutoff }, text: { not: null } },
    data: { text: null, textErasedAt: erasedAt },
  });
  let bucketsScrubbed = 0;
  const buckets = await db.channelBucket.findMany({
    where: { start: { lt: cutoff, ...(options.scrubbedSince !== undefined ? { gte: new Date(options.scrubbedSince - DAY_MS) } : {}) } },
    select: { id: true, data: true },
  });
  for (const bucket of buckets) {
    const data = bucket.data as Record<string, unknown> | null;
    if (!data || typeof data !== 'object' || !('samples' in data)) continue;
    const { samples: _erased, ...kept } = data;
    await db.channelBucket.update({ where: { id: bucket.id }, data: { data: kept as object } });
    bucketsScrubbed += 1;
  }
  const bookkeepingCutoff = options.now - Math.max(options.retentionDays, BOOKKEEPING_DAYS) * DAY_MS;
  return {
    messagesErased,
    bucketsScrubbed,
    processedEventsPruned: await pruneProcessedEvents(db, options.now - PROCESSED_EVENT_DAYS * DAY_MS),
    outboxItemsPruned: await pruneOutbox(db, bookkeepingCutoff),
    remindersPruned: await pruneReminders(db, bookkeepingCutoff),
    scrubbedThrough: cutoff.getTime(),
  };
}

/** Registers the daily retention run (03:30 in the team's time zone by default). */
export function registerRetentionJob(scheduler: Scheduler, options: { retentionDays: number; at?: Recurrence; onDone?: (outcome: RetentionOutcome) => void }): void {
  scheduler.registerRecurring({
    kind: RETENTION_JOB_KIND,
    every: options.at ?? { hour: 3, minute: 30 },
    handler: async (tx, firing) => {
      const since = firing.payload['scrubbedThrough'];
      const outcome = await applyRetention(tx, {
        now: firing.firedAt.getTime(),
        retentionDays: options.retentionDays,
        ...(typeof since === 'number' ? { scrubbedSince: since } : {}),
      });
      options.onDone?.(outcome);
      return { nextPayload: { scrubbedThrough: outcome.scrubbedThrough } };
    },
  });
}
