/** One human line per timeline event, in any locale, rendered from the event's data. */
import { t, type Locale } from '../../i18n/index.js';
import type { JsonObject, TimelineEvent } from './types.js';

export interface DescribeOptions {
  /** How to show a staff member; Slack mentions by default, display names in exports. */
  readonly formatUser?: (userId: string) => string;
  /** How to show the author of a quoted community message (exports pseudonymise here). */
  readonly formatMember?: (userId: string | null, name: string | null) => string;
  /** How to show a channel where a reply will be posted; a Slack channel link by default, its name in exports. */
  readonly formatChannel?: (channelId: string) => string;
}

const str = (data: JsonObject, key: string): string => {
  const value = data[key];
  return typeof value === 'string' ? value : '';
};
const num = (data: JsonObject, key: string): number => {
  const value = data[key];
  return typeof value === 'number' ? value : 0;
};
const strings = (data: JsonObject, key: string): string[] => {
  const value = data[key];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
};

/** A baseline's expected count as the alert shows it: under one, two significant digits (0,09), never "0". */
function expectedCount(expected: number, locale: Locale): string {
  const options = expected < 1 ? { maximumSignificantDigits: 2 } : { maximumFractionDigits: 1 };
  return new Intl.NumberFormat(locale, options).format(expected);
}

/** A detection window as people say it: "30 s", "2 min" (windows shorter than a minute are common). */
function windowLength(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  return seconds < 60 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
}

/**
 * A member's words quoted inside one of our lines: one line, without direction controls, so they
 * cannot add lines that read as Firebreak's own or turn the rest of the line around.
 */
function inlineQuote(text: string): string {
  return text.replace(/[\u202a-\u202e\u2066-\u2069]/g, '').replace(/\s+/g, ' ').trim();
}

/** Where an approved reply will be posted, from its event's data (absent in events recorded before it was stored). */
function postTarget(data: JsonObject, formatChannel: (channelId: string) => string): { channel: string; drill: boolean } {
  const id = str(data, 'channelId');
  return { channel: /^[CG][A-Z0-9]+$/.test(id) ? formatChannel(id) : '', drill: data['drill'] === true };
}

/**
 * A quorum_met event whose line is the approval's own (the approval that reached the quorum says it
 * will be posted): stored for the audit and the export's data, but given no line of its own.
 */
export function isFoldedIntoApproval(event: TimelineEvent): boolean {
  return event.kind === 'quorum_met' && event.data['withApproval'] === true;
}

export function describeTimelineEvent(event: TimelineEvent, locale: Locale, options: DescribeOptions = {}): string {
  const formatUser = options.formatUser ?? ((id: string) => `<@${id}>`);
  const formatMember =
    options.formatMember ??
    ((id: string | null, name: string | null) => name ?? (id ? `<@${id}>` : t(locale, 'timeline.unknown_member', {})));
  const formatChannel = options.formatChannel ?? ((id: string) => `<#${id}>`);
  const user = event.actorUserId ? formatUser(event.actorUserId) : t(locale, 'timeline.firebreak', {});
  const list = (ids: string[]) => (ids.length > 0 ? ids.map(formatUser).join(', ') : t(locale, 'timeline.nobody', {}));
  const d = event.data;
  const draftNumber = num(d, 'draftNumber');
  const comment = event.kind === 'draft_rejected' || event.kind === 'draft_changes_requested' ? str(d, 'comment') : '';

  switch (event.kind) {
    case 'detected':
      return t(locale, 'timeline.detected', {});
    case 'opened':
      return t(locale, 'timeline.opened', { severity: str(d, 'severity'), drill: d['drill'] === true });
    case 'alert_posted':
      return t(locale, 'timeline.alert_posted', {});
    case 'alert_raised_again': {
      const held = str(d, 'heldChannelId');
      const heldChannel = /^[CGD][A-Z0-9]+$/.test(held) ? `<#${held}>` : `#${held.replace(/^#/, '')}`;
      // Slack would not take it in its alerts channel (archived, deleted, the bot not in it), or that channel is a watched one.
      return t(locale, d['reason'] === 'alerts_channel_unusable' ? 'timeline.alert_raised_elsewhere' : 'timeline.alert_raised_again', { heldChannel });
    }
    case 'acknowledged':
      return t(locale, 'timeline.acknowledged', { user });
    case 'lead_changed': {
      const from = str(d, 'fromUserId');
      return t(locale, 'timeline.lead_changed', { user, from: from ? formatUser(from) : t(locale, 'timeline.nobody', {}) });
    }
    case 'lead_deactivated':
      return t(locale, 'timeline.lead_deactivated', { user: formatUser(str(d, 'userId')), ask: list(strings(d, 'askUserIds')) });
    case 'severity_changed':
      return t(locale, 'timeline.severity_changed', { user, from: str(d, 'from'), to: str(d, 'to') });
    case 'draft_created':
      return t(locale, 'timeline.draft_created', { user, draftNumber });
    case 'draft_edited':
      return t(locale, 'timeline.draft_edited', {
        user,
        draftNumber,
        revision: num(d, 'toRevision'),
        voided: strings(d, 'voidedDecisionsBy').length,
      });
    case 'draft_approved': {
      const approved = { user, draftNumber, revision: num(d, 'revision'), approvals: num(d, 'approvals'), required: num(d, 'required') };
      // The approval that reached the quorum also says the reply will be posted, and where (its quorum_met line is not shown).
      return d['quorumMet'] === true ? t(locale, 'timeline.draft_approved_quorum', { ...approved, ...postTarget(d, formatChannel) }) : t(locale, 'timeline.draft_approved', approved);
    }
    case 'draft_changes_requested':
      return t(locale, 'timeline.draft_changes_requested', { user, draftNumber, comment });
    case 'draft_rejected':
      return t(locale, 'timeline.draft_rejected', { user, draftNumber, comment });
    case 'approval_voided':
      return t(locale, 'timeline.approval_voided', { user: formatUser(str(d, 'userId')), draftNumber, backToPending: d['backToPending'] === true });
    case 'approver_deactivated':
    case 'approver_reactivated': {
      const replies = (key: string) => (Array.isArray(d[key]) ? (d[key] as unknown[]) : []).map((n) => `#${String(n)}`).join(', ');
      const key = event.kind === 'approver_deactivated' ? 'timeline.approver_deactivated' : 'timeline.approver_reactivated';
      return t(locale, key, { user: formatUser(str(d, 'userId')), drafts: replies('draftNumbers'), unreachable: replies('unreachable'), approvedByAll: replies('approvedByAll') });
    }
    case 'quorum_met':
      return t(locale, 'timeline.quorum_met', { draftNumber, approvers: list(strings(d, 'approverUserIds')), ...postTarget(d, formatChannel) });
    case 'reply_posted':
      return t(locale, 'timeline.reply_posted', { draftNumber, drill: d['drill'] === true });
    case 'reply_not_posted':
      return t(locale, 'timeline.reply_not_posted', { draftNumber, reason: str(d, 'reason'), uncertain: d['uncertain'] === true });
    case 'draft_closed_unsent':
      return t(locale, 'timeline.draft_closed_unsent', { draftNumber });
    case 'checklist_ticked':
      return t(locale, 'timeline.checklist_ticked', { user, step: str(d, 'step') || str(d, 'stepId') });
    case 'checklist_unticked':
      return t(locale, 'timeline.checklist_unticked', { user, step: str(d, 'step') || str(d, 'stepId') });
    case 'checklist_skipped':
      return t(locale, 'timeline.checklist_skipped', { user, step: str(d, 'step') || str(d, 'stepId') });
    case 'reminder_sent':
      return t(locale, 'timeline.reminder_sent', { recipients: list(strings(d, 'recipientUserIds')), subject: event.text ?? '' });
    case 'escalation_sent':
      return t(locale, 'timeline.escalation_sent', { recipients: list(strings(d, 'recipientUserIds')), subject: event.text ?? '' });
    case 'detection_escalated':
      return t(locale, 'timeline.detection_escalated', {
        observed: Number(d['observed'] ?? 0),
        expected: expectedCount(Number(d['expected'] ?? 0), locale),
        window: windowLength(Number(d['windowEnd'] ?? 0) - Number(d['windowStart'] ?? 0)),
      });
    case 'note_added':
      return t(locale, 'timeline.note_added', { user });
    case 'message_added': {
      const authorId = str(d, 'authorUserId') || null;
      const authorName = str(d, 'authorName') || null;
      // Its author deleted it since: the line says so, and nothing of its words is left to quote. Edited
      // since: the line quotes the latest words, and says they are not the ones staff added.
      const key = d['deleted'] === true ? 'timeline.message_added_deleted' : d['edited'] === true ? 'timeline.message_added_edited' : 'timeline.message_added';
      return t(locale, key, { user, author: formatMember(authorId, authorName) });
    }
    case 'feedback_given':
      return t(locale, 'timeline.feedback_given', { user, verdict: str(d, 'verdict'), excerpt: inlineQuote(str(d, 'excerpt')) });
    case 'feedback_undone': {
      // Undo let the same person's earlier verdict count again: the line says which one counts now.
      const earlierBy = str(d, 'restoredUserId');
      const earlier = earlierBy ? str(d, 'restoredVerdict') : '';
      return t(locale, 'timeline.feedback_undone', { user, verdict: str(d, 'verdict'), excerpt: inlineQuote(str(d, 'excerpt')), earlier, earlierBy: earlierBy ? formatUser(earlierBy) : '', earlierSame: earlierBy === event.actorUserId });
    }
    case 'resolved':
      return t(locale, 'timeline.resolved', { user });
    case 'reopened':
      return t(locale, 'timeline.reopened', { user });
  }
}
