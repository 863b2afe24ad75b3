import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/domain/clock.js';
import { FirebreakError } from '../../../src/errors.js';
import {
  acknowledge,
  authority,
  changeSeverity,
  createDraft,
  defaultAuthorityPolicy,
  decideDraft,
  openIncident,
  overviewOf,
  reopen,
  resolve,
  skipStep,
  tickStep,
  untickStep,
  isOverdue,
  type IncidentPolicy,
  type IncidentState,
} from '../../../src/domain/incidents/index.js';
import { accepted, incidentPolicy, MINUTE, openInput, openState, refused, T0 } from './helpers.js';

describe('opening an incident', () => {
  it('builds the state, the detection entries and the first effects', () => {
    const clock = new ManualClock(T0);
    const { state, events, effects } = openIncident(openInput(), incidentPolicy().escalation, clock);
    expect(state.incident).toMatchObject({ id: 'inc-1', status: 'open', leadUserId: null, openedAt: T0, detectedAt: T0 - 5 * MINUTE });
    const open = { doneAt: null, doneByUserId: null, skippedAt: null, skippedByUserId: null, skipReason: null };
    expect(state.checklist).toEqual([
      { stepId: 'status-page', text: 'Update the status page', required: false, ownerRole: 'ops', ownerUserId: 'UOPS', dueAt: T0 + 15 * MINUTE, ...open },
      { stepId: 'pin', text: 'Pin the official answer', required: false, ownerRole: 'lead', ownerUserId: null, dueAt: null, ...open },
    ]);
    expect(events.map((e) => [e.kind, e.at])).toEqual([
      ['detected', T0 - 5 * MINUTE],
      ['opened', T0],
    ]);
    expect(effects).toEqual([
      { type: 'post_root_message', incidentId: 'inc-1' },
      expect.objectContaining({ type: 'schedule_reminder', reminderKey: 'incident:inc-1:acknowledge:0', reason: 'acknowledge', at: T0 + 10 * MINUTE, recipientUserIds: ['UONCALL'] }),
      expect.objectContaining({ type: 'schedule_reminder', reminderKey: 'incident:inc-1:acknowledge:1', reason: 'acknowledge', at: T0 + 30 * MINUTE, recipientUserIds: ['UHEAD'] }),
      expect.objectContaining({ type: 'schedule_reminder', reason: 'checklist_step', at: T0 + 15 * MINUTE, recipientUserIds: ['UOPS'] }),
    ]);
  });

  it('rejects duplicate step ids and impossible times with a clear error', () => {
    const clock = new ManualClock(T0);
    const bad = openInput({
      firstAbnormalAt: T0,
      detectedAt: T0 - MINUTE,
      checklist: [
        { stepId: 'a', text: 'One', required: true, ownerRole: null, ownerUserId: null, dueAfterMs: null },
        { stepId: 'a', text: 'Two', required: true, ownerRole: null, ownerUserId: null, dueAfterMs: -1 },
      ],
    });
    expect(() => openIncident(bad, incidentPolicy().escalation, clock)).toThrow(FirebreakError);
    expect(() => openIncident(bad, incidentPolicy().escalation, clock)).toThrow(
      /firstAbnormalAt is after detectedAt; checklist\[1\]: step id "a" is used twice; checklist\[1\] \("a"\): dueAfterMs must be 0 or more/,
    );
  });
});

describe('incident actions', () => {
  let clock: ManualClock;
  let state: IncidentState;
  let policy: IncidentPolicy;

  beforeEach(() => {
    clock = new ManualClock(T0);
    state = openState(clock);
    policy = incidentPolicy();
  });

  describe('acknowledge / take the lead', () => {
    it('acknowledges, makes the presser lead and stops the acknowledgement reminder', () => {
      clock.advance(3 * MINUTE);
      const result = accepted(acknowledge(state, { actorUserId: 'ULEAD' }, policy, clock));
      expect(result.state.incident).toMatchObject({ status: 'acknowledged', leadUserId: 'ULEAD', acknowledgedAt: T0 + 3 * MINUTE });
      expect(result.events).toEqual([expect.objectContaining({ kind: 'acknowledged', actorUserId: 'ULEAD' })]);
      expect(result.effects).toContainEqual({ type: 'cancel_reminder', reminderKey: 'incident:inc-1:acknowledge:0' });
      expect(result.effects).toContainEqual({ type: 'cancel_reminder', reminderKey: 'incident:inc-1:acknowledge:1' });
      expect(result.effects).toContainEqual({ type: 'update_root_message', incidentId: 'inc-1' });
    });

    it('hands the lead over without changing the acknowledgement time', () => {
      const first = accepted(acknowledge(state, { actorUserId: 'ULEAD' }, policy, clock)).state;
      clock.advance(MINUTE);
      const second = accepted(acknowledge(first, { actorUserId: 'UOTHER' }, policy, clock));
      expect(second.state.incident).toMatchObject({ leadUserId: 'UOTHER', acknowledgedAt: T0 });
      expect(second.events[0]).toMatchObject({ kind: 'lead_changed', data: { fromUserId: 'ULEAD', toUserId: 'UOTHER' } });
      expect(refused(acknowledge(second.state, { actorUserId: 'UOTHER' }, policy, clock)).refusal.code).toBe('already_lead');
    });

    it('refuses a press made while seeing another lead: two people pressing at once do not take the lead from each other', () => {
      const first = accepted(acknowledge(state, { actorUserId: 'ULEAD', seenLeadUserId: null }, policy, clock)).state;
      const late = refused(acknowledge(first, { actorUserId: 'UOTHER', seenLeadUserId: null }, policy, clock));
      expect(late.refusal).toMatchObject({ code: 'lead_changed', message: '<@ULEAD> took the lead of incident #7 just before you pressed. Press *Take over the lead* on the alert if you mean to take it from them.' });
      expect(late.audit).toMatchObject({ actorUserId: 'UOTHER', refusalCode: 'lead_changed' });
      // Pressed while seeing who leads now, it is a take-over.
      const taken = accepted(acknowledge(first, { actorUserId: 'UOTHER', seenLeadUserId: 'ULEAD' }, policy, clock));
      expect(taken.state.incident.leadUserId).toBe('UOTHER');
      expect(refused(acknowledge(taken.state, { actorUserId: 'UTHIRD', seenLeadUserId: 'ULEAD' }, policy, clock)).refusal.code).toBe('lead_changed');
    });
  });

  describe('change severity', () => {
    it('lets the lead change it with a reason, and records the reason', () => {
      const led = accepted(acknowledge(state, { actorUserId: 'ULEAD' }, policy, clock)).state;
      const result = accepted(changeSeverity(led, { actorUserId: 'ULEAD', severity: 'sev1', reason: 'Press picked it up' }, policy, clock));
      expect(result.state.incident.severity).toBe('sev1');
      expect(result.events[0]).toMatchObject({ kind: 'severity_changed', text: 'Press picked it up', data: { from: 'sev2', to: 'sev1' } });
    });

    it('refuses anyone but the lead or an approver, saying who may', () => {
      const led = accepted(acknowledge(state, { actorUserId: 'ULEAD' }, policy, clock)).state;
      const result = refused(changeSeverity(led, { actorUserId: 'URANDOM', severity: 'sev1', reason: 'x' }, policy, clock));
      expect(result.refusal.message).toBe('Only the incident lead or an approver can change the severity under this playbook. Ask one of them: <@ULEAD>, <@UAPPROVER1>, <@UAPPROVER2>.');
      expect(result.audit).toMatchObject({ actorUserId: 'URANDOM', refusalCode: 'not_authorised', text: 'x', details: { from: 'sev2', to: 'sev1' } });
      expect(accepted(changeSeverity(led, { actorUserId: 'UAPPROVER2', severity: 'sev1', reason: 'x' }, policy, clock)).state.incident.severity).toBe('sev1');
    });

    it('refuses a change made on a form that showed another severity than the current one', () => {
      const led = accepted(acknowledge(state, { actorUserId: 'ULEAD' }, policy, clock)).state;
      const escalated = accepted(changeSeverity(led, { actorUserId: 'ULEAD', severity: 'sev1', reason: 'Press', seenSeverity: 'sev2' }, policy, clock)).state;
      const late = refused(changeSeverity(escalated, { actorUserId: 'UAPPROVER2', severity: 'sev3', reason: 'calmer', seenSeverity: 'sev2' }, policy, clock));
      expect(late.refusal).toMatchObject({ code: 'severity_changed', params: { seen: 'sev2', current: 'sev1' } });
      expect(escalated.incident.severity).toBe('sev1');
      expect(accepted(changeSeverity(escalated, { actorUserId: 'UAPPROVER2', severity: 'sev3', reason: 'calmer', seenSeverity: 'sev1' }, policy, clock)).state.incident.severity).toBe('sev3');
    });

    it('follows the playbook when it lets anyone change severity', () => {
      const open = incidentPolicy({}, { authority: { ...defaultAuthorityPolicy, changeSeverity: authority({ anyone: true }) } });
      expect(accepted(changeSeverity(state, { actorUserId: 'URANDOM', severity: 'sev3', reason: 'calmer' }, open, clock)).state.incident.severity).toBe('sev3');
    });

    it('maps a playbook that lets only the lead act, with approvers standing in while nobody leads', () => {
      const leadOnly = incidentPolicy({}, { authority: { ...defaultAuthorityPolicy, resolve: authority({ lead: true }) } });
      expect(accepted(resolve(state, { actorUserId: 'UAPPROVER1', summary: 'false alarm' }, leadOnly, clock)).state.incident.status).toBe('resolved');
      const led = accepted(acknowledge(state, { actorUserId: 'ULEAD' }, leadOnly, clock)).state;
      const refusal = refused(resolve(led, { actorUserId: 'UAPPROVER1', summary: 'done' }, leadOnly, clock)).refusal;
      expect(refusal).toMatchObject({
        code: 'not_authorised',
        message: 'Only the incident lead can resolve the incident under this playbook. Ask one of them: <@ULEAD>.',
        params: { action: 'resolve', lead: true, approvers: false, named: false, people: ['ULEAD'], more: 0 },
      });
      expect(accepted(resolve(led, { actorUserId: 'ULEAD', summary: 'done' }, leadOnly, clock)).state.incident.status).toBe('resolved');
    });

    it('lets people and groups the playbook names act, and says so in Spanish too', () => {
      const named = incidentPolicy({}, {
        authority: { ...defaultAuthorityPolicy, changeSeverity: authority({ lead: true, userIds: ['ULEGAL'], groups: [{ groupId: 'SPR', memberUserIds: ['UPR'] }] }) },
      });
      const led = accepted(acknowledge(state, { actorUserId: 'ULEAD' }, named, clock)).state;
      expect(accepted(changeSeverity(led, { actorUserId: 'ULEGAL', severity: 'sev1', reason: 'legal risk' }, named, clock)).state.incident.severity).toBe('sev1');
      expect(accepted(changeSeverity(led, { actorUserId: 'UPR', severity: 'sev3', reason: 'calmer' }, named, clock)).state.incident.severity).toBe('sev3');
      const refusal = refused(changeSeverity(led, { actorUserId: 'UAPPROVER1', locale: 'es', severity: 'sev1', reason: 'x' }, named, clock)).refusal;
      expect(refusal.message).toBe('Según este playbook, solo quien lidera el incidente o alguien que el playbook nombra puede cambiar la gravedad. Pídeselo a una de ellas: <@ULEAD>, <@ULEGAL>, <@UPR>.');
    });

    it('refuses no reason, the same severity, and an unknown severity', () => {
      expect(refused(changeSeverity(state, { actorUserId: 'UAPPROVER1', severity: 'sev1', reason: '' }, policy, clock)).refusal.code).toBe('text_required');
      expect(refused(changeSeverity(state, { actorUserId: 'UAPPROVER1', severity: 'sev2', reason: 'x' }, policy, clock)).refusal.code).toBe('same_severity');
      const unknown = refused(changeSeverity(state, { actorUserId: 'UAPPROVER1', severity: 'sev9' as 'sev1', reason: 'x' }, policy, clock));
      expect(unknown.refusal.message).toBe('"sev9" is not a valid severity; expected one of: sev1, sev2, sev3, sev4.');
    });
  });

  describe('checklist', () => {
    it('ticks a step, cancels its reminder, and undo brings the reminder back while it is still due', () => {
      clock.advance(MINUTE);
      const ticked = accepted(tickStep(state, { actorUserId: 'UOPS', stepId: 'status-page' }, policy, clock));
      expect(ticked.state.checklist[0]).toMatchObject({ doneAt: T0 + MINUTE, doneByUserId: 'UOPS' });
      expect(ticked.events[0]).toMatchObject({ kind: 'checklist_ticked', text: 'Update the status page' });
      expect(ticked.effects).toContainEqual({ type: 'cancel_reminder', reminderKey: 'incident:inc-1:step:status-page' });

      expect(refused(tickStep(ticked.state, { actorUserId: 'UOPS', stepId: 'status-page' }, policy, clock)).refusal.code).toBe('step_already_done');
      const unticked = accepted(untickStep(ticked.state, { actorUserId: 'UOPS', stepId: 'status-page' }, policy, clock));
      expect(unticked.state.checklist[0]).toMatchObject({ doneAt: null, doneByUserId: null });
      expect(unticked.effects).toContainEqual(
        expect.objectContaining({ type: 'schedule_reminder', reminderKey: 'incident:inc-1:step:status-page', at: T0 + 15 * MINUTE }),
      );
      expect(refused(untickStep(unticked.state, { actorUserId: 'UOPS', stepId: 'status-page' }, policy, clock)).refusal.code).toBe('step_not_done');
      expect(refused(tickStep(state, { actorUserId: 'UOPS', stepId: 'nope' }, policy, clock)).refusal.code).toBe('step_not_found');
    });

    it('skips a step with a reason; a tick or an undo clears the skip', () => {
      expect(refused(skipStep(state, { actorUserId: 'ULEAD', stepId: 'status-page', reason: '' }, policy, clock)).refusal.code).toBe('text_required');
      const skipped = accepted(skipStep(state, { actorUserId: 'ULEAD', stepId: 'status-page', reason: 'No status page for community outages' }, policy, clock));
      expect(skipped.state.checklist[0]).toMatchObject({ skippedAt: T0, skippedByUserId: 'ULEAD', skipReason: 'No status page for community outages', doneAt: null });
      expect(skipped.events[0]).toMatchObject({ kind: 'checklist_skipped', text: 'No status page for community outages', data: { step: 'Update the status page' } });
      expect(skipped.effects).toContainEqual({ type: 'cancel_reminder', reminderKey: 'incident:inc-1:step:status-page' });
      expect(refused(skipStep(skipped.state, { actorUserId: 'ULEAD', stepId: 'status-page', reason: 'again' }, policy, clock)).refusal.code).toBe('step_already_skipped');

      const undone = accepted(untickStep(skipped.state, { actorUserId: 'ULEAD', stepId: 'status-page' }, policy, clock));
      expect(undone.state.checklist[0]).toMatchObject({ skippedAt: null, skipReason: null, doneAt: null });
      const ticked = accepted(tickStep(skipped.state, { actorUserId: 'UOPS', stepId: 'status-page' }, policy, clock));
      expect(ticked.state.checklist[0]).toMatchObject({ skippedAt: null, doneByUserId: 'UOPS' });
    });

    it('hands lead-owned steps to whoever takes the lead, with their reminders', () => {
      state = openState(clock, {
        checklist: [{ stepId: 'pin', text: 'Pin the answer', required: true, ownerRole: 'lead', ownerUserId: 'UIGNORED', dueAfterMs: 30 * MINUTE }],
      });
      expect(state.checklist[0]?.ownerUserId).toBeNull();
      const acked = accepted(acknowledge(state, { actorUserId: 'ULEAD' }, policy, clock));
      expect(acked.state.checklist[0]?.ownerUserId).toBe('ULEAD');
      expect(acked.effects).toContainEqual(
        expect.objectContaining({ type: 'schedule_reminder', reminderKey: 'incident:inc-1:step:pin', recipientUserIds: ['ULEAD'], at: T0 + 30 * MINUTE }),
      );
      const taken = accepted(acknowledge(acked.state, { actorUserId: 'UOTHER' }, policy, clock));
      expect(taken.state.checklist[0]?.ownerUserId).toBe('UOTHER');
      expect(taken.effects).toContainEqual(expect.objectContaining({ type: 'schedule_reminder', recipientUserIds: ['UOTHER'] }));
    });

    it('ticks the steps the playbook marks doneWhen: acknowledged, by whoever acknowledged, without their reminders', () => {
      state = openState(clock, {
        checklist: [
          { stepId: 'acknowledge', text: 'Acknowledge the incident', required: true, ownerRole: 'lead', ownerUserId: null, dueAfterMs: 5 * MINUTE },
          { stepId: 'pin', text: 'Pin the answer', required: true, ownerRole: 'lead', ownerUserId: null, dueAfterMs: 30 * MINUTE },
        ],
      });
      const auto = incidentPolicy({}, { stepsDoneWhen: { acknowledge: 'acknowledged' } });
      clock.advance(2 * MINUTE);
      const acked = accepted(acknowledge(state, { actorUserId: 'ULEAD' }, auto, clock));
      expect(acked.state.checklist[0]).toMatchObject({ stepId: 'acknowledge', doneAt: T0 + 2 * MINUTE, doneByUserId: 'ULEAD' });
      expect(acked.state.checklist[1]).toMatchObject({ stepId: 'pin', doneAt: null, ownerUserId: 'ULEAD' });
      expect(acked.events.map((e) => e.kind)).toEqual(['acknowledged', 'checklist_ticked']);
      expect(acked.events[1]).toMatchObject({ actorUserId: 'ULEAD', data: { stepId: 'acknowledge', doneWhen: 'acknowledged' } });
      expect(acked.effects).toContainEqual({ type: 'cancel_reminder', reminderKey: 'incident:inc-1:step:acknowledge' });
      expect(acked.effects).not.toContainEqual(expect.objectContaining({ type: 'schedule_reminder', reminderKey: 'incident:inc-1:step:acknowledge' }));
      // Taking over later ticks nothing more; without doneWhen nothing is ticked at all.
      expect(accepted(acknowledge(acked.state, { actorUserId: 'UOTHER' }, auto, clock)).events.map((e) => e.kind)).toEqual(['lead_changed']);
      expect(accepted(acknowledge(state, { actorUserId: 'ULEAD' }, policy, clock)).state.checklist.every((item) => item.doneAt === null)).toBe(true);
      // A step someone already skipped stays skipped.
      const skipped = accepted(skipStep(state, { actorUserId: 'UOPS', stepId: 'acknowledge', reason: 'Declared by the lead' }, auto, clock)).state;
      expect(accepted(acknowledge(skipped, { actorUserId: 'ULEAD' }, auto, clock)).state.checklist[0]).toMatchObject({ doneAt: null, skipReason: 'Declared by the lead' });
    });

    it('announces a skip and its reason in the thread (a tick only updates the checklist)', () => {
      const skipped = accepted(skipStep(state, { actorUserId: 'ULEAD', stepId: 'pin', reason: 'Pins are off here' }, policy, clock));
      expect(skipped.effects).toContainEqual(expect.objectContaining({ type: 'post_thread_message', message: expect.objectContaining({ kind: 'event' }) }));
      const ticked = accepted(tickStep(state, { actorUserId: 'ULEAD', stepId: 'pin' }, policy, clock));
      expect(ticked.effects.some((effect) => effect.type === 'post_thread_message')).toBe(false);
    });

    it('knows when an open step is overdue', () => {
      const [step] = state.checklist;
      if (!step) throw new Error('fixture has steps');
      expect(isOverdue(step, clock)).toBe(false);
      clock.advance(16 * MINUTE);
      expect(isOverdue(step, clock)).toBe(true);
      expect(isOverdue({ ...step, doneAt: T0 }, clock)).toBe(false);
    });
  });

  describe('resolve and reopen', () => {
    it('resolves with a summary, cancels open reminders and asks for a post-mortem', () => {
      const led = accepted(acknowledge(state, { actorUserId: 'ULEAD' }, policy, clock)).state;
      clock.advance(40 * MINUTE);
      const result = accepted(resolve(led, { actorUserId: 'ULEAD', summary: 'Outage fixed, users informed.' }, policy, clock));
      expect(result.state.incident).toMatchObject({ status: 'resolved', resolvedAt: T0 + 40 * MINUTE, resolutionSummary: 'Outage fixed, users informed.' });
      expect(result.effects).toContainEqual({ type: 'cancel_reminder', reminderKey: 'incident:inc-1:step:status-page' });
      expect(result.effects).toContainEqual({ type: 'create_postmortem', incidentId: 'inc-1', ownerUserId: 'ULEAD' });
      expect(refused(resolve(result.state, { actorUserId: 'ULEAD', summary: 'again' }, policy, clock)).refusal.code).toBe('incident_resolved');
    });

    it('refuses resolution while required steps are neither done nor skipped, naming them', () => {
      state = openState(clock, {
        checklist: [
          { stepId: 'legal', text: 'Check with legal', required: true, ownerRole: 'legal', ownerUserId: 'ULEGAL', dueAfterMs: null },
          { stepId: 'pin', text: 'Pin the answer', required: true, ownerRole: 'lead', ownerUserId: null, dueAfterMs: null },
          { stepId: 'thanks', text: 'Thank helpers', required: false, ownerRole: null, ownerUserId: null, dueAfterMs: null },
        ],
      });
      const blocked = refused(resolve(state, { actorUserId: 'UAPPROVER1', summary: 'done' }, policy, clock));
      expect(blocked.refusal).toMatchObject({ code: 'required_steps_open', params: { steps: ['Check with legal', 'Pin the answer'] } });
      expect(blocked.refusal.message).toBe(
        'These required steps are neither done nor skipped: “Check with legal”, “Pin the answer”. On the checklist in the incident thread, mark each Done or use Skip… to give a reason, then resolve again.',
      );
      let s = accepted(tickStep(state, { actorUserId: 'ULEGAL', stepId: 'legal' }, policy, clock)).state;
      s = accepted(skipStep(s, { actorUserId: 'UAPPROVER1', stepId: 'pin', reason: 'Channel does not allow pins' }, policy, clock)).state;
      expect(accepted(resolve(s, { actorUserId: 'UAPPROVER1', summary: 'done' }, policy, clock)).state.incident.status).toBe('resolved');
    });

    it('refuses resolution by someone who is neither lead nor approver, and without a summary', () => {
      const led = accepted(acknowledge(state, { actorUserId: 'ULEAD' }, policy, clock)).state;
      expect(refused(resolve(led, { actorUserId: 'URANDOM', summary: 'done' }, policy, clock)).refusal.code).toBe('not_authorised');
      expect(refused(resolve(led, { actorUserId: 'ULEAD', summary: '' }, policy, clock)).refusal.code).toBe('text_required');
    });

    it('reopens to the previous status, with reminders for steps still due, and refuses everything else on a resolved incident', () => {
      const led = accepted(acknowledge(state, { actorUserId: 'ULEAD' }, policy, clock)).state;
      const resolved = accepted(resolve(led, { actorUserId: 'ULEAD', summary: 'done' }, policy, clock)).state;
      expect(refused(tickStep(resolved, { actorUserId: 'UOPS', stepId: 'pin' }, policy, clock)).refusal.code).toBe('incident_resolved');
      expect(refused(acknowledge(resolved, { actorUserId: 'UOTHER' }, policy, clock)).refusal.code).toBe('incident_resolved');
      expect(refused(reopen(resolved, { actorUserId: 'URANDOM' }, policy, clock)).refusal.code).toBe('not_authorised');

      clock.advance(5 * MINUTE);
      const reopened = accepted(reopen(resolved, { actorUserId: 'ULEAD', reason: 'It is back' }, policy, clock));
      expect(reopened.state.incident).toMatchObject({ status: 'acknowledged', resolvedAt: null, resolutionSummary: null, acknowledgedAt: T0 });
      expect(reopened.events[0]).toMatchObject({ kind: 'reopened', text: 'It is back', data: { previousSummary: 'done' } });
      expect(reopened.effects).toContainEqual(expect.objectContaining({ type: 'schedule_reminder', reminderKey: 'incident:inc-1:step:status-page' }));
      expect(refused(reopen(reopened.state, { actorUserId: 'ULEAD' }, policy, clock)).refusal.code).toBe('incident_not_resolved');
    });

    it('reopens an incident resolved before anyone acknowledged it as open', () => {
      const resolved = accepted(resolve(state, { actorUserId: 'UAPPROVER1', summary: 'false alarm' }, policy, clock));
      expect(resolved.effects).toContainEqual({ type: 'cancel_reminder', reminderKey: 'incident:inc-1:acknowledge:1' });
      expect(resolved.effects).toContainEqual({ type: 'create_postmortem', incidentId: 'inc-1', ownerUserId: 'UAPPROVER1' });
      expect(accepted(reopen(resolved.state, { actorUserId: 'UAPPROVER1' }, policy, clock)).state.incident.status).toBe('open');
    });
  });
});

describe('overview for the root message', () => {
  it('counts checklist progress, overdue steps and drafts by stage', () => {
    const clock = new ManualClock(T0);
    const policy = incidentPolicy({ quorum: { kind: 'count', n: 2 }, approverUserIds: ['UA', 'UB', 'UC'] });
    let state = openState(clock);
    const target = { kind: 'channel', channelId: 'CCOMMUNITY' } as const;
    state = accepted(createDraft(state, { actorUserId: 'UW', text: 'one', language: 'en', templateId: null, target }, policy, clock)).state;
    state = accepted(createDraft(state, { actorUserId: 'UW', text: 'two', language: 'en', templateId: null, target }, policy, clock)).state;
    state = accepted(decideDraft(state, { actorUserId: 'UA', draftId: 'inc-1/draft-1', revision: 1, decision: 'approve' }, policy, clock)).state;
    state = accepted(decideDraft(state, { actorUserId: 'UA', draftId: 'inc-1/draft-2', revision: 1, decision: 'approve' }, policy, clock)).state;
    state = accepted(decideDraft(state, { actorUserId: 'UB', draftId: 'inc-1/draft-2', revision: 1, decision: 'approve' }, policy, clock)).state;
    state = accepted(tickStep(state, { actorUserId: 'UOPS', stepId: 'pin' }, policy, clock)).state;
    clock.advance(20 * MINUTE);

    const overview = overviewOf(state, policy, clock);
    expect(overview).toMatchObject({ checklistDone: 1, checklistTotal: 2, repliesPosted: 0 });
    expect(overview.overdueSteps.map((s) => s.stepId)).toEqual(['status-page']);
    expect(overview.draftsInReview.map((d) => [d.draft.id, d.approvedBy, d.required])).toEqual([['inc-1/draft-1', ['UA'], 2]]);
    expect(overview.draftsAwaitingPost.map((d) => d.id)).toEqual(['inc-1/draft-2']);
  });
});
