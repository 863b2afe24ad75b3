// PostMortemViews and FeedbackViews over the Block Kit builders: what the post-mortem effects, and
// feedback on an incident, look like in Slack.
import type { KnownBlock } from '@slack/types';
import type { FeedbackViews, PostMortemViews } from '../app/ports/index.js';
import { t, type Locale } from '../i18n/index.js';
import { actionIds, encodeRef } from './blocks/ids.js';
import { actions, blockQuote, button, context as context_, mention, message, section, slackDate } from './blocks/kit.js';
import { postMortemInviteMessage, postMortemReviewMessage, publishedPostMortemMessage } from './blocks/postmortem.js';
import { threadEventMessage } from './blocks/incident.js';
import { reminderMessage } from './blocks/reminders.js';
import { escapeSlackText } from './text.js';

export const slackPostMortemViews: PostMortemViews = {
  invite(postMortem, context) {
    return postMortemInviteMessage(postMortem.incidentId, context.incidentNumber, postMortem.ownerUserId, postMortem.dueAt, context.locale);
  },
  reviewRequest(postMortem, context) {
    return postMortemReviewMessage(postMortem, context.incidentNumber, context.locale);
  },
  changesRequested(postMortem, context, change) {
    const { locale } = context;
    const owner = postMortem.ownerUserId ? `${mention(postMortem.ownerUserId)} ` : '';
    const intro = `${owner}${t(locale, 'ui.pm.changes_by', { user: mention(change.reviewerUserId) })}`;
    return message(
      intro,
      [
        section(`${intro}\n${blockQuote(escapeSlackText(change.comment), 2500)}`),
        actions([button(t(locale, 'ui.button.postmortem', {}), actionIds.openPostMortem, encodeRef({ i: postMortem.incidentId }), 'primary')]),
      ],
      'post-mortem changes requested',
    );
  },
  reviewClosed(postMortem, context) {
    const { locale } = context;
    const request = postMortemReviewMessage(postMortem, context.incidentNumber, locale);
    const latest = postMortem.reviews.filter((review) => review.round === postMortem.round).at(-1);
    const outcome =
      postMortem.status === 'published' && postMortem.publishedAt !== null
        ? `:white_check_mark: ${t(locale, 'ui.pm.published_at', { at: slackDate(postMortem.publishedAt) })}`
        : latest?.decision === 'request_changes'
          ? t(locale, 'ui.pm.changes_by', { user: mention(latest.reviewerUserId) })
          : '';
    const blocks = ((request.blocks ?? []) as KnownBlock[]).filter((block) => block.type !== 'actions');
    if (outcome) blocks.push(context_(outcome));
    return { text: request.text, blocks };
  },
  reviewerDeactivated(_postMortem, context, change) {
    const text = t(context.locale, 'ui.pm.reviewer_deactivated', { user: mention(change.userId), number: context.incidentNumber, published: change.published });
    return message(text, [section(text)], 'post-mortem reviewer deactivated');
  },
  published(postMortem, context) {
    return publishedPostMortemMessage({ postMortem, incidentNumber: context.incidentNumber, locale: context.locale });
  },
  reminder(postMortem, context, reminder) {
    const { locale } = context;
    const base = reminderMessage(
      {
        reason: reminder.reason,
        recipientUserIds: reminder.recipientUserIds,
        subject: reminder.subject,
        late: reminder.late,
        incidentNumber: context.incidentNumber,
        severity: context.severity,
        ...(reminder.deactivatedUserIds ? { deactivatedUserIds: reminder.deactivatedUserIds, takeOver: reminder.reason } : {}),
      },
      locale,
    );
    const blocks = [...((base.blocks ?? []) as KnownBlock[])];
    if (reminder.reason === 'action_item' && reminder.actionItemId) {
      blocks.push(actions([button(t(locale, 'ui.button.done', {}), actionIds.actionItemDone, encodeRef({ i: postMortem.incidentId, a: reminder.actionItemId }), 'primary')]));
    } else if (reminder.reason === 'postmortem_due') {
      blocks.push(actions([button(t(locale, 'ui.button.postmortem', {}), actionIds.openPostMortem, encodeRef({ i: postMortem.incidentId }), 'primary')]));
    }
    return { text: base.text, blocks };
  },
};

export const slackFeedbackViews: FeedbackViews = {
  threadEvent: (event, locale) => threadEventMessage(event, locale, { formatUser: mention }),
};

/** An action item's reminder once someone did it: its button gives way to who did it and when. */
export function answeredActionItemReminder(reminder: { text: string; blocks: readonly unknown[] }, done: { userId: string; at: number; locale: Locale }): { text: string; blocks: KnownBlock[] } {
  const shown = (reminder.blocks as KnownBlock[]).filter((block) => block.type !== 'actions');
  return { text: reminder.text, blocks: [...shown, context_(`:white_check_mark: ${t(done.locale, 'ui.checklist.done_by', { user: mention(done.userId), at: slackDate(done.at) })}`)] };
}
