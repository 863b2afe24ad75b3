// The weekly (and optional daily) digest: per watched channel, messages and negative share against
// the channel's usual share; the period's reputation metrics; what is still open. Posted through the
// outbox in the scheduler's transaction; src/slack/blocks/digest.ts draws it.
import type { Clock } from '../domain/clock.js';
import type { Locale } from '../i18n/index.js';
import type { MetricsAggregate } from '../domain/incidents/index.js';
import { t } from '../i18n/index.js';
import type { DigestChannelLine, DigestInput, DigestViews, DigestRepositories, OutboxWriter, Store } from './ports/index.js';
import { DIGEST_DROPPED } from './ports/outbox.js';

export type { DigestChannelLine, DigestInput };

export const DIGEST_WEEKLY_KIND = 'digest.weekly';
export const DIGEST_DAILY_KIND = 'digest.daily';

const DAY = 86_400_000;
/** Every digest's outbox key starts so (then the firing's key, which names its workspace). */
const DIGEST_KEY = 'digest:';

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
    await tx.outbox.enqueue({ key: `${DIGEST_KEY}${firing.key}`, method: 'chat.postMessage', payload: { channel: channelId, ...views.digest(input) }, ...(target?.teamId ? { teamId: target.teamId } : {}), now: clock.now() });
  }

  /**
   * Digests waiting for a channel Slack would not take them in (deleted, archived, the bot removed)
   * while digests now go to another channel (the alerts channel was changed): each is dropped — a digest
   * is a summary and the next one comes on schedule; incidents are raised in the new channel on their
   * own — with one line in the new channel saying which digest was not posted and why. Only the caller
   * that closes a digest writes its line (two instances, a repeated change). How many were dropped.
   */
  async dropStranded(store: Store<{ outbox: Pick<OutboxWriter, 'enqueue' | 'waitingByKey' | 'closeWaiting'> }>, target: Pick<DigestTarget, 'channelId' | 'locale' | 'teamId'>): Promise<number> {
    let dropped = 0;
    for (const waiting of await store.direct.outbox.waitingByKey(DIGEST_KEY, target.teamId)) {
      // Still the channel digests go to: it goes out once Slack takes it there again (unarchived, the bot invited).
      if (waiting.channelId === target.channelId) continue;
      const closed = await store.transaction(async (tx) => {
        if (!(await tx.outbox.closeWaiting(waiting.key, DIGEST_DROPPED))) return false;
        const channel = waiting.channelId && /^[CG][A-Z0-9]+$/.test(waiting.channelId) ? `<#${waiting.channelId}>` : `#${waiting.channelId ?? '?'}`;
        const text = t(target.locale, 'digest.dropped', { channel, date: new Date(waiting.createdAt).toISOString().slice(0, 10) });
        await tx.outbox.enqueue({ key: `digest-dropped:${waiting.key}`, method: 'chat.postMessage', payload: { channel: target.channelId, text }, ...(target.teamId ? { teamId: target.teamId } : {}), now: this.options.clock.now() });
        return true;
      });
      if (closed) dropped += 1;
    }
    return dropped;
  }
}
