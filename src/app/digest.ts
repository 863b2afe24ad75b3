// The weekly (and optional daily) digest's figures: per watched channel, messages and negative share
// against the channel's usual share; the period's reputation metrics; what is still open.
// src/slack/blocks/digest.ts draws them.
import type { Clock } from '../domain/clock.js';
import type { DetectorState } from '../domain/detection/detector.js';
import type { Locale } from '../i18n/index.js';
import type { MetricsAggregate } from '../domain/incidents/index.js';
import type { Db } from '../store/repositories/events.js';

export const DIGEST_WEEKLY_KIND = 'digest.weekly';
export const DIGEST_DAILY_KIND = 'digest.daily';

export interface DigestChannelLine {
  name: string;
  messages: number;
  negatives: number;
  usualShare: number | null;
}

export interface DigestInput {
  locale: Locale;
  periodDays: number;
  channels: DigestChannelLine[];
  metrics: MetricsAggregate;
  openIncidents: number;
  draftsInReview: number;
  overdueSteps: number;
  postMortemsDue: number;
}

/** Reads the period's figures from the store. */
export async function digestInput(
  db: Db,
  options: { clock: Clock; locale: Locale; periodDays: number; aggregate(period: { from: number; to: number }): Promise<MetricsAggregate> },
): Promise<DigestInput> {
  const to = options.clock.now();
  const from = to - options.periodDays * 86_400_000;
  const channels: DigestChannelLine[] = [];
  for (const channel of await db.watchedChannel.findMany({ where: { active: true }, orderBy: { name: 'asc' } })) {
    const totals = await db.channelBucket.aggregate({ where: { channelRef: channel.id, start: { gte: new Date(from), lt: new Date(to) } }, _sum: { messages: true, negatives: true } });
    const detector = channel.detectorState as DetectorState | null;
    channels.push({
      name: channel.name ?? channel.channelId,
      messages: totals._sum.messages ?? 0,
      negatives: totals._sum.negatives ?? 0,
      usualShare: detector && detector.bucketsSeen > 0 ? detector.negativeShare : null,
    });
  }
  const now = new Date(to);
  return {
    locale: options.locale,
    periodDays: options.periodDays,
    channels,
    metrics: await options.aggregate({ from, to }),
    // Drills are practice: left out of every figure, as of the metrics.
    openIncidents: await db.incident.count({ where: { status: { not: 'resolved' }, drill: false } }),
    draftsInReview: await db.replyDraft.count({ where: { status: { in: ['pending', 'changes_requested'] }, incident: { status: { not: 'resolved' }, drill: false } } }),
    overdueSteps: await db.checklistItem.count({ where: { doneAt: null, skippedAt: null, dueAt: { lt: now }, incident: { status: { not: 'resolved' }, drill: false } } }),
    postMortemsDue: await db.postMortem.count({ where: { status: { not: 'published' }, incident: { drill: false } } }),
  };
}
