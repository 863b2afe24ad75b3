/** Acknowledge / take the lead, and change severity. */
import type { Clock } from '../clock.js';
import { hasAuthority } from '../approvals/policy.js';
import { accept, refuse, type CommandBase, type Decision, type Effect } from './decision.js';
import { announce, authorityParams, cancelAcknowledgeReminders, event, refuseBadText, refuseIfResolved, type IncidentPolicy } from './context.js';
import { autoTickSteps, reassignLeadSteps } from './checklist.js';
import { SEVERITIES, type IncidentState, type Severity } from './types.js';

export interface AcknowledgeCommand extends CommandBase {
  /** Who led when the button was shown (null: nobody); undefined when the button did not say. */
  readonly seenLeadUserId?: string | null;
}

/**
 * The first press acknowledges the incident and makes the presser lead; a later press by someone else
 * hands the lead over to them. Anyone on the alert channel may take the lead: the point is that someone does.
 * A press made while seeing another lead than the current one is refused: two people pressing
 * Acknowledge at once would otherwise see the second silently take the lead from the first.
 */
export function acknowledge(state: IncidentState, command: AcknowledgeCommand, policy: IncidentPolicy, clock: Clock): Decision {
  const at = clock.now();
  const { incident } = state;
  const context = { state, action: 'acknowledge' as const, actorUserId: command.actorUserId, at, text: null, locale: command.locale };
  const resolved = refuseIfResolved(context);
  if (resolved) return resolved;
  if (incident.leadUserId === command.actorUserId) return refuse(context, 'refusal.already_lead', { number: incident.number });
  if (command.seenLeadUserId !== undefined && command.seenLeadUserId !== incident.leadUserId) {
    return refuse(context, 'refusal.lead_changed', { number: incident.number, leadUserId: incident.leadUserId });
  }

  if (incident.status === 'open') {
    // Steps the playbook marks `doneWhen: acknowledged` are done by the person who acknowledged;
    // ticked first, so the lead hand-over does not re-schedule their reminders.
    const ticked = autoTickSteps(state, 'acknowledged', policy, command.actorUserId, at);
    const handedOver = reassignLeadSteps(ticked.state, command.actorUserId, at);
    const next: IncidentState = {
      ...handedOver.state,
      incident: { ...incident, status: 'acknowledged', acknowledgedAt: at, leadUserId: command.actorUserId },
    };
    const acknowledged = event(state, at, 'acknowledged', command.actorUserId, null, { previousLeadUserId: incident.leadUserId });
    const effects: Effect[] = [
      ...announce([acknowledged]),
      ...cancelAcknowledgeReminders(incident.id, policy.escalation),
      ...ticked.effects,
      ...handedOver.effects,
    ];
    const events = [acknowledged, ...ticked.events];
    return accept(context, next, events, effects);
  }

  const handedOver = reassignLeadSteps(state, command.actorUserId, at);
  const next: IncidentState = { ...handedOver.state, incident: { ...incident, leadUserId: command.actorUserId } };
  const events = [
    event(state, at, 'lead_changed', command.actorUserId, null, {
      fromUserId: incident.leadUserId,
      toUserId: command.actorUserId,
    }),
  ];
  return accept({ ...context, details: { fromUserId: incident.leadUserId } }, next, events, [...announce(events), ...handedOver.effects]);
}

export interface ChangeSeverityCommand extends CommandBase {
  readonly severity: Severity;
  readonly reason: string;
  /** The severity the form showed; undefined when it did not say. */
  readonly seenSeverity?: Severity;
}

export function changeSeverity(
  state: IncidentState,
  command: ChangeSeverityCommand,
  policy: IncidentPolicy,
  clock: Clock,
): Decision {
  const at = clock.now();
  const { incident } = state;
  const context = {
    state,
    action: 'change_severity' as const,
    actorUserId: command.actorUserId,
    at,
    text: command.reason ?? null,
    details: { from: incident.severity, to: command.severity },
    locale: command.locale,
  };
  const resolved = refuseIfResolved(context);
  if (resolved) return resolved;
  if (!hasAuthority(policy.authority.changeSeverity, command.actorUserId, incident.leadUserId, policy.approvals)) {
    return refuse(context, 'refusal.not_authorised', authorityParams('change_severity', policy.authority.changeSeverity, incident.leadUserId, policy.approvals));
  }
  if (!SEVERITIES.includes(command.severity)) {
    return refuse(context, 'refusal.invalid_input', { field: 'severity', value: String(command.severity), expected: SEVERITIES.join(', ') });
  }
  if (command.severity === incident.severity) return refuse(context, 'refusal.same_severity', { severity: command.severity });
  // Changed by someone else while this form was open (an escalation, say): not overruled unseen.
  if (command.seenSeverity !== undefined && command.seenSeverity !== incident.severity) {
    return refuse(context, 'refusal.severity_changed', { number: incident.number, seen: command.seenSeverity, current: incident.severity });
  }
  const badReason = refuseBadText(context, 'reason', command.reason);
  if (badReason) return badReason;

  const next: IncidentState = { ...state, incident: { ...incident, severity: command.severity } };
  const events = [
    event(state, at, 'severity_changed', command.actorUserId, command.reason, { from: incident.severity, to: command.severity }),
  ];
  return accept(context, next, events, announce(events));
}
