// The unanswered-message reminder: who is asked, and the member messages quoted (inert, short, linked).
import type { UnansweredReminder, UnansweredViews } from '../../app/ports/index.js';
import { t } from '../../i18n/index.js';
import { escapeSlackText, truncateSlackText } from '../text.js';
import { channelNameText, link } from './kit.js';

export function unansweredReminderMessage(reminder: UnansweredReminder): { text: string } {
  const who = reminder.recipientUserIds.map((id) => `<@${id}>`).join(' ');
  const listed = reminder.messages.map((message) => {
    const quote = truncateSlackText(escapeSlackText(message.text ?? ''), 200);
    // An /ingest source's link is the source's text: only a plain web link is linked (a ">" or "|" in it could end the link and ping).
    return `• ${link(message.permalink ?? undefined, quote || '…') || quote}`;
  });
  const more = reminder.total > reminder.messages.length ? `\n…+${reminder.total - reminder.messages.length}` : '';
  const text = t(reminder.locale, 'unanswered.reminder', { who, count: reminder.total, channel: channelNameText(reminder.channelName), minutes: reminder.afterMinutes, list: `${listed.join('\n')}${more}` });
  return { text: truncateSlackText(text, 3000) };
}

export const slackUnansweredViews: UnansweredViews = { reminder: unansweredReminderMessage };
