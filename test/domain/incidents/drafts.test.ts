import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/domain/clock.js';
import {
  createDraft,
  decideDraft,
  editDraft,
  markReplyNotPosted,
  markReplyPosted,
  personDeactivated,
  personReactivated,
  resolve,
  reopen,
  type CreateDraftCommand,
  type Effect,
  type IncidentPolicy,
  type IncidentState,
} from '../../../src/domain/incidents/index.js';
import { accepted, incidentPolicy, MINUTE, openState, refused, T0 } from './helpers.js';

const TEXT = 'We know the app is down for some of you. We are on it and will update here within 30 minutes.';

function draftCommand(overrides: Partial<CreateDraftCommand> = {}): CreateDraftCommand {
  return {
    actorUserId: 'UWRITER',
    text: TEXT,
    language: 'en',
    templateId: 'acknowledge-outage',
    target: { kind: 'thread', channelId: 'CCOMMUNITY', messageTs: '1763733600.000100' },
    ...overrides,
  };
}

const posts = (effects: readonly Effect[]) => effects.filter((e) => e.type === 'post_public_reply');

describe('reply drafts', () => {
  let clock: ManualClock;
  let state: IncidentState;
  let policy: IncidentPolicy;

  beforeEach(() => {
    clock = new ManualClock(T0);
    state = openState(clock);
    policy = incidentPolicy();
  });

  function withDraft(p: IncidentPolicy = policy, overrides: Partial<CreateDraftCommand> = {}) {
    return accepted(createDraft(state, draftCommand(overrides), p, clock)).state;
  }

  it('creates a pending revision 1 draft, posts its card in the thread and records the exact text', () => {
    const result = accepted(createDraft(state, draftCommand(), policy, clock));
    const [draft] = result.state.drafts;
    expect(draft).toMatchObject({
      id: 'inc-1/draft-1',
      number: 1,
      revision: 1,
      status: 'pending',
      text: TEXT,
      authorUserId: 'UWRITER',
      contributorUserIds: ['UWRITER'],
      createdAt: T0,
    });
    expect(result.events).toEqual([
      expect.objectContaining({ kind: 'draft_created', actorUserId: 'UWRITER', text: TEXT, at: T0 }),
    ]);
    expect(result.effects).toContainEqual({
      type: 'post_thread_message',
      incidentId: 'inc-1',
      message: { kind: 'draft', draftId: 'inc-1/draft-1', revision: 1 },
    });
    expect(posts(result.effects)).toEqual([]);
    expect(result.audit).toMatchObject({ outcome: 'accepted', action: 'create_draft', actorUserId: 'UWRITER', text: TEXT });
  });

  it('refuses an empty draft and one over the 3000-character limit, stating the limit', () => {
    expect(refused(createDraft(state, draftCommand({ text: '   ' }), policy, clock)).refusal.code).toBe('text_required');
    const tooLong = refused(createDraft(state, draftCommand({ text: 'x'.repeat(3001) }), policy, clock));
    expect(tooLong.refusal.code).toBe('text_too_long');
    expect(tooLong.refusal.message).toContain('3001');
    expect(tooLong.refusal.message).toContain('3000');
    expect(accepted(createDraft(state, draftCommand({ text: 'x'.repeat(3000) }), policy, clock)).state.drafts).toHaveLength(1);
  });

  it('answers only where staff were offered: the channel or a member message the incident quotes', () => {
    for (const target of [
      { kind: 'thread', channelId: 'CCOMMUNITY', messageTs: '1763733999.000900' },
      // An empty ts would post in the channel while the card said "in the thread".
      { kind: 'thread', channelId: 'CCOMMUNITY', messageTs: '' },
      { kind: 'thread', channelId: 'COTHER', messageTs: '1763733600.000100' },
      { kind: 'channel', channelId: 'COTHER' },
    ] as const) {
      const refusal = refused(createDraft(state, draftCommand({ target }), policy, clock)).refusal;
      expect(refusal).toMatchObject({ code: 'unknown_target', params: { field: 'target' } });
    }
    expect(refused(createDraft(state, draftCommand({ target: { kind: 'channel', channelId: 'COTHER' }, locale: 'es' }), policy, clock)).refusal.message).toContain('no cita');
    expect(accepted(createDraft(state, draftCommand({ target: { kind: 'channel', channelId: 'CCOMMUNITY' } }), policy, clock)).state.drafts).toHaveLength(1);
    expect(accepted(createDraft(state, draftCommand(), policy, clock)).state.drafts[0]!.target).toMatchObject({ kind: 'thread', messageTs: '1763733600.000100' });
  });

  it('refuses a draft that no quorum could ever approve', () => {
    const p = incidentPolicy({ quorum: { kind: 'count', n: 3 } });
    const refusal = refused(createDraft(state, draftCommand(), p, clock)).refusal;
    expect(refusal.code).toBe('quorum_unreachable');
    expect(refusal.params).toEqual({ required: 3, eligible: 2 });
    const noApprovers = incidentPolicy({ approverUserIds: [], approverGroups: [{ groupId: 'S1', memberUserIds: [] }] });
    expect(refused(createDraft(state, draftCommand(), noApprovers, clock)).refusal.code).toBe('no_approvers');
    const zero = incidentPolicy({ quorum: { kind: 'count', n: 0 } });
    expect(refused(createDraft(state, draftCommand(), zero, clock)).refusal).toMatchObject({ code: 'invalid_quorum', params: { n: 0 } });
  });

  describe('approval with quorum "any"', () => {
    it('posts the approved text once, with an idempotency key tied to the revision', () => {
      const s = withDraft();
      clock.advance(MINUTE);
      const result = accepted(decideDraft(s, { actorUserId: 'UAPPROVER1', draftId: 'inc-1/draft-1', revision: 1, decision: 'approve' }, policy, clock));
      expect(posts(result.effects)).toEqual([
        {
          type: 'post_public_reply',
          incidentId: 'inc-1',
          draftId: 'inc-1/draft-1',
          revision: 1,
          idempotencyKey: 'reply:inc-1/draft-1:r1',
          target: { kind: 'thread', channelId: 'CCOMMUNITY', messageTs: '1763733600.000100' },
          text: TEXT,
          language: 'en',
          drill: false,
        },
      ]);
      expect(result.state.drafts[0]?.status).toBe('approved');
      expect(result.state.approvals).toEqual([
        {
          draftId: 'inc-1/draft-1',
          draftRevision: 1,
          approverUserId: 'UAPPROVER1',
          decision: 'approve',
          comment: null,
          text: TEXT,
          at: T0 + MINUTE,
          voidedAt: null,
        },
      ]);
      expect(result.events.map((e) => e.kind)).toEqual(['draft_approved', 'quorum_met']);
      expect(result.audit).toMatchObject({ outcome: 'accepted', text: TEXT, details: expect.objectContaining({ quorumMet: true }) });
    });

    it('refuses a second approval after the quorum was met, so nothing is posted twice', () => {
      const s = withDraft();
      const first = accepted(decideDraft(s, { actorUserId: 'UAPPROVER1', draftId: 'inc-1/draft-1', revision: 1, decision: 'approve' }, policy, clock));
      const second = refused(
        decideDraft(first.state, { actorUserId: 'UAPPROVER2', draftId: 'inc-1/draft-1', revision: 1, decision: 'approve' }, policy, clock),
      );
      expect(second.refusal.code).toBe('draft_already_approved');
      expect(second.audit).toMatchObject({ outcome: 'refused', refusalCode: 'draft_already_approved', actorUserId: 'UAPPROVER2', text: TEXT });
    });

    it('marks a drill post so the edge keeps it away from the community', () => {
      state = openState(clock, { drill: true });
      const s = withDraft();
      const result = accepted(decideDraft(s, { actorUserId: 'UAPPROVER1', draftId: 'inc-1/draft-1', revision: 1, decision: 'approve' }, policy, clock));
      expect(posts(result.effects)).toEqual([expect.objectContaining({ drill: true })]);
    });
  });

  describe('who may approve', () => {
    it('refuses anyone who is not an approver and records who tried and on which text', () => {
      const s = withDraft();
      const result = refused(decideDraft(s, { actorUserId: 'URANDOM', draftId: 'inc-1/draft-1', revision: 1, decision: 'approve' }, policy, clock));
      expect(result.refusal.code).toBe('not_an_approver');
      expect(result.refusal.message).toBe("You are not one of this playbook's approvers, so you cannot decide on reply #1. Ask one of them: <@UAPPROVER1>, <@UAPPROVER2>.");
      expect(result.audit).toEqual({
        at: T0,
        incidentId: 'inc-1',
        actorUserId: 'URANDOM',
        action: 'decide_draft',
        outcome: 'refused',
        refusalCode: 'not_an_approver',
        text: TEXT,
        details: { draftId: 'inc-1/draft-1', revision: 1, decision: 'approve', comment: null },
      });
    });

    it('under four-eyes refuses the drafter approving their own draft', () => {
      const s = withDraft(policy, { actorUserId: 'UAPPROVER1' });
      const result = refused(decideDraft(s, { actorUserId: 'UAPPROVER1', draftId: 'inc-1/draft-1', revision: 1, decision: 'approve' }, policy, clock));
      expect(result.refusal.code).toBe('four_eyes');
      const other = accepted(decideDraft(s, { actorUserId: 'UAPPROVER2', draftId: 'inc-1/draft-1', revision: 1, decision: 'approve' }, policy, clock));
      expect(posts(other.effects)).toHaveLength(1);
    });

    it('without four-eyes lets the drafter approve their own draft', () => {
      const p = incidentPolicy({ fourEyes: false });
      const s = withDraft(p, { actorUserId: 'UAPPROVER1' });
      const result = accepted(decideDraft(s, { actorUserId: 'UAPPROVER1', draftId: 'inc-1/draft-1', revision: 1, decision: 'approve' }, p, clock));
      expect(posts(result.effects)).toHaveLength(1);
    });

    it('under four-eyes also excludes someone who edited the draft', () => {
      const s = withDraft();
      const edited = accepted(
        editDraft(s, { actorUserId: 'UAPPROVER1', draftId: 'inc-1/draft-1', revision: 1, text: `${TEXT} Sorry!` }, policy, clock),
      ).state;
      expect(edited.drafts[0]?.contributorUserIds).toEqual(['UWRITER', 'UAPPROVER1']);
      const result = refused(decideDraft(edited, { actorUserId: 'UAPPROVER1', draftId: 'inc-1/draft-1', revision: 2, decision: 'approve' }, policy, clock));
      expect(result.refusal.code).toBe('four_eyes');
    });

    it('accepts members of approver user groups as resolved by the edge', () => {
      const p = incidentPolicy({ approverUserIds: [], approverGroups: [{ groupId: 'SCOMMS', memberUserIds: ['UCOMMS1', 'UCOMMS2'] }] });
      const s = withDraft(p);
      expect(refused(decideDraft(s, { actorUserId: 'UAPPROVER1', draftId: 'inc-1/draft-1', revision: 1, decision: 'approve' }, p, clock)).refusal.code).toBe(
        'not_an_approver',
      );
      const result = accepted(decideDraft(s, { actorUserId: 'UCOMMS2', draftId: 'inc-1/draft-1', revision: 1, decision: 'approve' }, p, clock));
      expect(posts(result.effects)).toHaveLength(1);
    });
  });

  describe('quorum of N distinct approvers', () => {
    const p = incidentPolicy({ approverUserIds: ['UA', 'UB', 'UC'], quorum: { kind: 'count', n: 2 } });

    it('posts only when the second distinct approver approves the same revision', () => {
      const s = withDraft(p);
      const one = accepted(decideDraft(s, { actorUserId: 'UA', draftId: 'inc-1/draft-1', revision: 1, decision: 'approve' }, p, clock));
      expect(posts(one.effects)).toEqual([]);
      expect(one.state.drafts[0]?.status).toBe('pending');
      expect(one.events[0]).toMatchObject({ kind: 'draft_approved', data: expect.objectContaining({ approvals: 1, required: 2 }) });

      const again = refused(decideDraft(one.state, { actorUserId: 'UA', draftId: 'inc-1/draft-1', revision: 1, decision: 'approve' }, p, clock));
      expect(again.refusal.code).toBe('already_decided');

      const two = accepted(decideDraft(one.state, { actorUserId: 'UC', draftId: 'inc-1/draft-1', revision: 1, decision: 'approve' }, p, clock));
      expect(posts(two.effects)).toHaveLength(1);
      expect(two.events[1]).toMatchObject({ kind: 'quorum_met', data: expect.objectContaining({ approverUserIds: ['UA', 'UC'] }) });
    });

    it('does not add up approvals given on different revisions', () => {
      const s = withDraft(p);
      const a1 = accepted(decideDraft(s, { actorUserId: 'UA', draftId: 'inc-1/draft-1', revision: 1, decision: 'approve' }, p, clock)).state;
      const edited = accepted(editDraft(a1, { actorUserId: 'UWRITER', draftId: 'inc-1/draft-1', revision: 1, text: 'New text' }, p, clock)).state;
      const b2 = accepted(decideDraft(edited, { actorUserId: 'UB', draftId: 'inc-1/draft-1', revision: 2, decision: 'approve' }, p, clock));
      expect(posts(b2.effects)).toEqual([]);
      const a2 = accepted(decideDraft(b2.state, { actorUserId: 'UA', draftId: 'inc-1/draft-1', revision: 2, decision: 'approve' }, p, clock));
      expect(posts(a2.effects)).toEqual([expect.objectContaining({ text: 'New text', revision: 2, idempotencyKey: 'reply:inc-1/draft-1:r2' })]);
    });

    it('with quorum "all" needs every approver except the drafter', () => {
      const all = incidentPolicy({ approverUserIds: ['UA', 'UB'], approverGroups: [{ groupId: 'S', memberUserIds: ['UB', 'UC'] }], quorum: { kind: 'all' } });
      const s = withDraft(all, { actorUserId: 'UC' });
      const a = accepted(decideDraft(s, { actorUserId: 'UA', draftId: 'inc-1/draft-1', revision: 1, decision: 'approve' }, all, clock));
      expect(posts(a.effects)).toEqual([]);
      const b = accepted(decideDraft(a.state, { actorUserId: 'UB', draftId: 'inc-1/draft-1', revision: 1, decision: 'approve' }, all, clock));
      expect(posts(b.effects)).toHaveLength(1);
    });
  });

  describe('editing', () => {
    it('voids earlier decisions, bumps the revision and records what changed', () => {
      const p = incidentPolicy({ quorum: { kind: 'count', n: 2 } });
      const s = withDraft(p);
      const approved = accepted(decideDraft(s, { actorUserId: 'UAPPROVER1', draftId: 'inc-1/draft-1', revision: 1, decision: 'approve' }, p, clock)).state;
      clock.advance(2 * MINUTE);
      const newText = TEXT.replace('30 minutes', '15 minutes');
      const result = accepted(editDraft(approved, { actorUserId: 'UWRITER', draftId: 'inc-1/draft-1', revision: 1, text: newText }, p, clock));

      expect(result.state.drafts[0]).toMatchObject({ revision: 2, text: newText, status: 'pending', updatedAt: T0 + 2 * MINUTE });
      expect(result.state.approvals[0]).toMatchObject({ approverUserId: 'UAPPROVER1', voidedAt: T0 + 2 * MINUTE, text: TEXT });
      const [edit] = result.events;
      expect(edit).toMatchObject({ kind: 'draft_edited', text: newText, data: expect.objectContaining({ fromRevision: 1, toRevision: 2, previousText: TEXT, voidedDecisionsBy: ['UAPPROVER1'] }) });
      const diff = edit?.data['diff'] as { op: string; text: string }[];
      expect(diff.filter((c) => c.op === 'delete').map((c) => c.text)).toEqual(['30']);
      expect(diff.filter((c) => c.op === 'insert').map((c) => c.text)).toEqual(['15']);
      expect(result.effects).toContainEqual({ type: 'update_draft_message', incidentId: 'inc-1', draftId: 'inc-1/draft-1' });

      // The earlier approver must look again; their old decision does not block a new one.
      const again = accepted(decideDraft(result.state, { actorUserId: 'UAPPROVER1', draftId: 'inc-1/draft-1', revision: 2, decision: 'approve' }, p, clock));
      expect(posts(again.effects)).toEqual([]);
    });

    it('refuses decisions made on a revision that has since changed', () => {
      const s = withDraft();
      const edited = accepted(editDraft(s, { actorUserId: 'UWRITER', draftId: 'inc-1/draft-1', revision: 1, text: 'Shorter.' }, policy, clock)).state;
      const stale = refused(decideDraft(edited, { actorUserId: 'UAPPROVER1', draftId: 'inc-1/draft-1', revision: 1, decision: 'approve' }, policy, clock));
      expect(stale.refusal.code).toBe('stale_revision');
      expect(stale.refusal.params).toEqual({ draftNumber: 1, seen: 1, current: 2 });
      expect(refused(editDraft(edited, { actorUserId: 'UWRITER', draftId: 'inc-1/draft-1', revision: 1, text: 'Other.' }, policy, clock)).refusal.code).toBe(
        'stale_revision',
      );
    });

    it('refuses an edit that changes nothing, and edits of approved drafts', () => {
      const s = withDraft();
      expect(refused(editDraft(s, { actorUserId: 'UWRITER', draftId: 'inc-1/draft-1', revision: 1, text: TEXT }, policy, clock)).refusal.code).toBe('no_change');
      const approved = accepted(decideDraft(s, { actorUserId: 'UAPPROVER1', draftId: 'inc-1/draft-1', revision: 1, decision: 'approve' }, policy, clock)).state;
      expect(refused(editDraft(approved, { actorUserId: 'UWRITER', draftId: 'inc-1/draft-1', revision: 1, text: 'late' }, policy, clock)).refusal.code).toBe(
        'draft_already_approved',
      );
    });

    it('refuses an edit that would leave no one eligible to approve', () => {
      const p = incidentPolicy({ quorum: { kind: 'count', n: 2 } });
      const s = withDraft(p);
      const result = refused(editDraft(s, { actorUserId: 'UAPPROVER2', draftId: 'inc-1/draft-1', revision: 1, text: 'mine now' }, p, clock));
      expect(result.refusal).toMatchObject({ code: 'quorum_unreachable', params: { required: 2, eligible: 1 } });
    });
  });

  describe('request changes and reject', () => {
    it('needs a comment, blocks approval until the draft is edited, then approval works', () => {
      const s = withDraft();
      const noComment = refused(decideDraft(s, { actorUserId: 'UAPPROVER1', draftId: 'inc-1/draft-1', revision: 1, decision: 'request_changes', comment: ' ' }, policy, clock));
      expect(noComment.refusal).toMatchObject({ code: 'text_required', message: 'The comment is required.' });

      const asked = accepted(
        decideDraft(s, { actorUserId: 'UAPPROVER1', draftId: 'inc-1/draft-1', revision: 1, decision: 'request_changes', comment: 'Give a time.' }, policy, clock),
      );
      expect(asked.state.drafts[0]?.status).toBe('changes_requested');
      expect(asked.events[0]).toMatchObject({ kind: 'draft_changes_requested', text: TEXT, data: expect.objectContaining({ comment: 'Give a time.' }) });

      const blocked = refused(decideDraft(asked.state, { actorUserId: 'UAPPROVER2', draftId: 'inc-1/draft-1', revision: 1, decision: 'approve' }, policy, clock));
      expect(blocked.refusal.code).toBe('changes_requested_pending');
      expect(blocked.refusal.message).toContain('<@UAPPROVER1>');

      const edited = accepted(editDraft(asked.state, { actorUserId: 'UWRITER', draftId: 'inc-1/draft-1', revision: 1, text: `${TEXT} Next update 15:30 UTC.` }, policy, clock));
      expect(edited.state.drafts[0]?.status).toBe('pending');
      const approved = accepted(decideDraft(edited.state, { actorUserId: 'UAPPROVER2', draftId: 'inc-1/draft-1', revision: 2, decision: 'approve' }, policy, clock));
      expect(posts(approved.effects)).toHaveLength(1);
    });

    it('closes a rejected draft for good', () => {
      const s = withDraft();
      const rejected = accepted(
        decideDraft(s, { actorUserId: 'UAPPROVER1', draftId: 'inc-1/draft-1', revision: 1, decision: 'reject', comment: 'Wrong tone.' }, policy, clock),
      );
      expect(rejected.state.drafts[0]?.status).toBe('rejected');
      expect(posts(rejected.effects)).toEqual([]);
      expect(refused(decideDraft(rejected.state, { actorUserId: 'UAPPROVER2', draftId: 'inc-1/draft-1', revision: 1, decision: 'approve' }, policy, clock)).refusal.code).toBe(
        'draft_closed',
      );
      expect(refused(editDraft(rejected.state, { actorUserId: 'UWRITER', draftId: 'inc-1/draft-1', revision: 1, text: 'Try again' }, policy, clock)).refusal.code).toBe(
        'draft_closed',
      );
      // A new draft gets the next number.
      const next = accepted(createDraft(rejected.state, draftCommand({ text: 'Try again' }), policy, clock));
      expect(next.state.drafts[1]).toMatchObject({ id: 'inc-1/draft-2', number: 2 });
    });
  });

  describe('marking the reply posted', () => {
    it('is refused before approval, recorded once after, and a repeat is a no-op', () => {
      const s = withDraft();
      expect(refused(markReplyPosted(s, { draftId: 'inc-1/draft-1', revision: 1, messageTs: '1.2' }, clock)).refusal.code).toBe('draft_not_approved');
      const approved = accepted(decideDraft(s, { actorUserId: 'UAPPROVER1', draftId: 'inc-1/draft-1', revision: 1, decision: 'approve' }, policy, clock)).state;
      clock.advance(5_000);
      const posted = accepted(markReplyPosted(approved, { draftId: 'inc-1/draft-1', revision: 1, messageTs: '1763734000.000200' }, clock));
      expect(posted.state.drafts[0]).toMatchObject({ status: 'posted', postedAt: T0 + 5_000, postedMessageTs: '1763734000.000200' });
      expect(posted.events).toEqual([
        expect.objectContaining({
          kind: 'reply_posted',
          actorUserId: null,
          text: TEXT,
          data: expect.objectContaining({ approverUserIds: ['UAPPROVER1'], authorUserId: 'UWRITER', revision: 1 }),
        }),
      ]);
      const repeat = accepted(markReplyPosted(posted.state, { draftId: 'inc-1/draft-1', revision: 1, messageTs: '1763734000.000200' }, clock));
      expect(repeat).toMatchObject({ events: [], effects: [], audit: { outcome: 'no_op' } });
      expect(repeat.state).toBe(posted.state);
    });

    it('ticks the steps marked doneWhen: first-reply-posted, as done by Firebreak', () => {
      const s = withDraft();
      const auto = { ...policy, stepsDoneWhen: { pin: 'first-reply-posted' as const } };
      const approved = accepted(decideDraft(s, { actorUserId: 'UAPPROVER1', draftId: 'inc-1/draft-1', revision: 1, decision: 'approve' }, auto, clock)).state;
      expect(approved.checklist.find((item) => item.stepId === 'pin')?.doneAt).toBeNull();
      const posted = accepted(markReplyPosted(approved, { draftId: 'inc-1/draft-1', revision: 1, messageTs: '1.5' }, clock, auto));
      expect(posted.state.checklist.find((item) => item.stepId === 'pin')).toMatchObject({ doneAt: T0, doneByUserId: null });
      expect(posted.events.map((e) => e.kind)).toEqual(['reply_posted', 'checklist_ticked']);
      expect(posted.state.checklist.find((item) => item.stepId === 'status-page')?.doneAt).toBeNull();
    });

    it('still records a post that lands after the incident was resolved, but no new decision is taken', () => {
      const s = withDraft();
      const approved = accepted(decideDraft(s, { actorUserId: 'UAPPROVER1', draftId: 'inc-1/draft-1', revision: 1, decision: 'approve' }, policy, clock)).state;
      const resolved = accepted(resolve(approved, { actorUserId: 'UAPPROVER1', summary: 'Fixed.' }, policy, clock)).state;
      expect(accepted(markReplyPosted(resolved, { draftId: 'inc-1/draft-1', revision: 1, messageTs: '9.9' }, clock)).state.drafts[0]?.status).toBe('posted');
    });

    it('an approved reply the outbox gave up on is not posted, for good; unanswered attempts make it unconfirmed; a posted one stays posted', () => {
      const s = withDraft();
      const failure = { draftId: 'inc-1/draft-1', revision: 1, reason: 'is_archived', uncertain: false };
      expect(refused(markReplyNotPosted(s, failure, clock)).refusal.code).toBe('draft_not_approved');
      const approved = accepted(decideDraft(s, { actorUserId: 'UAPPROVER1', draftId: 'inc-1/draft-1', revision: 1, decision: 'approve' }, policy, clock)).state;
      const failed = accepted(markReplyNotPosted(approved, failure, clock));
      expect(failed.state.drafts[0]?.status).toBe('not_posted');
      expect(failed.events).toEqual([expect.objectContaining({ kind: 'reply_not_posted', data: expect.objectContaining({ reason: 'is_archived', uncertain: false }) })]);
      expect(failed.effects.map((e) => e.type)).toEqual(['update_draft_message', 'update_root_message']);
      expect(accepted(markReplyNotPosted(failed.state, failure, clock)).audit.outcome).toBe('no_op');
      // Closed: neither decided nor edited again, and never reported posted afterwards.
      expect(refused(decideDraft(failed.state, { actorUserId: 'UAPPROVER2', draftId: 'inc-1/draft-1', revision: 1, decision: 'approve' }, policy, clock)).refusal.code).toBe('draft_not_posted');
      expect(refused(editDraft(failed.state, { actorUserId: 'UWRITER', draftId: 'inc-1/draft-1', revision: 1, text: `${TEXT} More soon.` }, policy, clock)).refusal.code).toBe('draft_not_posted');
      expect(refused(markReplyPosted(failed.state, { draftId: 'inc-1/draft-1', revision: 1, messageTs: '1.2' }, clock)).refusal.code).toBe('draft_not_approved');
      expect(accepted(markReplyNotPosted(approved, { ...failure, uncertain: true }, clock)).state.drafts[0]?.status).toBe('unconfirmed');
      const posted = accepted(markReplyPosted(approved, { draftId: 'inc-1/draft-1', revision: 1, messageTs: '1.2' }, clock)).state;
      expect(refused(markReplyNotPosted(posted, failure, clock)).refusal.code).toBe('draft_not_approved');
    });
  });

  it('refuses draft work on a resolved incident', () => {
    const s = withDraft();
    const resolved = accepted(resolve(s, { actorUserId: 'UAPPROVER1', summary: 'Fixed.' }, policy, clock)).state;
    expect(refused(decideDraft(resolved, { actorUserId: 'UAPPROVER2', draftId: 'inc-1/draft-1', revision: 1, decision: 'approve' }, policy, clock)).refusal.code).toBe(
      'incident_resolved',
    );
    expect(refused(createDraft(resolved, draftCommand(), policy, clock)).refusal.code).toBe('incident_resolved');
    expect(refused(editDraft(resolved, { actorUserId: 'UWRITER', draftId: 'inc-1/draft-1', revision: 1, text: 'x' }, policy, clock)).refusal.code).toBe(
      'incident_resolved',
    );
  });

  it('explains a refusal in the language of the person who acted', () => {
    const s = withDraft();
    const result = refused(
      decideDraft(s, { actorUserId: 'URANDOM', locale: 'es', draftId: 'inc-1/draft-1', revision: 1, decision: 'approve' }, policy, clock),
    );
    expect(result.refusal.message).toBe(
      'No figuras entre las personas aprobadoras de este playbook, así que no puedes decidir sobre la respuesta #1. Pídeselo a una de ellas: <@UAPPROVER1>, <@UAPPROVER2>.',
    );
  });
});

describe('approvers named by user id whose Slack accounts are deactivated (the edge leaves them out)', () => {
  let clock: ManualClock;
  let state: IncidentState;
  beforeEach(() => {
    clock = new ManualClock(T0);
    state = accepted(createDraft(openState(clock), draftCommand(), incidentPolicy({ approverUserIds: ['UANN', 'UBEN', 'USAM'], quorum: { kind: 'count', n: 3 } }), clock)).state;
  });
  const decide = (s: IncidentState, actorUserId: string, policy: IncidentPolicy) =>
    decideDraft(s, { actorUserId, draftId: 'inc-1/draft-1', revision: 1, decision: 'approve' }, policy, clock);

  it('count: n above the approvers still here is never met, and the thread says it cannot be and what to do', () => {
    const without = incidentPolicy({ approverUserIds: ['UANN', 'UBEN'], deactivatedUserIds: ['USAM'], quorum: { kind: 'count', n: 3 } });
    const told = accepted(personDeactivated(state, { userId: 'USAM' }, without, clock));
    expect(told.events.map((e) => [e.kind, e.data])).toEqual([['approver_deactivated', { userId: 'USAM', draftNumbers: [1], unreachable: [1], approvedByAll: [] }]]);
    expect(told.effects).toContainEqual({ type: 'update_draft_message', incidentId: 'inc-1', draftId: 'inc-1/draft-1' });
    let next = accepted(decide(told.state, 'UANN', without)).state;
    next = accepted(decide(next, 'UBEN', without)).state;
    // The bar is not lowered: two of three is not a quorum, and nobody else may approve.
    expect(next.drafts[0]!.status).toBe('pending');
    expect(refused(decide(next, 'USAM', without)).refusal.code).toBe('not_an_approver');
  });

  it('all: everyone still here having approved, the quorum is met only when one of them presses Approve again', () => {
    const all = incidentPolicy({ approverUserIds: ['UANN', 'UBEN', 'USAM'], quorum: { kind: 'all' } });
    let next = accepted(decide(state, 'UANN', all)).state;
    next = accepted(decide(next, 'UBEN', all)).state;
    const without = incidentPolicy({ approverUserIds: ['UANN', 'UBEN'], deactivatedUserIds: ['USAM'], quorum: { kind: 'all' } });
    const told = accepted(personDeactivated(next, { userId: 'USAM' }, without, clock));
    expect(told.events[0]!.data).toMatchObject({ unreachable: [], approvedByAll: [1] });
    expect(posts(told.effects)).toEqual([]);
    expect(told.state.drafts[0]!.status).toBe('pending');
    const again = accepted(decide(told.state, 'UANN', without));
    expect(posts(again.effects)).toHaveLength(1);
    expect(again.state.drafts[0]!.status).toBe('approved');
    expect(again.state.approvals).toHaveLength(2);
    // Re-activated: counted again, so pressing Approve again no longer posts anything.
    expect(refused(decide(told.state, 'UANN', all)).refusal.code).toBe('already_decided');
    expect(accepted(personReactivated(told.state, { userId: 'USAM' }, all, clock)).events.map((e) => e.kind)).toEqual(['approver_reactivated']);
  });
});

describe('an edit into another language, and a resolve with replies still waiting', () => {
  const SPANISH = 'Hola a todos, sabemos que la aplicación no funciona y estamos trabajando para arreglarlo lo antes posible. Gracias por vuestra paciencia.';
  const ENGLISH = 'We know the app is failing for many of you and we are working on a fix. We will update this channel within the hour.';
  const readersInEnglish = { targetLanguage: 'en' as const };
  let clock: ManualClock;
  let policy: IncidentPolicy;
  let drafted: IncidentState;

  beforeEach(() => {
    clock = new ManualClock(T0);
    policy = incidentPolicy();
    const command = { ...draftCommand({ text: ENGLISH }), preflight: readersInEnglish };
    drafted = accepted(createDraft(openState(clock), command, policy, clock)).state;
  });

  const edit = (state: IncidentState, text: string, languageConfirmed?: boolean, revision = 1) =>
    editDraft(state, { actorUserId: 'UEDITOR', draftId: 'inc-1/draft-1', revision, text, preflight: readersInEnglish, ...(languageConfirmed === undefined ? {} : { languageConfirmed }) }, policy, clock);

  it('asks the editor to confirm a language the readers do not write in, as creation does', () => {
    const refusal = refused(edit(drafted, SPANISH)).refusal;
    expect(refusal).toMatchObject({ code: 'preflight_language', params: { field: 'language', language: 'es', expected: 'en', edit: true } });
    expect(refusal.message).toContain('Tick “Post in this language anyway”');
  });

  it('once confirmed, the draft is in the language its text is written in, and the warning says it was confirmed', () => {
    const draft = accepted(edit(drafted, SPANISH, true)).state.drafts[0]!;
    expect(draft.language).toBe('es');
    expect(draft.preflightWarnings).toEqual([{ code: 'language', language: 'es', expected: 'en', confirmed: true }]);
  });

  it('a further edit in the language already confirmed is not asked again; back in the readers’ language, no warning', () => {
    const inSpanish = accepted(edit(drafted, SPANISH, true)).state;
    const again = accepted(edit(inSpanish, `${SPANISH} Os avisamos aquí.`, undefined, 2)).state.drafts[0]!;
    expect(again.preflightWarnings).toEqual([{ code: 'language', language: 'es', expected: 'en', confirmed: true }]);
    const back = accepted(edit(accepted(edit(drafted, SPANISH, true)).state, ENGLISH, undefined, 2)).state.drafts[0]!;
    expect(back.language).toBe('en');
    expect(back.preflightWarnings).toEqual([]);
  });

  it('resolving closes the replies still waiting for approval, redraws their cards and says so in the timeline', () => {
    clock.advance(MINUTE);
    const result = accepted(resolve(drafted, { actorUserId: 'UAPPROVER1', summary: 'Fixed.' }, policy, clock));
    expect(result.state.drafts[0]).toMatchObject({ status: 'closed_unsent', updatedAt: T0 + MINUTE });
    expect(result.events.map((event) => event.kind)).toEqual(['resolved', 'draft_closed_unsent']);
    expect(result.events[1]).toMatchObject({ at: T0 + MINUTE, data: { draftId: 'inc-1/draft-1', draftNumber: 1, reason: 'incident_resolved' } });
    expect(result.effects).toContainEqual({ type: 'update_draft_message', incidentId: 'inc-1', draftId: 'inc-1/draft-1' });
    // Nothing is posted, and a stale click after a reopen is told why.
    expect(posts(result.effects)).toEqual([]);
    const reopened = accepted(reopen(result.state, { actorUserId: 'UAPPROVER1' }, policy, clock)).state;
    expect(refused(decideDraft(reopened, { actorUserId: 'UAPPROVER1', draftId: 'inc-1/draft-1', revision: 1, decision: 'approve' }, policy, clock)).refusal.code).toBe('draft_closed_unsent');
  });

  it('a reply already approved when the incident is resolved is still being posted: it is left as it is', () => {
    const approved = accepted(decideDraft(drafted, { actorUserId: 'UAPPROVER1', draftId: 'inc-1/draft-1', revision: 1, decision: 'approve' }, policy, clock)).state;
    const result = accepted(resolve(approved, { actorUserId: 'UAPPROVER1', summary: 'Fixed.' }, policy, clock));
    expect(result.state.drafts[0]?.status).toBe('approved');
    expect(result.events.map((event) => event.kind)).toEqual(['resolved']);
  });

  it('the thread says who approved, in one line, before the approved reply is posted (a drill posts it in that thread)', () => {
    const result = accepted(decideDraft(drafted, { actorUserId: 'UAPPROVER1', draftId: 'inc-1/draft-1', revision: 1, decision: 'approve' }, policy, clock));
    const types = result.effects.map((effect) => (effect.type === 'post_thread_message' && effect.message.kind === 'event' ? effect.message.event.kind : effect.type));
    // One click, one line: the approval's line says it will be posted; the quorum is stored, not announced again.
    expect(types.filter((type) => type === 'draft_approved' || type === 'quorum_met')).toEqual(['draft_approved']);
    expect(types.indexOf('post_public_reply')).toBeGreaterThan(types.indexOf('draft_approved'));
    expect(result.events.map((e) => e.kind)).toEqual(['draft_approved', 'quorum_met']);
    expect(result.events[0]?.data).toMatchObject({ quorumMet: true, approvals: 1, required: 1 });
    expect(result.events[1]?.data).toMatchObject({ withApproval: true, approverUserIds: ['UAPPROVER1'] });
  });
});
