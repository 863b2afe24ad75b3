// IncidentViews over the Block Kit builders: what the application's effects look like in Slack.
import type { IncidentView, IncidentViews, SlackMessage } from '../app/ports/index.js';
import { overviewOf, quorumProgress } from '../domain/incidents/index.js';
import { playbookName } from '../domain/playbooks/index.js';
import { draftCard } from './blocks/draft-card.js';
import { checklistMessage, incidentRootMessage, threadEventMessage } from './blocks/incident.js';
import { mention } from './blocks/kit.js';
import { drillReplyMessage, reminderMessage } from './blocks/reminders.js';

export { slackUnansweredViews } from './blocks/unanswered.js';

export const slackIncidentViews: IncidentViews = {
  rootMessage(view: IncidentView): SlackMessage {
    const { state } = view;
    return incidentRootMessage({
      state,
      overview: overviewOf(state, view.policy, view.clock),
      playbookName: view.playbook ? playbookName(view.playbook, state.incident.locale) : state.incident.playbookId,
      channelName: view.channelName ?? state.incident.channelId,
      locale: state.incident.locale,
      samplePermalinks: samplePermalinks(state.incident.detection),
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
    const previousText = view.previousTexts?.[draftId];
    const deactivatedApprovers = view.policy.approvals.deactivatedUserIds ?? [];
    return draftCard(state, draft, { approvedBy: progress.approvedBy, required: progress.required, eligibleCount: progress.eligible.length, deactivatedApprovers }, state.incident.locale, previousText ? { previousText } : {});
  },
  checklist(view) {
    return checklistMessage(view.state, view.state.incident.locale, view.clock);
  },
  reminder(view, reminder) {
    const { incident } = view.state;
    return reminderMessage({ ...reminder, incidentNumber: incident.number, severity: incident.severity }, incident.locale);
  },
  drillReply(view, reply) {
    const draft = view.state.drafts.find((candidate) => candidate.id === reply.draftId);
    return drillReplyMessage({ draftNumber: draft?.number ?? 0, text: reply.text, target: reply.target }, view.state.incident.locale);
  },
};

/** Permalinks the watcher stored with detection's sample messages, by message ts. */
function samplePermalinks(detection: unknown): Record<string, string> {
  const samples = (detection as { samples?: { id?: string; permalink?: string | null }[] } | null)?.samples ?? [];
  const links: Record<string, string> = {};
  for (const sample of samples) if (sample.id && sample.permalink) links[sample.id] = sample.permalink;
  return links;
}
