// The weekly (and optional daily) digest: per watched channel, messages and negative share against
// the channel's usual share; incidents of the period and their reputation metrics; what is still open.
import type { Clock } from '../domain/clock.js';
import type { DetectorState } from '../domain/detection/detector.js';
import type { Locale } from '../domain/i18n/index.js';
import type { MetricsAggregate } from '../domain/incidents/index.js';
import type { Db } from '../store/repositories/events.js';
import { context, header, message, section } from '../slack/blocks/kit.js';
import type { SlackMessage } from './ports.js';

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

const pct = (share: number | null) => (share === null ? '–' : `${Math.round(share * 1000) / 10} %`);
const minutes = (ms: number | null) => (ms === null ? '–' : `${Math.round(ms / 60_000)} min`);

/** The digest message: pure, checked against Slack's limits like every message. */
export function digestMessage(input: DigestInput): SlackMessage {
  const es = input.locale === 'es';
  const title = es ? `Resumen de los últimos ${input.periodDays} días` : `Digest of the last ${input.periodDays} days`;
  const channelLines = input.channels.length
    ? input.channels
        .slice(0, 30)
        .map((channel) => {
          const share = channel.messages ? channel.negatives / channel.messages : null;
          return es
            ? `• *#${channel.name}*: ${channel.messages} mensajes, ${pct(share)} negativos (habitual ${pct(channel.usualShare)})`
            : `• *#${channel.name}*: ${channel.messages} messages, ${pct(share)} negative (usual ${pct(channel.usualShare)})`;
        })
        .join('\n')
    : es
      ? 'No hay canales vigilados.'
      : 'No watched channels.';
  const m = input.metrics;
  const metricsLine = es
    ? `*${m.incidents} incidentes.* Mediana (p90): detectar ${minutes(m.timeToDetectMs.median)} (${minutes(m.timeToDetectMs.p90)}), confirmar ${minutes(m.timeToAcknowledgeMs.median)} (${minutes(m.timeToAcknowledgeMs.p90)}), primera respuesta aprobada ${minutes(m.timeToFirstReplyMs.median)} (${minutes(m.timeToFirstReplyMs.p90)}), resolver ${minutes(m.timeToResolveMs.median)} (${minutes(m.timeToResolveMs.p90)}), recuperación ${minutes(m.timeToRecoveryMs.median)}. Respuestas publicadas: ${m.repliesPosted}.`
    : `*${m.incidents} incidents.* Median (p90): detect ${minutes(m.timeToDetectMs.median)} (${minutes(m.timeToDetectMs.p90)}), acknowledge ${minutes(m.timeToAcknowledgeMs.median)} (${minutes(m.timeToAcknowledgeMs.p90)}), first approved reply ${minutes(m.timeToFirstReplyMs.median)} (${minutes(m.timeToFirstReplyMs.p90)}), resolve ${minutes(m.timeToResolveMs.median)} (${minutes(m.timeToResolveMs.p90)}), recovery ${minutes(m.timeToRecoveryMs.median)}. Replies posted: ${m.repliesPosted}.`;
  const openLine = es
    ? `*Pendiente:* ${input.openIncidents} incidentes abiertos, ${input.draftsInReview} respuestas por aprobar, ${input.overdueSteps} pasos vencidos, ${input.postMortemsDue} post-mortems por escribir.`
    : `*Still open:* ${input.openIncidents} open incidents, ${input.draftsInReview} replies awaiting approval, ${input.overdueSteps} overdue steps, ${input.postMortemsDue} post-mortems to write.`;
  return message(
    title,
    [header(title), section(channelLines), section(metricsLine), section(openLine), context(es ? 'Firebreak · resumen automático' : 'Firebreak · automatic digest')],
    'digest',
  );
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
    openIncidents: await db.incident.count({ where: { status: { not: 'resolved' } } }),
    draftsInReview: await db.replyDraft.count({ where: { status: { in: ['pending', 'changes_requested'] }, incident: { status: { not: 'resolved' } } } }),
    overdueSteps: await db.checklistItem.count({ where: { doneAt: null, skippedAt: null, dueAt: { lt: now }, incident: { status: { not: 'resolved' } } } }),
    postMortemsDue: await db.postMortem.count({ where: { status: { not: 'published' } } }),
  };
}
