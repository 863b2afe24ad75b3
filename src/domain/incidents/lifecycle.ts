/** Opening, resolving and reopening an incident. */
import type { Clock } from '../clock.js';
import { FirebreakError } from '../../errors.js';
import { hasAuthority } from '../approvals/policy.js';
import type { Locale } from '../../i18n/index.js';
import { accept, noOp, refuse, type CommandBase, type Decision, type Effect } from './decision.js';
import {
  announce,
  authorityParams,
  cancelAcknowledgeReminders,
  event,
  refuseBadText,
  reminderKeys,
  type EscalationPolicy,
  type IncidentPolicy,
} from './context.js';
import { isClosed, LEAD_ROLE, openRequiredSteps, stepReminder } from './checklist.js';
import { checkText } from './limits.js';
import { draftsAwaitingApproval } from './drafts.js';
import { SEVERITIES, type ChecklistItem, type IncidentState, type JsonValue, type Severity, type TimelineEvent } from './types.js';

export interface ChecklistStepInput {
  readonly stepId: string;
  readonly text: string;
  readonly required: boolean;
  /** The playbook role; 'lead' steps are assigned to whoever takes the lead. */
  readonly ownerRole: string | null;
  /** For other roles, the person the edge resolved the role to (null: remind in the thread). */
  readonly ownerUserId: string | null;
  /** Due this long after the incident opens; null for no due time. */
  readonly dueAfterMs: number | null;
}

export interface OpenIncidentInput {
  readonly id: string;
  readonly number: number;
  readonly severity: Severity;
  readonly playbookId: string;
  readonly playbookHash: string;
  readonly channelId: string;
  readonly detectedAt: number;
  readonly firstAbnormalAt: number | null;
  readonly detection: JsonValue;
  readonly drill: boolean;
  readonly locale: Locale;
  readonly checklist: readonly ChecklistStepInput[];
}

export interface OpenedIncident {
  readonly state: IncidentState;
  readonly events: readonly TimelineEvent[];
  readonly effects: readonly Effect[];
}

/**
 * Builds a new incident from detection's decision and the playbook's steps. Bad input here is a bug
 * upstream, not a staff action, so it throws a typed error instead of returning a refusal.
 */
export function openIncident(input: OpenIncidentInput, escalation: EscalationPolicy, clock: Clock): OpenedIncident {
  const at = clock.now();
  const problems: string[] = [];
  if (!SEVERITIES.includes(input.severity)) problems.push(`severity must be one of ${SEVERITIES.join(', ')}, got "${input.severity}"`);
  escalation.unacknowledged.forEach((step, level) => {
    if (!(step.afterMs >= 0)) problems.push(`escalation step ${level}: afterMs must be 0 or more, got ${step.afterMs}`);
  });
  if (input.firstAbnormalAt !== null && input.firstAbnormalAt > input.detectedAt) {
    problems.push('firstAbnormalAt is after detectedAt');
  }
  const seen = new Set<string>();
  input.checklist.forEach((step, index) => {
    if (seen.has(step.stepId)) problems.push(`checklist[${index}]: step id "${step.stepId}" is used twice`);
    seen.add(step.stepId);
    if (checkText(step.text)) problems.push(`checklist[${index}] ("${step.stepId}"): text is empty or longer than 3000 characters`);
    if (step.dueAfterMs !== null && !(step.dueAfterMs >= 0)) problems.push(`checklist[${index}] ("${step.stepId}"): dueAfterMs must be 0 or more`);
  });
  if (problems.length > 0) {
    throw new FirebreakError('input_invalid', `Cannot open incident ${input.id}: ${problems.join('; ')}`);
  }

  const checklist: ChecklistItem[] = input.checklist.map((step) => ({
    stepId: step.stepId,
    text: step.text,
    required: step.required,
    ownerRole: step.ownerRole,
    // Nobody leads yet: lead-owned steps are reminded in the thread until someone takes the lead.
    ownerUserId: step.ownerRole === LEAD_ROLE ? null : step.ownerUserId,
    dueAt: step.dueAfterMs === null ? null : at + step.dueAfterMs,
    doneAt: null,
    doneByUserId: null,
    skippedAt: null,
    skippedByUserId: null,
    skipReason: null,
  }));
  const state: IncidentState = {
    incident: {
      id: input.id,
      number: input.number,
      status: 'open',
      severity: input.severity,
      playbookId: input.playbookId,
      playbookHash: input.playbookHash,
      channelId: input.channelId,
      leadUserId: null,
      openedAt: at,
      detectedAt: input.detectedAt,
      firstAbnormalAt: input.firstAbnormalAt,
      acknowledgedAt: null,
      resolvedAt: null,
      resolutionSummary: null,
      detection: input.detection,
      drill: input.drill,
      locale: input.locale,
    },
    checklist,
    drafts: [],
    approvals: [],
  };
  const events = [
    event(state, input.detectedAt, 'detected', null, null, {
      firstAbnormalAt: input.firstAbnormalAt,
      severity: input.severity,
      detection: input.detection,
    }),
    event(state, at, 'opened', null, null, { severity: input.severity, playbookId: input.playbookId, drill: input.drill }),
  ];
  const effects: Effect[] = [{ type: 'post_root_message', incidentId: input.id }];
  escalation.unacknowledged.forEach((step, level) => {
    effects.push({
      type: 'schedule_reminder',
      reminderKey: reminderKeys.acknowledge(input.id, level),
      incidentId: input.id,
      reason: 'acknowledge',
      at: at + step.afterMs,
      recipientUserIds: step.notifyUserIds,
      subject: `#${input.number}`,
    });
  });
  for (const item of checklist) {
    const reminder = stepReminder(input.id, item);
    if (reminder) effects.push(reminder);
  }
  return { state, events, effects };
}

export interface ResolveCommand extends CommandBase {
  readonly summary: string;
}

/**
 * The refusal a resolve by this person would get for who they are (the incident resolved, or they
 * may not resolve under the playbook), or null. Asked when the resolve form is opened, so nobody
 * writes a summary for a resolve that cannot be theirs.
 */
export function resolveAuthorityRefusal(state: IncidentState, command: CommandBase & { readonly summary?: string }, policy: IncidentPolicy, clock: Clock): Decision | null {
  const { incident } = state;
  const context = { state, action: 'resolve' as const, actorUserId: command.actorUserId, at: clock.now(), text: command.summary ?? null, locale: command.locale };
  if (incident.status === 'resolved') return refuse(context, 'refusal.incident_resolved', { number: incident.number });
  if (!hasAuthority(policy.authority.resolve, command.actorUserId, incident.leadUserId, policy.approvals)) {
    return refuse(context, 'refusal.not_authorised', authorityParams('resolve', policy.authority.resolve, incident.leadUserId, policy.approvals));
  }
  return null;
}

export function resolve(state: IncidentState, command: ResolveCommand, policy: IncidentPolicy, clock: Clock): Decision {
  const at = clock.now();
  const { incident } = state;
  const context = { state, action: 'resolve' as const, actorUserId: command.actorUserId, at, text: command.summary ?? null, locale: command.locale };
  const unauthorised = resolveAuthorityRefusal(state, command, policy, clock);
  if (unauthorised) return unauthorised;
  const bad = refuseBadText(context, 'summary', command.summary);
  if (bad) return bad;
  const blocking = openRequiredSteps(state);
  if (blocking.length > 0) {
    return refuse(context, 'refusal.required_steps_open', { steps: blocking.map((item) => item.text) });
  }

  const closing = closeWaiting(state, at);
  const next: IncidentState = { ...closing.state, incident: { ...incident, status: 'resolved', resolvedAt: at, resolutionSummary: command.summary } };
  const events = [event(state, at, 'resolved', command.actorUserId, command.summary), ...closing.events];
  const effects: Effect[] = [...closing.effects, ...announce(events)];
  if (incident.status === 'open') effects.push(...cancelAcknowledgeReminders(incident.id, policy.escalation));
  for (const item of state.checklist) {
    if (!isClosed(item) && item.dueAt !== null) {
      effects.push({ type: 'cancel_reminder', reminderKey: reminderKeys.checklistStep(incident.id, item.stepId) });
    }
  }
  // The post-mortem layer creates one only if the incident has none yet (a re-resolve after reopen keeps it).
  effects.push({ type: 'create_postmortem', incidentId: incident.id, ownerUserId: incident.leadUserId ?? command.actorUserId });
  return accept(context, next, events, effects);
}

/**
 * Replies still waiting for approval are closed unsent: nobody can approve them any more, and the
 * alert, App Home and their cards must not say they wait. One already approved is being posted: it
 * stays. The rule of resolve, kept here once.
 */
function closeWaiting(state: IncidentState, at: number): { state: IncidentState; events: TimelineEvent[]; effects: Effect[] } {
  const waiting = draftsAwaitingApproval(state);
  const closed = new Map(waiting.map((draft) => [draft.id, { ...draft, status: 'closed_unsent' as const, updatedAt: at }]));
  return {
    state: { ...state, drafts: state.drafts.map((draft) => closed.get(draft.id) ?? draft) },
    events: waiting.map((draft) =>
      event(state, at, 'draft_closed_unsent', null, draft.text, { draftId: draft.id, draftNumber: draft.number, revision: draft.revision, reason: 'incident_resolved' }),
    ),
    effects: waiting.map((draft): Effect => ({ type: 'update_draft_message', incidentId: state.incident.id, draftId: draft.id })),
  };
}

/**
 * A resolved incident whose replies still wait for approval (resolved before resolve closed them): they
 * are closed as resolve closes them, their cards and the alert redrawn. No thread line: the incident is
 * over, and a late line per reply would only be noise. A no-op when the incident is open or none waits.
 */
export function closeRepliesLeftWaiting(state: IncidentState, clock: Clock): Decision {
  const at = clock.now();
  const context = { state, action: 'close_replies_left_waiting' as const, actorUserId: null, at, text: null };
  if (state.incident.status !== 'resolved') return noOp(context);
  const closing = closeWaiting(state, at);
  if (closing.events.length === 0) return noOp(context);
  return accept(context, closing.state, closing.events, [...closing.effects, { type: 'update_root_message', incidentId: state.incident.id }]);
}

export interface ReopenCommand extends CommandBase {
  readonly reason?: string | null;
}

/** Back to where it was before resolution; steps still open get their reminders back. */
export function reopen(state: IncidentState, command: ReopenCommand, policy: IncidentPolicy, clock: Clock): Decision {
  const at = clock.now();
  const { incident } = state;
  const reason = command.reason?.trim() ? command.reason : null;
  const context = { state, action: 'reopen' as const, actorUserId: command.actorUserId, at, text: reason, locale: command.locale };
  if (incident.status !== 'resolved') return refuse(context, 'refusal.incident_not_resolved', { number: incident.number });
  if (!hasAuthority(policy.authority.reopen, command.actorUserId, incident.leadUserId, policy.approvals)) {
    return refuse(context, 'refusal.not_authorised', authorityParams('reopen', policy.authority.reopen, incident.leadUserId, policy.approvals));
  }
  if (reason !== null) {
    const bad = refuseBadText(context, 'reason', reason);
    if (bad) return bad;
  }

  const next: IncidentState = {
    ...state,
    incident: {
      ...incident,
      status: incident.acknowledgedAt === null ? 'open' : 'acknowledged',
      resolvedAt: null,
      resolutionSummary: null,
    },
  };
  const events = [event(state, at, 'reopened', command.actorUserId, reason, { previousSummary: incident.resolutionSummary })];
  const effects: Effect[] = [...announce(events)];
  for (const item of state.checklist) {
    if (item.dueAt !== null && item.dueAt > at) {
      const reminder = stepReminder(incident.id, item);
      if (reminder) effects.push(reminder);
    }
  }
  return accept(context, next, events, effects);
}
