// The digest as Slack shows it: pure, checked against Slack's limits like every message.
import type { SlackMessage } from '../../app/ports/index.js';
import type { DigestInput } from '../../app/digest.js';
import { context, header, message, section } from './kit.js';

const pct = (share: number | null) => (share === null ? '–' : `${Math.round(share * 1000) / 10} %`);
const minutes = (ms: number | null) => (ms === null ? '–' : `${Math.round(ms / 60_000)} min`);

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

