import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/domain/clock.js';
import {
  acknowledge,
  addMessage,
  addNote,
  createDraft,
  decideDraft,
  describeTimelineEvent,
  isFoldedIntoApproval,
  editDraft,
  shortenDraftDiff,
  diffDraftText,
  isMessageInTimeline,
  openIncident,
  raiseHeldAlert,
  recordAlertPosted,
  recordReminderSent,
  resolve,
  type TimelineEvent,
} from '../../../src/domain/incidents/index.js';
import { accepted, incidentPolicy, openInput, refused, T0 } from './helpers.js';

describe('timeline entries', () => {
  const policy = incidentPolicy();

  it('raises a held incident in a safe channel once: root posted again, a line saying where it was held; never when resolved, posted, or no safe channel', () => {
    const clock = new ManualClock(T0);
    const { state } = openIncident(openInput(), policy.escalation, clock);
    const held = { heldChannelId: 'CSUPPORT', reason: 'alerts_channel_watched', rootHeld: true, safeChannelId: 'CSTAFF' };
    const raised = accepted(raiseHeldAlert(state, held, clock));
    expect(raised.audit.outcome).toBe('accepted');
    expect(raised.effects.map((effect) => effect.type)).toEqual(['post_root_message', 'post_thread_message']);
    expect(raised.events[0]).toMatchObject({ kind: 'alert_raised_again', data: { heldChannelId: 'CSUPPORT', channelId: 'CSTAFF', reason: 'alerts_channel_watched' } });
    expect(describeTimelineEvent(raised.events[0]!, 'en')).toContain('its alerts channel <#CSUPPORT> is a community channel Firebreak watches');
    expect(describeTimelineEvent({ ...raised.events[0]!, data: { ...raised.events[0]!.data, heldChannelId: 'support' } }, 'es')).toContain('#support');
    const resolved = accepted(resolve(state, { actorUserId: 'UAPPROVER1', summary: 'ok' }, policy, clock)).state;
    for (const decision of [raiseHeldAlert(resolved, held, clock), raiseHeldAlert(state, { ...held, rootHeld: false }, clock), raiseHeldAlert(state, { ...held, safeChannelId: null }, clock)]) {
      expect(accepted(decision).audit.outcome).toBe('no_op');
      expect(accepted(decision).effects).toEqual([]);
    }
  });

  it('adds notes and quoted messages, also after resolution', () => {
    const clock = new ManualClock(T0);
    const { state } = openIncident(openInput(), policy.escalation, clock);
    const resolved = accepted(resolve(state, { actorUserId: 'UAPPROVER1', summary: 'ok' }, policy, clock)).state;
    const note = accepted(addNote(resolved, { actorUserId: 'ULEAD', text: 'Vendor confirmed root cause.' }, policy, clock));
    expect(note.events[0]).toMatchObject({ kind: 'note_added', actorUserId: 'ULEAD', text: 'Vendor confirmed root cause.' });
    expect(note.effects).toEqual([expect.objectContaining({ type: 'post_thread_message' })]);
    expect(refused(addNote(resolved, { actorUserId: 'ULEAD', text: '' }, policy, clock)).refusal.code).toBe('text_required');

    const quoted = accepted(
      addMessage(
        resolved,
        {
          actorUserId: 'ULEAD',
          message: {
            channelId: 'CCOMMUNITY',
            messageTs: '1763733000.000100',
            authorUserId: 'UMEMBER9',
            authorName: 'dana',
            text: 'Third outage this month!!',
            postedAt: T0 - 20_000,
            permalink: 'https://example.slack.com/archives/CCOMMUNITY/p1763733000000100',
          },
        },
        policy,
        clock,
      ),
    );
    expect(isMessageInTimeline(quoted.events, 'CCOMMUNITY', '1763733000.000100')).toBe(true);
    expect(isMessageInTimeline(quoted.events, 'CCOMMUNITY', '1763733000.000999')).toBe(false);
    expect(quoted.events[0]).toMatchObject({
      kind: 'message_added',
      text: 'Third outage this month!!',
      data: expect.objectContaining({ authorUserId: 'UMEMBER9', authorName: 'dana', postedAt: T0 - 20_000 }),
    });
  });

  it('records the alert and reminders as Firebreak, not as a person', () => {
    const clock = new ManualClock(T0);
    const { state } = openIncident(openInput(), policy.escalation, clock);
    expect(accepted(recordAlertPosted(state, { channelId: 'CALERTS', messageTs: '1.1' }, clock)).events[0]).toMatchObject({
      kind: 'alert_posted',
      actorUserId: null,
      data: { channelId: 'CALERTS', messageTs: '1.1' },
    });
    const escalated = accepted(
      recordReminderSent(
        state,
        { reminderKey: 'incident:inc-1:acknowledge:1', reason: 'acknowledge', recipientUserIds: ['UONCALL'], escalation: true, subject: '#7' },
        clock,
      ),
    );
    expect(escalated.events[0]).toMatchObject({ kind: 'escalation_sent', actorUserId: null, text: '#7' });
  });
});

describe('describing timeline events', () => {
  function story(): TimelineEvent[] {
    const clock = new ManualClock(T0);
    const policy = incidentPolicy();
    const opened = openIncident(openInput(), policy.escalation, clock);
    const events: TimelineEvent[] = [...opened.events];
    let state = opened.state;
    for (const step of [
      (s: typeof state) => acknowledge(s, { actorUserId: 'ULEAD' }, policy, clock),
      (s: typeof state) =>
        createDraft(s, { actorUserId: 'ULEAD', text: 'Hello all', language: 'en', templateId: null, target: { kind: 'channel', channelId: 'CCOMMUNITY' } }, policy, clock),
      (s: typeof state) => editDraft(s, { actorUserId: 'ULEAD', draftId: 'inc-1/draft-1', revision: 1, text: 'Hello everyone' }, policy, clock),
      (s: typeof state) => decideDraft(s, { actorUserId: 'UAPPROVER1', draftId: 'inc-1/draft-1', revision: 2, decision: 'approve' }, policy, clock),
    ]) {
      const result = accepted(step(state));
      events.push(...result.events);
      state = result.state;
    }
    return events;
  }

  it('renders every entry in English and Spanish', () => {
    const events = story();
    expect(events.map((e) => describeTimelineEvent(e, 'en'))).toEqual([
      'Negative sentiment detected in the channel',
      'Incident opened as SEV2',
      '<@ULEAD> acknowledged the incident and took the lead',
      '<@ULEAD> drafted reply #1',
      '<@ULEAD> edited reply #1 (now revision 2)',
      '<@UAPPROVER1> approved revision 2 of reply #1 (1 of 1): it will be posted in <#CCOMMUNITY>',
      'Reply #1 approved by <@UAPPROVER1>: it will be posted in <#CCOMMUNITY>',
    ]);
    const names = { ULEAD: 'Ana', UAPPROVER1: 'Luis' } as Record<string, string>;
    expect(events.map((e) => describeTimelineEvent(e, 'es', { formatUser: (id) => names[id] ?? id }))).toEqual([
      'Se detectó un sentimiento negativo en el canal',
      'Incidente abierto como SEV2',
      'Ana confirmó el incidente y asumió el liderazgo',
      'Ana redactó la respuesta #1',
      'Ana editó la respuesta #1 (ahora revisión 2)',
      'Luis aprobó la revisión 2 de la respuesta #1 (1 de 1): se publicará en <#CCOMMUNITY>',
      'Respuesta #1 aprobada por Luis: se publicará en <#CCOMMUNITY>',
    ]);
    // The quorum's own line is the approval's: stored, but given no line of its own in the thread or the Markdown export.
    expect(events.map(isFoldedIntoApproval)).toEqual([false, false, false, false, false, false, true]);
  });

  it('an approval short of the quorum keeps its plain line; a drill says the reply stays in the alert thread', () => {
    const approval = (data: Record<string, unknown>): TimelineEvent =>
      ({ id: 'e', incidentId: 'inc-1', sequence: 1, at: T0, kind: 'draft_approved', actorUserId: 'UA', text: null, data: { draftNumber: 1, revision: 1, approvals: 1, required: 2, ...data } }) as unknown as TimelineEvent;
    expect(describeTimelineEvent(approval({}), 'en')).toBe('<@UA> approved revision 1 of reply #1 (1 of 2)');
    expect(describeTimelineEvent(approval({ approvals: 2, quorumMet: true, channelId: 'CCOMMUNITY', drill: true }), 'en')).toBe(
      '<@UA> approved revision 1 of reply #1 (2 of 2): it will be posted only in the alert thread (drill)',
    );
    expect(describeTimelineEvent(approval({ approvals: 2, quorumMet: true, channelId: 'CCOMMUNITY', drill: true }), 'es')).toBe(
      '<@UA> aprobó la revisión 1 de la respuesta #1 (2 de 2): se publicará solo en el hilo de la alerta (simulacro)',
    );
  });

  it('an Undo that let the same person\'s earlier verdict count again says which one counts now (the thread line and the export alike)', () => {
    const undone = (data: Record<string, unknown>): TimelineEvent =>
      ({ id: 'e', incidentId: 'inc-1', sequence: 1, at: T0, kind: 'feedback_undone', actorUserId: 'UB', text: null, data: { feedbackId: 'f2', target: 'alert', verdict: 'false_alarm', ...data } }) as unknown as TimelineEvent;
    expect(describeTimelineEvent(undone({}), 'en')).toBe('<@UB> undid the feedback “false alarm”');
    expect(describeTimelineEvent(undone({ restoredVerdict: 'real_crisis', restoredUserId: 'UB', restoredFeedbackId: 'f1' }), 'en')).toBe('<@UB> undid the feedback “false alarm”; their earlier verdict, “real crisis”, counts again');
    expect(describeTimelineEvent(undone({ restoredVerdict: 'real_crisis', restoredUserId: 'UC' }), 'es', { formatUser: (id) => (id === 'UC' ? 'Cleo' : 'Ben') })).toBe('Ben deshizo la opinión «falsa alarma»; vuelve a contar la opinión anterior de Cleo, «crisis real»');
  });
});

describe('draft diffs', () => {
  it('says what was deleted and inserted, word by word, keeping the spacing', () => {
    const changes = diffDraftText('We will update you in 30 minutes.', 'We will update you here in 15 minutes.');
    expect(changes.map((change) => change.text).join('')).toBe('We will update you here in 3015 minutes.');
    expect(changes.filter((change) => change.op !== 'equal')).toEqual([
      { op: 'insert', text: 'here ' },
      { op: 'delete', text: '30' },
      { op: 'insert', text: '15' },
    ]);
  });

  it('shortens long unchanged stretches, and the whole to its maximum', () => {
    const long = 'a '.repeat(100);
    const shortened = shortenDraftDiff(diffDraftText(`${long}old`, `${long}new`), 10);
    expect(shortened.map((change) => change.text).join('').length).toBeLessThan(40);
    expect(shortened.slice(-2)).toEqual([{ op: 'delete', text: 'old' }, { op: 'insert', text: 'new' }]);
    const cut = shortenDraftDiff([{ op: 'insert', text: 'x'.repeat(50) }], 10, 20);
    expect(cut).toEqual([{ op: 'insert', text: 'x'.repeat(19) }, { op: 'equal', text: '…' }]);
  });
});

describe('shortening a diff never splits a character', () => {
  const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
  const long = 'gracias por vuestra paciencia, '.repeat(6);

  it('cuts an unchanged stretch between whole characters and words, at both ends', () => {
    const before = `Hola. ${'a'.repeat(33)}🙏 ${long}y ${'b'.repeat(37)}👍🏽 fin`;
    const after = before.replace('fin', 'final');
    const shortened = shortenDraftDiff(diffDraftText(before, after));
    for (const change of shortened) expect(change.text).not.toMatch(loneSurrogate);
    // The praying hands would straddle the 40th unit: left out whole; the skin tone stays with its hand.
    expect(shortened[0]?.text).toMatch(/^Hola\. a{33}…b+👍🏽 $/);
  });

  it('cuts the whole at its maximum between characters', () => {
    const cut = shortenDraftDiff([{ op: 'insert', text: `${'x'.repeat(18)}🙏🙏 more` }], 10, 20);
    expect(cut).toEqual([{ op: 'insert', text: `${'x'.repeat(18)}` }, { op: 'equal', text: '…' }]);
  });
});
