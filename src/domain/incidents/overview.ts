/** What the root message and App Home show at a glance, computed from the state (no Slack here). */
import type { Clock } from '../clock.js';
import type { IncidentPolicy } from './context.js';
import { isClosed, isOverdue } from './checklist.js';
import { draftsAwaitingApproval, quorumProgress } from './drafts.js';
import type { ChecklistItem, IncidentState, ReplyDraft } from './types.js';

export interface DraftProgress {
  readonly draft: ReplyDraft;
  readonly approvedBy: readonly string[];
  readonly required: number;
  /** How many may approve this revision now (four-eyes and deactivated accounts left out). */
  readonly eligible: number;
  /** False when fewer may approve than the quorum needs: only an edit of the playbook's approvers helps. */
  readonly reachable: boolean;
}

export interface IncidentOverview {
  /** Done or skipped. */
  readonly checklistDone: number;
  readonly checklistTotal: number;
  readonly overdueSteps: readonly ChecklistItem[];
  /** Drafts waiting for decisions (pending or with changes requested), with how far each is. */
  readonly draftsInReview: readonly DraftProgress[];
  /** Approved and queued: the outbox has not confirmed the post yet. */
  readonly draftsAwaitingPost: readonly ReplyDraft[];
  readonly repliesPosted: number;
  /** Approved, but the outbox gave up on them (or cannot say whether an attempt landed). */
  readonly repliesNotPosted: number;
}

export function overviewOf(state: IncidentState, policy: IncidentPolicy, clock: Clock): IncidentOverview {
  return {
    checklistDone: state.checklist.filter(isClosed).length,
    checklistTotal: state.checklist.length,
    overdueSteps: state.checklist.filter((i) => isOverdue(i, clock)),
    draftsInReview: draftsAwaitingApproval(state).map((draft) => {
        const progress = quorumProgress(state, draft, policy.approvals);
        return { draft, approvedBy: progress.approvedBy, required: progress.required, eligible: progress.eligible.length, reachable: progress.reachable };
      }),
    draftsAwaitingPost: state.drafts.filter((d) => d.status === 'approved'),
    repliesPosted: state.drafts.filter((d) => d.status === 'posted').length,
    repliesNotPosted: state.drafts.filter((d) => d.status === 'not_posted' || d.status === 'unconfirmed').length,
  };
}
