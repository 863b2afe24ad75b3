/**
 * Someone Slack deactivated: an account nobody can use any more must neither lead an incident nor
 * count towards a public reply that has not gone out yet.
 */
import type { Clock } from '../clock.js';
import { approverUserIds } from '../approvals/policy.js';
import { accept, noOp, type Decision, type Effect } from './decision.js';
import { announce, event, type IncidentPolicy } from './context.js';
import { draftsAwaitingApproval, liveApprovals, quorumProgress } from './drafts.js';
import type { IncidentState, ReplyDraft, TimelineEvent } from './types.js';

/** How many people a "someone take the lead" line names (a group can hold hundreds). */
export const TAKE_OVER_NAMED = 6;

/** Drafts whose approvals still matter: not posted, not given up on. */
const UNPOSTED: ReadonlySet<ReplyDraft['status']> = new Set(['pending', 'changes_requested', 'approved']);

/** Who is asked to act instead of someone deactivated: the approvers still here, the first few. */
export function takeOverUserIds(policy: IncidentPolicy, deactivatedUserIds: readonly string[]): string[] {
  return approverUserIds(policy.approvals)
    .filter((userId) => !deactivatedUserIds.includes(userId))
    .slice(0, TAKE_OVER_NAMED);
}

/**
 * Their approvals of replies not posted yet stop counting (voided on the current revision, which is
 * how the card tells them apart from approvals an edit voided); an approved reply whose quorum they
 * made goes back to waiting for approval (the outbox's last gate then holds the queued post). An
 * incident they led has no lead any more, and the thread asks the approvers to take it.
 */
export function personDeactivated(state: IncidentState, command: { readonly userId: string }, policy: IncidentPolicy, clock: Clock): Decision {
  const at = clock.now();
  const { incident } = state;
  const { userId } = command;
  const context = { state, action: 'person_deactivated' as const, actorUserId: null, at, text: null, details: { userId }, locale: undefined };
  if (incident.status === 'resolved') return noOp(context);

  const events: TimelineEvent[] = [];
  const effects: Effect[] = [];
  let next: IncidentState = state;
  for (const draft of state.drafts) {
    if (!UNPOSTED.has(draft.status)) continue;
    const theirs = liveApprovals(next, draft).filter((approval) => approval.approverUserId === userId && approval.decision === 'approve');
    if (theirs.length === 0) continue;
    const approvals = next.approvals.map((approval) => (theirs.includes(approval) ? { ...approval, voidedAt: at } : approval));
    const voided: IncidentState = { ...next, approvals };
    const backToPending = draft.status === 'approved' && !quorumProgress(voided, draft, policy.approvals).met;
    const drafts = backToPending ? voided.drafts.map((candidate) => (candidate.id === draft.id ? { ...candidate, status: 'pending' as const, updatedAt: at } : candidate)) : voided.drafts;
    next = { ...voided, drafts };
    events.push(event(state, at, 'approval_voided', null, draft.text, { draftId: draft.id, draftNumber: draft.number, revision: draft.revision, userId, reason: 'deactivated', backToPending }));
    effects.push({ type: 'update_draft_message', incidentId: incident.id, draftId: draft.id });
  }
  // A named approver (the edge found the account deactivated): the open drafts' cards say they no longer
  // count, and the thread says which replies that leaves unreachable or approved by everyone still here.
  if (policy.approvals.deactivatedUserIds?.includes(userId)) {
    const shown = draftsAwaitingApproval(next);
    if (shown.length > 0) {
      events.push(event(state, at, 'approver_deactivated', null, null, { userId, ...quorumsNow(next, shown, policy) }));
      for (const draft of shown) if (!effects.some((effect) => effect.type === 'update_draft_message' && effect.draftId === draft.id)) effects.push({ type: 'update_draft_message', incidentId: incident.id, draftId: draft.id });
    }
  }
  if (incident.leadUserId === userId) {
    next = { ...next, incident: { ...next.incident, leadUserId: null } };
    events.push(event(state, at, 'lead_deactivated', null, null, { userId, askUserIds: takeOverUserIds(policy, [userId]) }));
  }
  if (events.length === 0) return noOp(context);
  return accept(context, next, events, [...effects, ...announce(events)]);
}

/** Which open drafts no quorum can approve now, and which everyone who still may approve has approved. */
function quorumsNow(state: IncidentState, drafts: readonly ReplyDraft[], policy: IncidentPolicy) {
  const unreachable: number[] = [];
  const approvedByAll: number[] = [];
  for (const draft of drafts) {
    const progress = quorumProgress(state, draft, policy.approvals);
    if (!progress.reachable) unreachable.push(draft.number);
    else if (progress.met && draft.status === 'pending') approvedByAll.push(draft.number);
  }
  return { draftNumbers: drafts.map((draft) => draft.number), unreachable, approvedByAll };
}

/**
 * Slack re-activated someone the incident had been told was deactivated (an `approver_deactivated` on
 * its timeline, hence `known`): if the playbook names them as an approver they count again, which the
 * open drafts' cards and the thread say (a quorum of `all` needs them again).
 */
export function personReactivated(state: IncidentState, command: { readonly userId: string }, policy: IncidentPolicy, clock: Clock): Decision {
  const at = clock.now();
  const { userId } = command;
  const context = { state, action: 'person_reactivated' as const, actorUserId: null, at, text: null, details: { userId }, locale: undefined };
  const shown = draftsAwaitingApproval(state);
  if (state.incident.status === 'resolved' || shown.length === 0 || !policy.approvals.approverUserIds.includes(userId)) return noOp(context);
  const events = [event(state, at, 'approver_reactivated', null, null, { userId, ...quorumsNow(state, shown, policy) })];
  const effects: Effect[] = shown.map((draft) => ({ type: 'update_draft_message', incidentId: state.incident.id, draftId: draft.id }));
  // The alert too: it says which replies nobody could approve, which may no longer hold.
  return accept(context, state, events, [...effects, ...announce(events)]);
}
