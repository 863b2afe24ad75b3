// closeRepliesLeftWaiting: replies an older version left waiting for approval in an incident it resolved
// are closed as resolve closes them (same status, same timeline entry, cards redrawn), without a thread line.
import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/domain/clock.js';
import { closeRepliesLeftWaiting, createDraft, resolve, type IncidentState, type ReplyDraft } from '../../../src/domain/incidents/index.js';
import { accepted, incidentPolicy, MINUTE, openState, T0 } from './helpers.js';

const target = { kind: 'thread' as const, channelId: 'CCOMMUNITY', messageTs: '1763733600.000100' };

describe('replies left waiting in a resolved incident', () => {
  let clock: ManualClock;
  let drafted: IncidentState;

  beforeEach(() => {
    clock = new ManualClock(T0);
    const policy = incidentPolicy();
    let state = openState(clock);
    for (const text of ['We are on it.', 'More soon.', 'Fixed now.']) {
      state = accepted(createDraft(state, { actorUserId: 'UWRITER', text, language: 'en', templateId: null, target }, policy, clock)).state;
    }
    drafted = state;
  });

  /** As an older version resolved it: resolved, its replies left as they were. */
  const resolvedTheOldWay = (statuses: ReplyDraft['status'][]): IncidentState => ({
    ...drafted,
    incident: { ...drafted.incident, status: 'resolved', resolvedAt: T0, resolutionSummary: 'Fixed.' },
    drafts: drafted.drafts.map((draft, index) => ({ ...draft, status: statuses[index]! })),
  });

  it('closes the pending and changes-requested replies unsent, as resolve does, and redraws their cards and the alert; an approved one stays', () => {
    clock.advance(MINUTE);
    const result = accepted(closeRepliesLeftWaiting(resolvedTheOldWay(['pending', 'changes_requested', 'approved']), clock));
    expect(result.state.drafts.map((draft) => draft.status)).toEqual(['closed_unsent', 'closed_unsent', 'approved']);
    expect(result.state.drafts[0]!.updatedAt).toBe(T0 + MINUTE);
    expect(result.state.incident).toMatchObject({ status: 'resolved', resolvedAt: T0 });
    expect(result.events.map((event) => [event.kind, event.data])).toEqual([
      ['draft_closed_unsent', { draftId: 'inc-1/draft-1', draftNumber: 1, revision: 1, reason: 'incident_resolved' }],
      ['draft_closed_unsent', { draftId: 'inc-1/draft-2', draftNumber: 2, revision: 1, reason: 'incident_resolved' }],
    ]);
    expect(result.effects).toEqual([
      { type: 'update_draft_message', incidentId: 'inc-1', draftId: 'inc-1/draft-1' },
      { type: 'update_draft_message', incidentId: 'inc-1', draftId: 'inc-1/draft-2' },
      { type: 'update_root_message', incidentId: 'inc-1' },
    ]);
    expect(result.audit).toMatchObject({ action: 'close_replies_left_waiting', outcome: 'accepted', actorUserId: null });
    // Once: the next start finds nothing to close.
    expect(closeRepliesLeftWaiting(result.state, clock)).toMatchObject({ ok: true, events: [], effects: [], audit: { outcome: 'no_op' } });
  });

  it('changes nothing in an open incident (its replies still wait, rightly) or a resolved one with none waiting', () => {
    expect(closeRepliesLeftWaiting(drafted, clock)).toMatchObject({ ok: true, events: [], effects: [], audit: { outcome: 'no_op' } });
    expect(closeRepliesLeftWaiting(resolvedTheOldWay(['posted', 'rejected', 'approved']), clock)).toMatchObject({ ok: true, events: [], effects: [], audit: { outcome: 'no_op' } });
  });

  it('resolve closes the same replies with the same timeline entries', () => {
    clock.advance(MINUTE);
    const resolved = accepted(resolve(drafted, { actorUserId: 'UAPPROVER1', summary: 'Fixed.' }, incidentPolicy(), clock));
    const caughtUp = accepted(closeRepliesLeftWaiting(resolvedTheOldWay(['pending', 'pending', 'pending']), clock));
    expect(resolved.state.drafts).toEqual(caughtUp.state.drafts);
    expect(resolved.events.slice(1).map((event) => [event.kind, event.text, event.data])).toEqual(caughtUp.events.map((event) => [event.kind, event.text, event.data]));
  });
});
