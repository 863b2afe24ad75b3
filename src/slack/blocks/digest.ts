// The digest as Slack shows it: pure, checked against Slack's limits like every message.
import type { SlackMessage } from '../../app/ports/index.js';
import type { DigestInput } from '../../app/digest.js';
import { t, type Locale } from '../../i18n/index.js';
import { channelNameText, context, header, message, section } from './kit.js';

/** One decimal, in the reader's notation ("23,3 %" in Spanish). */
const pct = (share: number | null, locale: Locale) =>
  share === null ? '–' : `${new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(Math.round(share * 1000) / 10)} %`;
const minutes = (ms: number | null) => (ms === null ? '–' : `${Math.round(ms / 60_000)} min`);

export function digestMessage(input: DigestInput): SlackMessage {
  const { locale } = input;
  const title = t(locale, 'ui.digest.title', { days: input.periodDays });
  const channelLines = input.channels.length
    ? input.channels
        .slice(0, 30)
        .map((channel) =>
          t(locale, 'ui.digest.channel', {
            channel: channelNameText(channel.name),
            messages: channel.messages,
            share: pct(channel.messages ? channel.negatives / channel.messages : null, locale),
            usual: pct(channel.usualShare, locale),
          }),
        )
        .join('\n')
    : t(locale, 'ui.digest.no_channels', {});
  const m = input.metrics;
  const metricsLine = t(locale, 'ui.digest.metrics', {
    incidents: m.incidents,
    detect: minutes(m.timeToDetectMs.median),
    detectP90: minutes(m.timeToDetectMs.p90),
    acknowledge: minutes(m.timeToAcknowledgeMs.median),
    acknowledgeP90: minutes(m.timeToAcknowledgeMs.p90),
    firstReply: minutes(m.timeToFirstReplyMs.median),
    firstReplyP90: minutes(m.timeToFirstReplyMs.p90),
    resolve: minutes(m.timeToResolveMs.median),
    resolveP90: minutes(m.timeToResolveMs.p90),
    recovery: minutes(m.timeToRecoveryMs.median),
    repliesPosted: m.repliesPosted,
  });
  const openLine = t(locale, 'ui.digest.open', {
    incidents: input.openIncidents,
    drafts: input.draftsInReview,
    overdueSteps: input.overdueSteps,
    postMortems: input.postMortemsDue,
  });
  return message(title, [header(title), section(channelLines), section(metricsLine), section(openLine), context(t(locale, 'ui.digest.footer', {}))], 'digest');
}
