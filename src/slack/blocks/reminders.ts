/** Reminders and escalations in the incident thread, and a drill's approved reply (which never reaches the community). */
import type { KnownBlock } from '@slack/types';
import { t, type Locale } from '../../i18n/index.js';
import type { ReplyTarget, Severity } from '../../domain/incidents/index.js';
import { escapeSlackText } from '../text.js';
import { channelLink, context, fit, inertStaffText, mention, message, section, severityName, wholeQuoteSections, type SlackMessage } from './kit.js';

export interface ReminderInput {
  /** The domain's ReminderReason: acknowledge, checklist_step, postmortem_due, action_item. */
  readonly reason: string;
  readonly recipientUserIds: readonly string[];
  /** What it is about (a step's or action item's text). */
  readonly subject: string;
  /** Fired well after its time (Firebreak was down or failing over). */
  readonly late: boolean;
  readonly incidentNumber: number;
  readonly severity: Severity;
  /** The accounts it was for that Slack deactivated: said first, so whoever it reaches instead knows why. */
  readonly deactivatedUserIds?: readonly string[];
  /** The lead's account is among them (or the incident has no lead): asks someone to take the lead. */
  readonly leadGone?: boolean;
  /** A post-mortem's reminder: whoever it reaches instead is asked to take over that work. */
  readonly takeOver?: 'postmortem_due' | 'action_item';
}

export function reminderMessage(reminder: ReminderInput, locale: Locale): SlackMessage {
  const who = reminder.recipientUserIds.length > 0 ? reminder.recipientUserIds.map(mention).join(' ') : t(locale, 'ui.reminder.everyone', {});
  const subject = fit(escapeSlackText(reminder.subject), 500);
  const params = { who, number: reminder.incidentNumber, severity: severityName(reminder.severity), subject };
  const line =
    reminder.reason === 'acknowledge'
      ? `:rotating_light: ${t(locale, 'ui.reminder.acknowledge', params)}`
      : reminder.reason === 'checklist_step'
        ? `:alarm_clock: ${t(locale, 'ui.reminder.checklist_step', params)}`
        : reminder.reason === 'postmortem_due'
          ? `:memo: ${t(locale, 'ui.reminder.postmortem_due', params)}`
          : reminder.reason === 'action_item'
            ? `:alarm_clock: ${t(locale, 'ui.reminder.action_item', params)}`
            : `:alarm_clock: ${t(locale, 'ui.reminder.other', params)}`;
  const gone = reminder.deactivatedUserIds ?? [];
  const blocks: KnownBlock[] = [section(line)];
  if (gone.length > 0) {
    const users = gone.map(mention).join(', ');
    const said = reminder.takeOver ? t(locale, `ui.reminder.deactivated_${reminder.takeOver}`, { users }) : t(locale, 'ui.reminder.deactivated', { users, lead: reminder.leadGone === true });
    blocks.push(section(`:bust_in_silhouette: ${said}`));
  }
  if (reminder.late) blocks.push(context(t(locale, 'ui.reminder.late', {})));
  return message(line, blocks, `reminder (${reminder.reason})`);
}

/**
 * A drill's approved reply, posted in the alert thread instead of the community: labelled, with where
 * it would have gone, and inert so a reply addressed to the community cannot ping the staff channel.
 */
export function drillReplyMessage(reply: { readonly draftNumber: number; readonly text: string; readonly target: ReplyTarget }, locale: Locale): SlackMessage {
  const where =
    reply.target.kind === 'thread'
      ? t(locale, 'ui.drill.where_thread', { channel: channelLink(reply.target.channelId) })
      : t(locale, 'ui.drill.where_channel', { channel: channelLink(reply.target.channelId) });
  const intro = t(locale, 'ui.drill.reply', { number: reply.draftNumber, where });
  return message(intro, [section(`:test_tube: ${intro}`), ...wholeQuoteSections(inertStaffText(reply.text))], 'drill reply');
}
