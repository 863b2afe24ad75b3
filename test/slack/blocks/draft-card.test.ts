import { describe, expect, it } from 'vitest';
import { decideDraft, editDraft, markReplyPosted, quorumProgress, type IncidentState } from '../../../src/domain/incidents/index.js';
import { actionIds, decodeRef, draftRef } from '../../../src/slack/blocks/ids.js';
import { draftCard } from '../../../src/slack/blocks/index.js';
import { MINUTE, accepted, buttons, expectMessageWithinLimits, incidentPolicy, incidentWithDraft, visibleText } from './fixtures.js';

function card(state: IncidentState, policy = incidentPolicy(), options: Parameters<typeof draftCard>[4] = {}, locale: 'en' | 'es' = 'en') {
  const draft = state.drafts[0]!;
  return draftCard(state, draft, quorumProgress(state, draft, policy.approvals), locale, options);
}

describe('draftCard', () => {
  it('quotes the text, names the target, language and revision, and shows approvals against the quorum', () => {
    const { state } = incidentWithDraft();
    const built = card(state);
    const text = visibleText(built.blocks);
    expect(text).toContain('*Reply #1 · revision 1*');
    expect(text).toContain('New message in <#CCOMMUNITY> · in English');
    expect(text).toContain('> We are on it. Updates at 15:00.');
    expect(text).toContain('Preflight: nothing to flag');
    expect(text).toContain('Waiting for approval');
    expect(text).toContain('Approvals: 0 of 1 (none yet)');
    expect(text).toContain('Drafted by <@UDRAFTER>');
    expectMessageWithinLimits(built);
  });

  it('has Approve, Request changes, Edit and Reject carrying the draftRef of this revision', () => {
    const { state } = incidentWithDraft();
    const found = buttons(card(state).blocks);
    expect(found.map((b) => b.actionId)).toEqual([actionIds.approveDraft, actionIds.requestChanges, actionIds.editDraft, actionIds.rejectDraft]);
    for (const b of found) expect(decodeRef(draftRef, b.value, 'button')).toEqual({ i: 'inc-1', d: 'inc-1/draft-1', r: 1 });
    expect(found.find((b) => b.actionId === actionIds.rejectDraft)?.style).toBe('danger');
  });

  it('shows a thread target with the member message permalink', () => {
    const { state: base } = incidentWithDraft();
    const state = { ...base, drafts: [{ ...base.drafts[0]!, target: { kind: 'thread' as const, channelId: 'CCOMMUNITY', messageTs: '1.2' } }] };
    const text = visibleText(card(state, incidentPolicy(), { targetPermalink: 'https://acme.slack.com/archives/C/p12' }).blocks);
    expect(text).toContain('In reply to <https://acme.slack.com/archives/C/p12|this member’s message>');
  });

  it('after an edit shows the new revision, what changed, and buttons for the new revision only', () => {
    const { state: drafted, clock, policy } = incidentWithDraft('We are on it. Updates soon.');
    clock.advance(MINUTE);
    const state = accepted(
      editDraft(drafted, { actorUserId: 'ULEAD', draftId: 'inc-1/draft-1', revision: 1, text: 'We are on it. Updates by 18:30.' }, policy, clock),
    );
    const built = card(state, policy, { previousText: 'We are on it. Updates soon.' });
    const text = visibleText(built.blocks);
    expect(text).toContain('*Reply #1 · revision 2*');
    expect(text).toContain('What changed since revision 1');
    // Deleted words struck, inserted ones bold, as rich text elements (the reply's own markup stays text).
    const diff = built.blocks.find((block) => block.type === 'rich_text') as { elements: { elements: { text: string; style?: object }[] }[] } | undefined;
    const styled = diff!.elements[0]!.elements.filter((element) => element.style);
    expect(styled).toEqual([
      { type: 'text', text: 'soon', style: { strike: true } },
      { type: 'text', text: 'by 18:30', style: { bold: true } },
    ]);
    for (const b of buttons(built.blocks)) expect(decodeRef(draftRef, b.value, 'button').r).toBe(2);
  });

  it("shows what changed as staff read it: the reply's escapes (&amp; &lt; &gt;) as the characters they stand for", () => {
    const { state: drafted, clock, policy } = incidentWithDraft('Fish &amp; Chips: back soon.');
    clock.advance(MINUTE);
    const state = accepted(editDraft(drafted, { actorUserId: 'ULEAD', draftId: 'inc-1/draft-1', revision: 1, text: 'Fish &amp; Chips: back in &lt;1 hour.' }, policy, clock));
    const built = card(state, policy, { previousText: 'Fish &amp; Chips: back soon.' });
    const diff = built.blocks.find((block) => block.type === 'rich_text') as { elements: { elements: { text: string; style?: object }[] }[] };
    const shown = diff.elements[0]!.elements.map((element) => element.text).join('');
    expect(shown).toContain('Fish & Chips: back');
    expect(shown).toContain('<1 hour');
    expect(shown).not.toMatch(/&amp;|&lt;/);
  });

  it('shows who approved so far against the quorum, and who asked for changes with the comment', () => {
    const { state: drafted, clock } = incidentWithDraft();
    const policy = incidentPolicy({ quorum: { kind: 'count', n: 2 }, approverUserIds: ['UAPPROVER1', 'UAPPROVER2', 'UAPPROVER3'] });
    let state = accepted(decideDraft(drafted, { actorUserId: 'UAPPROVER1', draftId: 'inc-1/draft-1', revision: 1, decision: 'approve' }, policy, clock));
    expect(visibleText(card(state, policy).blocks)).toContain('Approvals: 1 of 2 (<@UAPPROVER1>)');
    state = accepted(
      decideDraft(state, { actorUserId: 'UAPPROVER2', draftId: 'inc-1/draft-1', revision: 1, decision: 'request_changes', comment: 'Drop the ETA <!channel>' }, policy, clock),
    );
    const built = card(state, policy);
    const text = visibleText(built.blocks);
    expect(text).toContain('Changes requested');
    expect(text).toContain('<@UAPPROVER2> asked for changes:\n> Drop the ETA &lt;!channel&gt;');
    // Approval is refused until an edit, so the card leads with Edit instead.
    expect(buttons(built.blocks).map((b) => b.actionId)).toEqual([actionIds.requestChanges, actionIds.editDraft, actionIds.rejectDraft]);
  });

  it('once approved and posted the buttons are gone and the outcome is shown with the reply link', () => {
    const { state: drafted, clock, policy } = incidentWithDraft();
    let state = accepted(decideDraft(drafted, { actorUserId: 'UAPPROVER1', draftId: 'inc-1/draft-1', revision: 1, decision: 'approve' }, policy, clock));
    let built = card(state, policy);
    expect(visibleText(built.blocks)).toContain('Approved, being posted');
    expect(buttons(built.blocks)).toEqual([]);
    state = accepted(markReplyPosted(state, { draftId: 'inc-1/draft-1', revision: 1, messageTs: '9.9' }, clock));
    built = card(state, policy, { postedPermalink: 'https://acme.slack.com/archives/C/p99' });
    expect(visibleText(built.blocks)).toContain('Approved and posted');
    expect(visibleText(built.blocks)).toContain('<https://acme.slack.com/archives/C/p99|See the posted reply>');
    expect(buttons(built.blocks)).toEqual([]);
  });

  it('in a drill the posted reply says it went to this thread only, never that it reached the community', () => {
    const { state: drafted, clock, policy } = incidentWithDraft();
    const drill = { ...drafted, incident: { ...drafted.incident, drill: true } };
    let state = accepted(decideDraft(drill, { actorUserId: 'UAPPROVER1', draftId: 'inc-1/draft-1', revision: 1, decision: 'approve' }, policy, clock));
    state = accepted(markReplyPosted(state, { draftId: 'inc-1/draft-1', revision: 1, messageTs: '9.9' }, clock));
    const english = card(state, policy);
    expect(visibleText(english.blocks)).toContain('posted in this thread only (drill)');
    expect(visibleText(english.blocks)).not.toContain('Approved and posted');
    expect(english.text).toContain('posted in this thread only (drill)');
    const spanish = visibleText(card(state, policy, {}, 'es').blocks);
    expect(spanish).toContain('publicada solo en este hilo (simulacro)');
    expect(spanish).not.toContain('Aprobada y publicada');
  });

  it('once rejected shows who rejected it and why, without buttons', () => {
    const { state: drafted, clock, policy } = incidentWithDraft();
    const state = accepted(
      decideDraft(drafted, { actorUserId: 'UAPPROVER1', draftId: 'inc-1/draft-1', revision: 1, decision: 'reject', comment: 'Wrong tone' }, policy, clock),
    );
    const built = card(state, policy, {}, 'es');
    const text = visibleText(built.blocks);
    expect(text).toContain('Rechazada');
    expect(text).toContain('<@UAPPROVER1> la rechazó:\n> Wrong tone');
    expect(buttons(built.blocks)).toEqual([]);
  });

  it('never pings from the draft text, but keeps links and formatting as they will be posted', () => {
    const { state: drafted } = incidentWithDraft();
    // The preflight refuses such a text at every gate; a draft stored before it existed still renders inert.
    const state = { ...drafted, drafts: drafted.drafts.map((draft) => ({ ...draft, text: 'Hi <!channel> and <@U123>, *see* <https://status.acme.com|status>' })) };
    const text = visibleText(card(state).blocks);
    expect(text).not.toMatch(/<!channel>|<@U123>/);
    expect(text).toMatch(/Preflight refuses this text; it cannot be approved: `&lt;!channel&gt;`/);
    expect(text).toContain('<https://status.acme.com|status>');
    expect(text).toContain('*see*');
  });

  it('names deactivated approvers (the first six), says when no quorum can be met, in English and Spanish, within the limits', () => {
    const { state } = incidentWithDraft();
    const draft = state.drafts[0]!;
    const gone = Array.from({ length: 40 }, (_, index) => `UGONE${String(index).padStart(4, '0')}`);
    const progress = { approvedBy: [], required: 3, eligibleCount: 1, deactivatedApprovers: gone };
    const english = draftCard(state, draft, progress, 'en');
    const text = visibleText(english.blocks);
    expect(text).toContain('No longer an approver: <@UGONE0000>, <@UGONE0001>, <@UGONE0002>, <@UGONE0003>, <@UGONE0004>, <@UGONE0005> and 34 more, whose Slack account is deactivated');
    expect(text).toContain('This reply cannot be approved as things stand: it needs 3 approvals and only 1 person can give them');
    expectMessageWithinLimits(english);
    const spanish = draftCard(state, draft, progress, 'es');
    expect(visibleText(spanish.blocks)).toContain('Esta respuesta no se puede aprobar tal como están las cosas: necesita 3 aprobaciones y solo una persona puede darlas');
    expectMessageWithinLimits(spanish);
  });

  it('keeps a 3000-character draft with a long diff within the limits', () => {
    const long = 'palabra '.repeat(375).trim();
    const { state: drafted, clock, policy } = incidentWithDraft(long);
    const edited = 'otra '.repeat(600).trim();
    const state = accepted(editDraft(drafted, { actorUserId: 'ULEAD', draftId: 'inc-1/draft-1', revision: 1, text: edited }, policy, clock));
    expectMessageWithinLimits(card(state, policy, { previousText: long }));
  });
});

describe('the quoted draft on the card', () => {
  it('is whole however long and however it breaks: every line, a single long line with links and mentions, within the section limit', () => {
    const { state } = incidentWithDraft();
    const longLine = `${'Please read <https://status.example.com|our status page> & tell <@U0VIP> '.repeat(60)}last words.`;
    for (const text of [`${'A line of the reply.\n'.repeat(140)}Last line.`, longLine]) {
      const draft = { ...state.drafts[0]!, text };
      const built = draftCard({ ...state, drafts: [draft] }, draft, { approvedBy: [], required: 2 }, 'en');
      expectMessageWithinLimits(built);
      const quoted = (built.blocks as { type: string; text?: { text: string } }[]).filter((block) => block.type === 'section' && block.text?.text.startsWith('> '));
      expect(quoted.length).toBeGreaterThan(1);
      const shown = quoted.map((block) => block.text!.text).join('\n');
      expect(shown.endsWith(text.slice(-10))).toBe(true);
      expect(shown.split('&lt;@U0VIP&gt;').length).toBe(text.split('<@U0VIP>').length);
      // Links are never cut in two between sections.
      expect(shown.match(/<https:\/\/status\.example\.com\|our status page>/g)?.length ?? 0).toBe(text.split('<https://status.example.com|').length - 1);
    }
  });
});
