/**
 * The incident aggregate as plain data. The store maps its rows onto these types; the domain never
 * sees a row, a Slack payload or a playbook file. Times are epoch milliseconds from the injected Clock.
 */
import type { Locale } from '../../i18n/index.js';
import type { PreflightWarning } from './preflight.js';

export type Severity = 'sev1' | 'sev2' | 'sev3' | 'sev4';
export const SEVERITIES: readonly Severity[] = ['sev1', 'sev2', 'sev3', 'sev4'];

export type IncidentStatus = 'open' | 'acknowledged' | 'resolved';

/** Anything JSON can carry: detection explanations and timeline data stay opaque to the incident core. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface Incident {
  readonly id: string;
  /** Human-facing sequence number ("Incident #12"). */
  readonly number: number;
  readonly status: IncidentStatus;
  readonly severity: Severity;
  readonly playbookId: string;
  /** Hash of the playbook version the incident runs under, so a later playbook edit cannot rewrite history. */
  readonly playbookHash: string;
  /** The community channel that turned negative. */
  readonly channelId: string;
  readonly leadUserId: string | null;
  readonly openedAt: number;
  readonly detectedAt: number;
  /** Start of the first abnormal bucket; null when detection could not tell. */
  readonly firstAbnormalAt: number | null;
  readonly acknowledgedAt: number | null;
  readonly resolvedAt: number | null;
  readonly resolutionSummary: string | null;
  /** Detection's own explanation (scores, thresholds, sample messages), carried as-is. */
  readonly detection: JsonValue;
  /** A drill runs the whole workflow but never posts to the community and is left out of aggregates. */
  readonly drill: boolean;
  /** Language of the texts Firebreak writes for this incident (thread, timeline, exports). */
  readonly locale: Locale;
}

export interface ChecklistItem {
  /** The playbook step id; unique within an incident. */
  readonly stepId: string;
  readonly text: string;
  /** Required steps must be done or skipped (with a reason) before the incident can be resolved. */
  readonly required: boolean;
  /** The playbook role that owns the step ('lead', 'approvers', 'legal'…), for display; null if none. */
  readonly ownerRole: string | null;
  /** Who is reminded. For the 'lead' role this follows whoever leads the incident. */
  readonly ownerUserId: string | null;
  readonly dueAt: number | null;
  readonly doneAt: number | null;
  readonly doneByUserId: string | null;
  readonly skippedAt: number | null;
  readonly skippedByUserId: string | null;
  readonly skipReason: string | null;
}

/** Reply in the thread of one member's message, or a new message in the channel. */
export type ReplyTarget =
  | { readonly kind: 'thread'; readonly channelId: string; readonly messageTs: string }
  | { readonly kind: 'channel'; readonly channelId: string };

/**
 * pending → approved (quorum met, post queued) → posted.
 * pending → changes_requested → (edit) → pending. pending|changes_requested → rejected (final).
 */
/**
 * `not_posted`: approved, but the outbox gave up for good (Slack refused it, or the last gate held it);
 * nothing reached the community. `unconfirmed`: the same, after an attempt Slack never answered, so an
 * earlier attempt may have landed. Both are final: a new draft is the way to try again.
 */
/**
 * `closed_unsent`: still waiting for approval when the incident was resolved; never posted, and final
 * (a reopened incident drafts anew).
 */
export type DraftStatus = 'pending' | 'changes_requested' | 'rejected' | 'approved' | 'posted' | 'not_posted' | 'unconfirmed' | 'closed_unsent';

export interface ReplyDraft {
  /** `${incidentId}/draft-${number}`: deterministic so the domain needs no id generator. */
  readonly id: string;
  /** 1, 2, 3… within the incident. */
  readonly number: number;
  /** Starts at 1; every edit adds one. Approvals are for one revision only. */
  readonly revision: number;
  readonly text: string;
  readonly language: Locale;
  readonly templateId: string | null;
  readonly target: ReplyTarget;
  readonly authorUserId: string;
  /** Author and everyone who edited: under four-eyes none of them may approve. */
  readonly contributorUserIds: readonly string[];
  readonly status: DraftStatus;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly postedAt: number | null;
  /** Slack ts of the public reply once posted. */
  readonly postedMessageTs: string | null;
  /** What the preflight flagged for this revision's text (shown to approvers on the card). */
  readonly preflightWarnings: readonly PreflightWarning[];
}

export type ApprovalDecision = 'approve' | 'request_changes' | 'reject';

export interface Approval {
  readonly draftId: string;
  readonly draftRevision: number;
  readonly approverUserId: string;
  readonly decision: ApprovalDecision;
  readonly comment: string | null;
  /** The exact text the decision was about, so the record stands even if the draft changes later. */
  readonly text: string;
  readonly at: number;
  /** Set when an edit made this decision stale. */
  readonly voidedAt: number | null;
}

export interface IncidentState {
  readonly incident: Incident;
  readonly checklist: readonly ChecklistItem[];
  readonly drafts: readonly ReplyDraft[];
  readonly approvals: readonly Approval[];
}

export type TimelineEventKind =
  | 'detected'
  | 'opened'
  | 'alert_posted'
  | 'alert_raised_again'
  | 'acknowledged'
  | 'lead_changed'
  /** Slack deactivated the lead's account: the incident has no lead until someone takes it. */
  | 'lead_deactivated'
  | 'severity_changed'
  | 'draft_created'
  | 'draft_edited'
  | 'draft_approved'
  | 'draft_changes_requested'
  | 'draft_rejected'
  | 'quorum_met'
  /** An approval stopped counting (its approver's Slack account was deactivated). */
  | 'approval_voided'
  /** A playbook's approver named by user id: Slack deactivated the account, so they no longer count. */
  | 'approver_deactivated'
  /** That approver's account is active again: they count again. */
  | 'approver_reactivated'
  | 'reply_posted'
  | 'reply_not_posted'
  /** A reply still waiting for approval was closed unsent (the incident was resolved). */
  | 'draft_closed_unsent'
  | 'checklist_ticked'
  | 'checklist_unticked'
  | 'checklist_skipped'
  | 'reminder_sent'
  | 'escalation_sent'
  | 'detection_escalated'
  | 'note_added'
  | 'message_added'
  | 'feedback_given'
  | 'feedback_undone'
  | 'resolved'
  | 'reopened';

export interface TimelineEvent {
  readonly incidentId: string;
  readonly at: number;
  readonly kind: TimelineEventKind;
  /** Slack user id of the staff member, null for Firebreak itself. */
  readonly actorUserId: string | null;
  /** The exact text concerned (draft text, note, quoted message, reason), when there is one. */
  readonly text: string | null;
  /** Structured details; enough to re-render the entry in any locale. */
  readonly data: JsonObject;
}
