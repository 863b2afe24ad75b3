/** Ticking and unticking the playbook's checklist steps. */
import type { Clock } from '../clock.js';
import { accept, refuse, type CommandBase, type Decision, type Effect } from './decision.js';
import { event, refuseIfResolved, reminderKeys, type IncidentPolicy } from './context.js';
import type { ChecklistItem, IncidentState } from './types.js';

export function isOverdue(item: ChecklistItem, clock: Clock): boolean {
  return item.doneAt === null && item.dueAt !== null && item.dueAt < clock.now();
}

export function stepReminder(incidentId: string, item: ChecklistItem): Effect | null {
  if (item.dueAt === null || item.doneAt !== null) return null;
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

export interface ChecklistCommand extends CommandBase {
  readonly stepId: string;
}

function setStep(
  state: IncidentState,
  command: ChecklistCommand,
  clock: Clock,
  done: boolean,
): Decision {
  const at = clock.now();
  const item = state.checklist.find((i) => i.stepId === command.stepId);
  const context = {
    state,
    action: done ? ('tick_step' as const) : ('untick_step' as const),
    actorUserId: command.actorUserId,
    at,
    text: item?.text ?? null,
    details: { stepId: command.stepId },
    locale: command.locale,
  };
  const resolved = refuseIfResolved(context);
  if (resolved) return resolved;
  if (!item) return refuse(context, 'refusal.step_not_found', { stepId: command.stepId });
  if (done && item.doneAt !== null) {
    return refuse(context, 'refusal.step_already_done', { step: item.text, doneByUserId: item.doneByUserId ?? '' });
  }
  if (!done && item.doneAt === null) return refuse(context, 'refusal.step_not_done', { step: item.text });

  const updated: ChecklistItem = done
    ? { ...item, doneAt: at, doneByUserId: command.actorUserId }
    : { ...item, doneAt: null, doneByUserId: null };
  const next: IncidentState = { ...state, checklist: state.checklist.map((i) => (i.stepId === item.stepId ? updated : i)) };
  const events = [
    event(state, at, done ? 'checklist_ticked' : 'checklist_unticked', command.actorUserId, item.text, { stepId: item.stepId }),
  ];
  // Ticks show on the root message's checklist; a thread line per tick would be noise.
  const effects: Effect[] = [{ type: 'update_root_message', incidentId: state.incident.id }];
  if (done) {
    if (item.dueAt !== null) effects.push({ type: 'cancel_reminder', reminderKey: reminderKeys.checklistStep(state.incident.id, item.stepId) });
  } else if (updated.dueAt !== null && updated.dueAt > at) {
    const reminder = stepReminder(state.incident.id, updated);
    if (reminder) effects.push(reminder);
  }
  return accept(context, next, events, effects);
}

export function tickStep(state: IncidentState, command: ChecklistCommand, _policy: IncidentPolicy, clock: Clock): Decision {
  return setStep(state, command, clock, true);
}

/** Undo a tick. The step's reminder comes back if its due time is still ahead. */
export function untickStep(state: IncidentState, command: ChecklistCommand, _policy: IncidentPolicy, clock: Clock): Decision {
  return setStep(state, command, clock, false);
}
