// What the application needs from the Slack side, as plain data: messages to post, rendered by the
// Block Kit builders. The application decides; these only draw.
import type { Clock } from '../../domain/clock.js';
import type { IncidentPolicy, IncidentState, ReplyTarget, TimelineEvent } from '../../domain/incidents/index.js';
import type { Playbook } from '../../domain/playbooks/index.js';

export interface SlackMessage {
  text: string;
  blocks?: unknown[];
}

/** Everything a view of one incident may show. */
export interface IncidentView {
  state: IncidentState;
  playbook: Playbook | undefined;
  policy: IncidentPolicy;
  /** The community channel's name, when known (`#support`). */
  channelName: string | null;
  clock: Clock;
  /** The text before the latest edit, per draft id, when this decision edited a draft. */
  previousTexts?: Readonly<Record<string, string>>;
}

export interface IncidentViews {
  rootMessage(view: IncidentView): SlackMessage;
  threadEvent(event: TimelineEvent, view: IncidentView): SlackMessage;
  draftCard(view: IncidentView, draftId: string): SlackMessage;
  checklist(view: IncidentView): SlackMessage;
  /** `deactivatedUserIds`: the accounts it was for that Slack deactivated (it goes to `recipientUserIds` instead); `leadGone`: the lead's among them. */
  reminder(view: IncidentView, reminder: { reason: string; recipientUserIds: readonly string[]; subject: string; late: boolean; deactivatedUserIds?: readonly string[]; leadGone?: boolean }): SlackMessage;
  /** A drill's approved reply, shown in the alert thread instead of reaching the community. */
  drillReply(view: IncidentView, reply: { draftId: string; text: string; target: ReplyTarget }): SlackMessage;
}
