/** The playbook's checklist: tick, skip with a reason, undo; lead-owned steps follow the lead. */
import type { Clock } from '../clock.js';
import { accept, refuse, type CommandBase, type Decision, type Effect } from './decision.js';
import { announce, event, refuseBadText, refuseIfResolved, reminderKeys, type IncidentPolicy } from './context.js';
import type { ChecklistItem, IncidentState, TimelineEvent } from './types.js';

/** The playbook role whose steps belong to whoever leads the incident at the time. */
export const LEAD_ROLE = 'lead';

/** Done or skipped: nothing more to chase. */
export function isClosed(item: ChecklistItem): boolean {
  return item.doneAt !== null || item.skippedAt !== null;
}

export function isOverdue(item: ChecklistItem, clock: Clock): boolean {
  return !isClosed(item) && item.dueAt !== null && item.dueAt < clock.now();
}

/** Required steps still open: resolution waits for them. */
export function openRequiredSteps(state: IncidentState): ChecklistItem[] {
  return state.checklist.filter((item) => item.required && !isClosed(item));
}

export function stepReminder(incidentId: string, item: ChecklistItem): Effect | null {
  if (item.dueAt === null || isClosed(item)) return null;
  return {
    type: 'schedule_reminder',
    reminderKey: reminderKeys.checklistStep(incidentId, item.stepId),
    incidentId,
    reason: 'checklist_step',
    at: item.dueAt,
    recipientUserIds: item.ownerUserId ? [item.ownerUserId] : [],
    subject: item.text,
  };
}

/**
 * Hands open lead-owned steps to the new lead and re-schedules their reminders (same key, so the
 * scheduler replaces the old one) when they are still ahead.
 */
export function reassignLeadSteps(state: IncidentState, leadUserId: string, now: number): { state: IncidentState; effects: Effect[] } {
  const effects: Effect[] = [];
  const checklist = state.checklist.map((item) => {
    if (item.ownerRole !== LEAD_ROLE || isClosed(item) || item.ownerUserId === leadUserId) return item;
    const reassigned = { ...item, ownerUserId: leadUserId };
    const reminder = reassigned.dueAt !== null && reassigned.dueAt > now ? stepReminder(state.incident.id, reassigned) : null;
    if (reminder) effects.push(reminder);
    return reassigned;
  });
  return { state: { ...state, checklist }, effects };
}

/** What can tick a step by itself (a playbook step's `doneWhen`). */
export const STEP_TRIGGERS = ['acknowledged', 'first-reply-posted'] as const;
export type StepTrigger = (typeof STEP_TRIGGERS)[number];

/**
 * Ticks the open steps the playbook says `trigger` completes, as part of the decision that caused it:
 * done by whoever caused it (null when Firebreak did, e.g. the outbox posting a reply).
 */
export function autoTickSteps(
  state: IncidentState,
  trigger: StepTrigger,
  policy: IncidentPolicy,
  actorUserId: string | null,
  at: number,
): { state: IncidentState; events: TimelineEvent[]; effects: Effect[] } {
  const stepIds = new Set(Object.entries(policy.stepsDoneWhen ?? {}).filter(([, when]) => when === trigger).map(([stepId]) => stepId));
  const events: TimelineEvent[] = [];
  const effects: Effect[] = [];
  const checklist = state.checklist.map((item) => {
    if (!stepIds.has(item.stepId) || isClosed(item)) return item;
    events.push(event(state, at, 'checklist_ticked', actorUserId, item.text, { stepId: item.stepId, step: item.text, doneWhen: trigger }));
    if (item.dueAt !== null) effects.push({ type: 'cancel_reminder', reminderKey: reminderKeys.checklistStep(state.incident.id, item.stepId) });
    return { ...item, doneAt: at, doneByUserId: actorUserId };
  });
  return { state: events.length > 0 ? { ...state, checklist } : state, events, effects };
}

export interface ChecklistCommand extends CommandBase {
  readonly stepId: string;
}

export interface SkipStepCommand extends ChecklistCommand {
  readonly reason: string;
}

type StepChange = 'tick' | 'untick' | 'skip';

function changeStep(state: IncidentState, command: ChecklistCommand, change: StepChange, reason: string | null, clock: Clock): Decision {
  const at = clock.now();
  const item = state.checklist.find((i) => i.stepId === command.stepId);
  const action = change === 'tick' ? 'tick_step' : change === 'untick' ? 'untick_step' : 'skip_step';
  const context = {
    state,
    action: action as 'tick_step' | 'untick_step' | 'skip_step',
    actorUserId: command.actorUserId,
    at,
    text: change === 'skip' ? reason : (item?.text ?? null),
    details: { stepId: command.stepId },
    locale: command.locale,
  };
  const resolved = refuseIfResolved(context);
  if (resolved) return resolved;
  if (!item) return refuse(context, 'refusal.step_not_found', { stepId: command.stepId });
  if (change !== 'untick' && item.doneAt !== null) {
    return refuse(context, 'refusal.step_already_done', { step: item.text, doneByUserId: item.doneByUserId ?? '' });
  }
  if (change === 'skip' && item.skippedAt !== null) return refuse(context, 'refusal.step_already_skipped', { step: item.text });
  if (change === 'untick' && !isClosed(item)) return refuse(context, 'refusal.step_not_done', { step: item.text });
  if (change === 'skip') {
    const bad = refuseBadText(context, 'reason', reason);
    if (bad) return bad;
  }

  const cleared = { doneAt: null, doneByUserId: null, skippedAt: null, skippedByUserId: null, skipReason: null };
  const updated: ChecklistItem =
    change === 'tick'
      ? { ...item, ...cleared, doneAt: at, doneByUserId: command.actorUserId }
      : change === 'skip'
        ? { ...item, ...cleared, skippedAt: at, skippedByUserId: command.actorUserId, skipReason: reason }
        : { ...item, ...cleared };
  const next: IncidentState = { ...state, checklist: state.checklist.map((i) => (i.stepId === item.stepId ? updated : i)) };
  const kind = change === 'tick' ? 'checklist_ticked' : change === 'skip' ? 'checklist_skipped' : 'checklist_unticked';
  const events = [
    event(state, at, kind, command.actorUserId, change === 'skip' ? reason : item.text, { stepId: item.stepId, step: item.text }),
  ];
  // Ticks show on the root message's checklist; a thread line per tick would be noise. A skip's
  // reason is news for everyone on the incident, so it gets its line.
  const effects: Effect[] = change === 'skip' ? announce(events) : [{ type: 'update_root_message', incidentId: state.incident.id }];
  if (change !== 'untick') {
    if (item.dueAt !== null && !isClosed(item)) {
      effects.push({ type: 'cancel_reminder', reminderKey: reminderKeys.checklistStep(state.incident.id, item.stepId) });
    }
  } else if (updated.dueAt !== null && updated.dueAt > at) {
    const reminder = stepReminder(state.incident.id, updated);
    if (reminder) effects.push(reminder);
  }
  return accept(context, next, events, effects);
}

export function tickStep(state: IncidentState, command: ChecklistCommand, _policy: IncidentPolicy, clock: Clock): Decision {
  return changeStep(state, command, 'tick', null, clock);
}

/** Undo a tick or a skip. The step's reminder comes back if its due time is still ahead. */
export function untickStep(state: IncidentState, command: ChecklistCommand, _policy: IncidentPolicy, clock: Clock): Decision {
  return changeStep(state, command, 'untick', null, clock);
}

/** A step that does not apply this time; the reason is kept, and a required step no longer blocks resolution. */
export function skipStep(state: IncidentState, command: SkipStepCommand, _policy: IncidentPolicy, clock: Clock): Decision {
  return changeStep(state, command, 'skip', command.reason ?? null, clock);
}
