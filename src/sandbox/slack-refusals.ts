// Slack's refusals of what a persona did on the page (a message over 40,000 characters, one in an
// archived channel), said in the page's language. Slack's own code stays visible, as Slack's client
// shows it, so it can be looked up; the English details stay in `message` for logs.
import { t, type Locale } from '../i18n/index.js';

/** The loopback Slack's error as the sandbox gets it: Slack's code and the figures behind it. */
interface SlackRefusal {
  error: string;
  facts?: Readonly<Record<string, string>>;
}

export function isSlackRefusal(error: unknown): error is SlackRefusal {
  return typeof (error as { error?: unknown } | null)?.error === 'string';
}

/** Why Slack refused, in `locale`; undefined for a code the page's actions do not meet (then the code alone). */
function reason(locale: Locale, refusal: SlackRefusal): string | undefined {
  const facts = refusal.facts ?? {};
  switch (refusal.error) {
    case 'msg_too_long':
      return t(locale, 'sandbox.slack.msg_too_long', { length: facts['length'] ?? '?', limit: facts['limit'] ?? '40000' });
    case 'no_text':
      return t(locale, 'sandbox.slack.no_text', {});
    case 'not_in_channel':
      return t(locale, 'sandbox.slack.not_in_channel', {});
    case 'is_archived':
      return t(locale, 'sandbox.slack.is_archived', {});
    case 'channel_not_found':
      return t(locale, 'sandbox.slack.channel_not_found', {});
    case 'thread_not_found':
    case 'invalid_thread_ts':
      return t(locale, 'sandbox.slack.thread_not_found', {});
    default:
      return undefined;
  }
}

/** "Slack refused it (msg_too_long): …" in `locale`. */
export function slackRefusalText(locale: Locale, refusal: SlackRefusal): string {
  const why = reason(locale, refusal);
  return why === undefined ? t(locale, 'sandbox.slack.refused_code', { code: refusal.error }) : t(locale, 'sandbox.slack.refused', { code: refusal.error, reason: why });
}
