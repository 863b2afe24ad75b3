// The weekly (and optional daily) digest: per watched channel, messages and negative share against
// the channel's usual share; the period's reputation metrics; what is still open. Posted through the
// outbox in the scheduler's transaction; src/slack/blocks/digest.ts draws it.
import type { Clock } from '../domain/clock.js';
import type { Locale } from '../i18n/index.js';
import type { MetricsAggregate } from '../domain/incidents/index.js';
import type { DigestChannelLine, DigestInput, DigestViews, DigestRepositories } from './ports/index.js';

export type { DigestChannelLine, DigestInput };

export const DIGEST_WEEKLY_KIND = 'digest.weekly';
export const DIGEST_DAILY_KIND = 'digest.daily';

const DAY = 86_400_000;

export interface DigestOptions {
  clock: Clock;
  locale: Locale;
  /** Median and p90 of the reputation metrics over the period (the post-mortem service). */
  aggregate(period: { from: number; to: number; workspaceId?: string }): Promise<MetricsAggregate>;
}

/** Whose digest and where (OAuth installs: one per workspace, its own figures, posted with its own token). */
export interface DigestTarget {
  channelId: string;
  locale: Locale;
  workspaceId?: string;
  teamId?: string;
}

/** Reads the period's figures. */
export async function digestInput(db: DigestRepositories, options: DigestOptions & { periodDays: number; workspaceId?: string }): Promise<DigestInput> {
  const to = options.clock.now();
  const from = to - options.periodDays * DAY;
  const { workspaceId } = options;
  const channels: DigestChannelLine[] = [];
  for (const channel of await db.digest.activeChannels(workspaceId)) {
    const totals = await db.digest.channelTotals(channel.ref, from, to);
    const { detector } = channel;
    channels.push({
      name: channel.name ?? channel.channelId,
      messages: totals.messages,
      negatives: totals.negatives,
      usualShare: detector && detector.bucketsSeen > 0 ? detector.negativeShare : null,
    });
  }
  const metrics = await options.aggregate({ from, to, ...(workspaceId ? { workspaceId } : {}) });
  // Drills are practice: left out of every figure, as of the metrics.
  return { locale: options.locale, periodDays: options.periodDays, channels, metrics, ...(await db.digest.openWork(to, workspaceId)) };
}

/**
 * Posts the digest of the last `periodDays` days: the scheduler's handler for the digest kinds. To
 * `channelId` (single workspace), or to the target given (one workspace's digest, its figures only).
 */
export class DigestService {
  constructor(private readonly options: DigestOptions & { channelId?: string; views: DigestViews }) {}

  async post(tx: DigestRepositories, firing: { key: string }, periodDays: number, target?: DigestTarget): Promise<void> {
    const { clock, views } = this.options;
    const channelId = target?.channelId ?? this.options.channelId;
    if (!channelId) return;
    const input = await digestInput(tx, { ...this.options, ...(target ? { locale: target.locale } : {}), periodDays, ...(target?.workspaceId ? { workspaceId: target.workspaceId } : {}) });
    // The firing's key names its workspace (a scoped schedule), so two workspaces never share an item.
    await tx.outbox.enqueue({ key: `digest:${firing.key}`, method: 'chat.postMessage', payload: { channel: channelId, ...views.digest(input) }, ...(target?.teamId ? { teamId: target.teamId } : {}), now: clock.now() });
  }
}
