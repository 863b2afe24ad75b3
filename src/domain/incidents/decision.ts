/**
 * What every use case returns: either the new state with the timeline entries and effects it causes,
 * or a refusal saying why. Both carry an audit entry the edge can write as-is (who, when, exact text).
 */
import { t, type Locale, type MessageKey, type MessageParams } from '../../i18n/index.js';
import type { IncidentState, JsonObject, ReplyTarget, TimelineEvent } from './types.js';

export type ReminderReason = 'acknowledge' | 'checklist_step' | 'postmortem_due' | 'action_item';

/** A message in the incident's alert thread. The edge turns it into Block Kit. */
export type ThreadMessage =
  /** The draft card with Approve / Request changes / Reject buttons for this revision. */
  | { readonly kind: 'draft'; readonly draftId: string; readonly revision: number }
  /** A one-line log entry; render it with describeTimelineEvent. */
  | { readonly kind: 'event'; readonly event: TimelineEvent };

/** Plain data for the edge to carry out (through the outbox); the domain never calls anything. */
export type Effect =
  | { readonly type: 'post_root_message'; readonly incidentId: string }
  /**
   * Re-render the one root message from the current state and edit it in place. `rewriteEarlierCopies`: a
   * member changed words the alert quoted, so the copies of it kept for delivery (its post and earlier
   * edits) take the new text too, instead of keeping the old words until they are pruned.
   */
  | { readonly type: 'update_root_message'; readonly incidentId: string; readonly rewriteEarlierCopies?: true }
  | { readonly type: 'post_thread_message'; readonly incidentId: string; readonly message: ThreadMessage }
  /** Re-render a draft card in place (its status or approvals changed). */
  | { readonly type: 'update_draft_message'; readonly incidentId: string; readonly draftId: string }
  /** Edit in place the thread line a timeline entry posted, to show `event` as it is now (its member changed its words); its earlier copies too. */
  | { readonly type: 'update_thread_message'; readonly incidentId: string; readonly event: TimelineEvent }
  | {
      readonly type: 'post_public_reply';
      readonly incidentId: string;
      readonly draftId: string;
      readonly revision: number;
      /** Same draft revision, same key: the outbox posts it at most once however often it is retried. */
      readonly idempotencyKey: string;
      readonly target: ReplyTarget;
      readonly text: string;
      readonly language: Locale;
      /** Drills must not reach the community: the edge posts to the alert thread instead. */
      readonly drill: boolean;
    }
  | {
      readonly type: 'schedule_reminder';
      /** Scheduling the same key again replaces the earlier reminder. */
      readonly reminderKey: string;
      readonly incidentId: string;
      readonly reason: ReminderReason;
      readonly at: number;
      readonly recipientUserIds: readonly string[];
      readonly subject: string;
    }
  | { readonly type: 'cancel_reminder'; readonly reminderKey: string }
  /** The incident was resolved: create its post-mortem from the playbook's template. */
  | { readonly type: 'create_postmortem'; readonly incidentId: string; readonly ownerUserId: string | null };

export type RefusalCode =
  | 'incident_resolved'
  | 'incident_not_resolved'
  | 'already_lead'
  /** The lead changed between showing the button and pressing it. */
  | 'lead_changed'
  | 'not_authorised'
  | 'not_an_approver'
  /** Slack could not say who is in the approver groups now (an approval is refused, not guessed). */
  | 'approvers_unconfirmed'
  | 'four_eyes'
  | 'no_approvers'
  | 'invalid_quorum'
  | 'quorum_unreachable'
  | 'draft_not_found'
  | 'draft_closed'
  | 'draft_already_approved'
  | 'draft_not_approved'
  | 'draft_not_posted'
  | 'draft_closed_unsent'
  | 'stale_revision'
  | 'already_decided'
  | 'changes_requested_pending'
  | 'no_change'
  | 'same_severity'
  /** The severity changed between showing the form and submitting it. */
  | 'severity_changed'
  | 'step_not_found'
  /** Its author deleted the message staff try to add to the timeline. */
  | 'message_deleted'
  | 'step_already_done'
  | 'step_not_done'
  | 'step_already_skipped'
  | 'required_steps_open'
  | 'text_required'
  | 'text_too_long'
  | 'invalid_input'
  | 'preflight'
  | 'preflight_language'
  /** A reply aimed at a thread that is not one of the incident's member messages. */
  | 'unknown_target';

export interface Refusal {
  readonly code: RefusalCode;
  /** Ready to show the user (ephemeral message), in their locale. */
  readonly message: string;
  readonly params: JsonObject;
}

export type IncidentAction =
  | 'open'
  | 'record_alert_posted'
  | 'raise_held_alert'
  | 'acknowledge'
  | 'change_severity'
  | 'create_draft'
  | 'edit_draft'
  | 'decide_draft'
  | 'mark_reply_posted'
  | 'mark_reply_not_posted'
  | 'tick_step'
  | 'untick_step'
  | 'skip_step'
  | 'add_note'
  | 'add_message'
  | 'record_reminder_sent'
  | 'record_detection_escalated'
  | 'person_deactivated'
  | 'person_reactivated'
  | 'resolve'
  /** Replies a resolve of an older version left waiting for approval, closed at start-up. */
  | 'close_replies_left_waiting'
  /** A member deleted a message the incident quotes: its words leave the sample and the alert. */
  | 'redraw_sample_deleted'
  /** A member deleted a message staff added to the timeline (and the incident does not quote it as a sample). */
  | 'erase_deleted_message'
  /** A member edited a message the incident quotes: the sample (and the timeline entries adding it) quote the latest words. */
  | 'redraw_sample_edited'
  /** A member edited a message staff added to the timeline (and the incident does not quote it as a sample). */
  | 'rewrite_edited_message'
  | 'reopen';

export interface AuditEntry {
  readonly at: number;
  readonly incidentId: string;
  readonly actorUserId: string | null;
  readonly action: IncidentAction;
  readonly outcome: 'accepted' | 'refused' | 'no_op';
  readonly refusalCode: RefusalCode | null;
  /** The exact text concerned: draft text approved, note, reason, summary. */
  readonly text: string | null;
  readonly details: JsonObject;
}

export type Decision =
  | {
      readonly ok: true;
      readonly state: IncidentState;
      readonly events: readonly TimelineEvent[];
      readonly effects: readonly Effect[];
      readonly audit: AuditEntry;
    }
  | { readonly ok: false; readonly refusal: Refusal; readonly audit: AuditEntry };

/** Fields every staff command carries. */
export interface CommandBase {
  readonly actorUserId: string;
  /** The actor's language for a refusal; defaults to the incident's. */
  readonly locale?: Locale;
}

export interface AuditContext {
  readonly state: IncidentState;
  readonly action: IncidentAction;
  readonly actorUserId: string | null;
  readonly at: number;
  readonly text: string | null;
  readonly details?: JsonObject;
}

export function refuse<K extends MessageKey & `refusal.${RefusalCode}`>(
  context: AuditContext & { readonly locale: Locale | undefined },
  key: K,
  params: MessageParams<K>,
): Decision {
  const code = key.slice('refusal.'.length) as RefusalCode;
  const locale = context.locale ?? context.state.incident.locale;
  return {
    ok: false,
    refusal: { code, message: t(locale, key, params), params: params as JsonObject },
    audit: audit(context, 'refused', code),
  };
}

export function accept(
  context: AuditContext,
  state: IncidentState,
  events: readonly TimelineEvent[],
  effects: readonly Effect[],
): Decision {
  return { ok: true, state, events, effects, audit: audit(context, 'accepted', null) };
}

/** Accepted but nothing to do (a retried outbox callback): no events, no effects. */
export function noOp(context: AuditContext): Decision {
  return { ok: true, state: context.state, events: [], effects: [], audit: audit(context, 'no_op', null) };
}

function audit(context: AuditContext, outcome: AuditEntry['outcome'], refusalCode: RefusalCode | null): AuditEntry {
  return {
    at: context.at,
    incidentId: context.state.incident.id,
    actorUserId: context.actorUserId,
    action: context.action,
    outcome,
    refusalCode,
    text: context.text,
    details: context.details ?? {},
  };
}
