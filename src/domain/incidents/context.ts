/** Small helpers the use cases share: building timeline events, checking texts, reminder keys. */
import type { Locale } from '../../i18n/index.js';
import { approverUserIds, type ApprovalPolicy, type Authority, type AuthorityPolicy } from '../approvals/policy.js';
import { refuse, type AuditContext, type Decision, type Effect } from './decision.js';
import { checkText } from './limits.js';
import type { StepTrigger } from './checklist.js';
import type { IncidentState, JsonObject, TimelineEvent, TimelineEventKind } from './types.js';

/**
 * One rung of the ladder: if nobody has acknowledged this long after opening, notify these people.
 * A playbook's `afterMinutes` + `repeatEveryMinutes` × `maxRepeats` becomes one step per ping.
 */
export interface EscalationStep {
  readonly afterMs: number;
  readonly notifyUserIds: readonly string[];
}

/** When to chase an unacknowledged incident, and whom. */
export interface EscalationPolicy {
  /** Empty: never chase. */
  readonly unacknowledged: readonly EscalationStep[];
}

/** Cancels every acknowledgement reminder the policy could have scheduled. */
export function cancelAcknowledgeReminders(incidentId: string, escalation: EscalationPolicy): Effect[] {
  return escalation.unacknowledged.map((_, level) => ({ type: 'cancel_reminder', reminderKey: reminderKeys.acknowledge(incidentId, level) }));
}

/** Everything a use case needs to know about the playbook, in the incident core's own terms. */
export interface IncidentPolicy {
  readonly approvals: ApprovalPolicy;
  readonly authority: AuthorityPolicy;
  readonly escalation: EscalationPolicy;
  /** Checklist steps an event ticks by itself, by step id (the playbook's `doneWhen`); none when absent. */
  readonly stepsDoneWhen?: Readonly<Record<string, StepTrigger>>;
}

export type RefusalContext = AuditContext & { readonly locale: Locale | undefined };

export function event(
  state: IncidentState,
  at: number,
  kind: TimelineEventKind,
  actorUserId: string | null,
  text: string | null,
  data: JsonObject = {},
): TimelineEvent {
  return { incidentId: state.incident.id, at, kind, actorUserId, text, data };
}

/** The log line in the thread for an event, plus re-rendering the root message. */
export function announce(events: readonly TimelineEvent[], root = true): Effect[] {
  const effects: Effect[] = events.map((e) => ({
    type: 'post_thread_message',
    incidentId: e.incidentId,
    message: { kind: 'event', event: e },
  }));
  if (root && events[0]) effects.push({ type: 'update_root_message', incidentId: events[0].incidentId });
  return effects;
}

/** A refusal for a missing or too long text, or null when the text is fine. */
export function refuseBadText(context: RefusalContext, field: string, text: string | null | undefined): Decision | null {
  const problem = checkText(text);
  if (!problem) return null;
  if (problem.kind === 'required') return refuse(context, 'refusal.text_required', { field });
  return refuse(context, 'refusal.text_too_long', { field, length: problem.length, max: problem.max });
}

export function refuseIfResolved(context: RefusalContext): Decision | null {
  const { incident } = context.state;
  return incident.status === 'resolved' ? refuse(context, 'refusal.incident_resolved', { number: incident.number }) : null;
}

/** How many people a refusal names as whom to ask (a group can hold hundreds; the rest are counted). */
export const PEOPLE_NAMED = 6;

/**
 * Who could have done it, as plain params for the refusal message and the audit log: the kinds of
 * people, and the people themselves now (groups as their members, the first PEOPLE_NAMED), so the
 * refused person knows whom to ask, as an approval refusal names the approvers.
 */
export function authorityParams(action: 'resolve' | 'reopen' | 'change_severity', who: Authority, leadUserId: string | null, approvals: ApprovalPolicy) {
  const lead = who.lead && leadUserId !== null;
  const approvers = who.approvers || (who.lead && leadUserId === null);
  const people = new Set<string>();
  if (lead && leadUserId !== null) people.add(leadUserId);
  if (approvers) for (const userId of approverUserIds(approvals)) people.add(userId);
  for (const userId of who.userIds) people.add(userId);
  for (const group of who.groups) for (const userId of group.memberUserIds) people.add(userId);
  const everyone = [...people];
  return {
    action,
    lead,
    approvers,
    named: who.userIds.length > 0 || who.groups.length > 0,
    people: everyone.slice(0, PEOPLE_NAMED),
    more: Math.max(0, everyone.length - PEOPLE_NAMED),
  };
}

export const reminderKeys = {
  acknowledge: (incidentId: string, level: number) => `incident:${incidentId}:acknowledge:${level}`,
  checklistStep: (incidentId: string, stepId: string) => `incident:${incidentId}:step:${stepId}`,
};
