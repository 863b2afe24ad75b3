// IncidentViews over the Block Kit builders: what the application's effects look like in Slack.
import type { IncidentView, IncidentViews, SlackMessage } from '../app/ports.js';
import { overviewOf, quorumProgress } from '../domain/incidents/index.js';
import { t } from '../domain/i18n/index.js';
import { draftCard } from './blocks/draft-card.js';
import { checklistMessage, incidentRootMessage, threadEventMessage } from './blocks/incident.js';
import { mention } from './blocks/kit.js';

export const slackIncidentViews: IncidentViews = {
  rootMessage(view: IncidentView): SlackMessage {
    const { state } = view;
    return incidentRootMessage({
      state,
      overview: overviewOf(state, view.policy, view.clock),
      playbookName: view.playbook?.name ?? state.incident.playbookId,
      channelName: view.channelName ?? state.incident.channelId,
      locale: state.incident.locale,
    });
  },
  threadEvent(event, view) {
    return threadEventMessage(event, view.state.incident.locale, { formatUser: mention });
  },
  draftCard(view, draftId) {
    const { state } = view;
    const draft = state.drafts.find((candidate) => candidate.id === draftId);
    if (!draft) return { text: draftId };
    const progress = quorumProgress(state, draft, view.policy.approvals);
    return draftCard(state, draft, { approvedBy: progress.approvedBy, required: progress.required }, state.incident.locale);
  },
  checklist(view) {
    return checklistMessage(view.state, view.state.incident.locale, view.clock);
  },
  reminder(view, reminder) {
    const locale = view.state.incident.locale;
    const who = reminder.recipientUserIds.map(mention).join(' ');
    const text = t(locale, 'timeline.reminder_sent', { recipients: who || '—', subject: reminder.subject });
    return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:alarm_clock: ${text}` } }] };
  },
};
