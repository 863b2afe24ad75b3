import { describe, expect, it } from 'vitest';
import { acknowledge, messageChanged, overviewOf, resolve, tickStep } from '../../../src/domain/incidents/index.js';
import { t } from '../../../src/i18n/index.js';
import { actionIds, decodeRef, incidentRef } from '../../../src/slack/blocks/ids.js';
import { incidentRootMessage } from '../../../src/slack/blocks/index.js';
import { MINUTE, accepted, buttons, clockAt, expectMessageWithinLimits, incidentPolicy, incidentWith, incidentWithDraft, spike, visibleText } from './fixtures.js';

const permalinks = {
  '1700000000.000200': 'https://acme.slack.com/archives/CCOMMUNITY/p1700000000000200',
  '1700000000.000300': 'https://acme.slack.com/archives/CCOMMUNITY/p1700000000000300',
};

function root(options: Parameters<typeof incidentWith>[0] = {}, extra: Partial<Parameters<typeof incidentRootMessage>[0]> = {}) {
  const { state, overview } = incidentWith(options);
  return incidentRootMessage({
    state,
    overview: overview(),
    playbookName: 'Service outage complaints',
    channelName: 'community',
    locale: options.locale ?? 'en',
    samplePermalinks: permalinks,
    memberNames: { UMEMBER1: 'Ana', UMEMBER2: 'Bob' },
    ...extra,
  });
}

describe('incidentRootMessage', () => {
  it('explains the spike: channel, observed vs baseline with the ratio, share, distinct authors, crisis, terms', () => {
    const built = root();
    const text = visibleText(built.blocks);
    expect(text).toContain('SEV2 · Incident #7 · #community');
    expect(text).toContain('<#CCOMMUNITY>');
    expect(text).toContain('14 negative messages in 30 min, where about 2.1 were expected (*6.7×* the baseline)');
    expect(text).toContain('35% of messages negative (usually 8%)');
    expect(text).toContain('9 different members');
    expect(text).toContain('no single one dominating: treat it as a crisis');
    expect(text).toContain('`refund` · `scam`');
    expect(built.text).toContain('Incident #7');
    expect(built.text).toContain('6.7×');
    expectMessageWithinLimits(built);
  });

  it('defect 5: the expected count and the ratio agree, whatever ratio detection stored', () => {
    // Detection floored the baseline at 1 for its ratio (7×) while the expected count is 0.06.
    const built = root({ detection: { ...(spike as object), observed: 7, baseline: 0.06, ratio: 7 } });
    const text = visibleText(built.blocks);
    expect(text).toContain('7 negative messages in 30 min, where about 0.06 were expected (*117×* the baseline)');
    expect(built.text).toContain('117×');
  });

  it('a baseline of nothing (a quiet channel) is said in words, so the count keeps its comparison', () => {
    const quiet = { ...(spike as object), observed: 10, baseline: 0, ratio: null };
    expect(visibleText(root({ detection: quiet }).blocks)).toContain('10 negative messages in 30 min, where almost none are usual');
    expect(visibleText(root({ detection: quiet, locale: 'es' }).blocks)).toContain('10 mensajes negativos en 30 min, cuando lo habitual es casi ninguno');
  });

  it('defect 9: a declared incident says who declared it, not that negativity rose', () => {
    const built = root({ detection: { source: 'declared', declaredBy: 'USAM', summary: 'Rumour' } });
    expect(built.text).toContain('declared by <@USAM>');
    expect(built.text + visibleText(built.blocks)).not.toMatch(/usual level|negative messages/);
    expect(visibleText(built.blocks)).toContain('Declared by <@USAM> for <#CCOMMUNITY>');
  });

  it('quotes the three most negative samples from different members first, with permalinks and names', () => {
    const text = visibleText(root().blocks);
    expect(text).toContain('> Still nothing from the team');
    expect(text).toContain('> Worst update ever, I want a refund');
    expect(text).toContain('<https://acme.slack.com/archives/CCOMMUNITY/p1700000000000300|open message>');
    expect(text).toContain('_Ana_');
    // UMEMBER1's second message comes only after other members' (3 slots: Ana, Bob, then member 3).
    expect(text).toContain('> meh');
    expect(text).not.toContain('This is a scam');
  });

  it('makes member text inert: a sample with <!channel> cannot ping', () => {
    const detection = { ...(spike as object), samples: [{ id: '1.2', authorId: 'UX', score: -1, text: 'hey <!channel> and @here <@U123>' }] };
    const built = root({ detection });
    const text = visibleText(built.blocks);
    expect(text).not.toMatch(/<!channel>|<@U123>/);
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).toContain('@\u2060here');
  });

  it('calls a single loud member a moderation case, with their share', () => {
    const detection = { ...(spike as object), kind: 'single_author', topAuthorShare: 0.82, topAuthorId: 'UMEMBER1' };
    const text = visibleText(root({ detection }).blocks);
    expect(text).toContain('One member (Ana) wrote 82% of them: likely a moderation case rather than a crisis.');
    expect(text).not.toContain('no single one dominating: treat it as a crisis');
  });

  it('reads a missing or foreign detection defensively', () => {
    for (const detection of [null, 'weird', { observed: 'many', samples: 'none' }]) {
      const built = root({ detection });
      expect(visibleText(built.blocks)).toContain('no detection figures');
      expectMessageWithinLimits(built);
    }
  });

  it('shows nobody as lead, status, checklist progress with overdue count and replies', () => {
    const { state, policy, clock } = incidentWith();
    clock.advance(20 * MINUTE); // the status-page step was due after 15 minutes
    const built = incidentRootMessage({
      state,
      overview: overviewOf(state, policy, clock),
      playbookName: 'Outage',
      channelName: '#community',
      locale: 'en',
    });
    const text = visibleText(built.blocks);
    expect(text).toContain('*Lead*\nnobody yet');
    expect(text).toContain('Open, waiting for a lead');
    expect(text).toContain('0/2 done · :warning: 1 overdue');
    expect(text).toContain('0 in review · 0 posted');
  });

  it('offers Acknowledge, Draft reply, Change severity, Add note and Resolve with the incident ref', () => {
    const { state } = incidentWith();
    // The workflow buttons; the feedback buttons (#16) have their own tests (feedback-blocks.test.ts).
    const found = buttons(root().blocks).filter((b) => !b.actionId.startsWith('feedback.'));
    expect(found.map((b) => b.actionId)).toEqual([
      actionIds.acknowledge,
      actionIds.draftReply,
      actionIds.changeSeverity,
      actionIds.addNote,
      actionIds.resolve,
    ]);
    for (const b of found) expect(decodeRef(incidentRef, b.value, 'button')).toEqual({ i: state.incident.id });
    expect(found[0]).toMatchObject({ text: 'Acknowledge & lead', style: 'primary' });
  });

  it('names the lead once acknowledged and offers taking over instead', () => {
    const { state: opened, policy, clock } = incidentWith();
    const state = accepted(acknowledge(opened, { actorUserId: 'ULEAD' }, policy, clock));
    const built = incidentRootMessage({ state, overview: overviewOf(state, policy, clock), playbookName: 'P', channelName: 'c', locale: 'en' });
    expect(visibleText(built.blocks)).toContain('*Lead*\n<@ULEAD>');
    // The first workflow button (the samples' feedback buttons sit under the samples, above it).
    expect(buttons(built.blocks).filter((b) => !b.actionId.startsWith('feedback.'))[0]).toMatchObject({ actionId: actionIds.acknowledge, text: 'Take over the lead' });
  });

  it('once resolved shows the summary and offers Reopen and the post-mortem instead of the workflow buttons', () => {
    const { state: opened, policy, clock } = incidentWith();
    let state = accepted(acknowledge(opened, { actorUserId: 'ULEAD' }, policy, clock));
    state = accepted(tickStep(state, { actorUserId: 'ULEAD', stepId: 'status-page' }, policy, clock));
    state = accepted(resolve(state, { actorUserId: 'ULEAD', summary: 'Payments fixed <!here>' }, policy, clock));
    const built = incidentRootMessage({ state, overview: overviewOf(state, policy, clock), playbookName: 'P', channelName: 'c', locale: 'en' });
    const text = visibleText(built.blocks);
    expect(text).toContain('> Payments fixed &lt;!here&gt;');
    expect(text).toContain('Resolved');
    expect(text).toContain('1/2 done');
    expect(buttons(built.blocks).filter((b) => !b.actionId.startsWith('feedback.')).map((b) => b.actionId)).toEqual([actionIds.openPostMortem, actionIds.reopen]);
  });

  it('labels a drill prominently in the header, the body and the notification', () => {
    const built = root({ drill: true });
    expect(visibleText(built.blocks.slice(0, 1))).toMatch(/^:test_tube: .*DRILL · SEV2 · Incident #7/);
    expect(visibleText(built.blocks)).toContain('*DRILL*');
    expect(built.text).toMatch(/^DRILL/);
  });

  it('speaks Spanish', () => {
    const built = root({ locale: 'es' });
    const text = visibleText(built.blocks);
    expect(text).toContain('Incidente #7');
    expect(text).toContain('14 mensajes negativos en 30 min, cuando se esperaban unos 2,1 (*6,7×* la referencia)');
    expect(text).toContain('nadie todavía');
    expect(buttons(built.blocks).map((b) => b.text)).toContain('Redactar respuesta');
  });

  it('shortens a long term without splitting a character: an emoji or an accented letter stays whole', () => {
    const emoji = `${'a'.repeat(39)}😡😡`;
    const accented = `${'b'.repeat(39)}e\u0301e\u0301`;
    const built = root({ detection: { ...(spike as object), dominantTerms: [{ term: emoji, count: 3 }, { term: accented, count: 2 }] } });
    const text = visibleText(built.blocks);
    // No half of a surrogate pair left alone.
    expect(text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    expect(text).toContain(`\`${'a'.repeat(39)}…\``);
    expect(text).toContain(`\`${'b'.repeat(39)}…\``);
    expectMessageWithinLimits(built);
  });

  it('stays within Slack limits with huge inputs (long names, many long samples and terms)', () => {
    const long = 'x'.repeat(5000);
    const detection = {
      ...(spike as object),
      dominantTerms: Array.from({ length: 200 }, (_, i) => ({ term: `${long}${i}`, count: 1 })),
      samples: Array.from({ length: 50 }, (_, i) => ({ id: `${i}`, authorId: `U${i}`, score: -1, text: `<@U1> ${'é'.repeat(4000)}` })),
    };
    const built = root({ detection }, { playbookName: long, channelName: long, memberNames: { U1: long } });
    expectMessageWithinLimits(built);
  });

  it('shows a sample its author deleted as deleted, in English and Spanish: no words, name, link or feedback buttons; the others keep theirs', () => {
    const clock = clockAt();
    const { state } = incidentWith();
    const deleted = accepted(messageChanged(state, { channelId: state.incident.channelId, messageTs: '1700000000.000200', entries: [], change: { type: 'deleted' } }, clock));
    for (const locale of ['en', 'es'] as const) {
      const built = incidentRootMessage({ state: { ...deleted, incident: { ...deleted.incident, locale } }, overview: incidentWith().overview(), playbookName: 'P', channelName: 'community', locale, samplePermalinks: permalinks, memberNames: { UMEMBER1: 'Ana', UMEMBER2: 'Bob' } });
      const text = visibleText(built.blocks);
      expect(text).toContain(t(locale, 'ui.root.sample_deleted', {}));
      expect(`${built.text} ${JSON.stringify(built.blocks)}`).not.toMatch(/Worst update|_Bob_|p1700000000000200/);
      const sampleButtons = buttons(built.blocks).filter((button) => button.actionId === actionIds.sampleNegative || button.actionId === actionIds.sampleNotNegative);
      expect(sampleButtons.map((button) => JSON.parse(button.value).s)).not.toContain('1700000000.000200');
      expect(sampleButtons.length).toBe(4);
      expect(text).toContain('> Still nothing from the team');
      expectMessageWithinLimits(built);
    }
  });

  describe('a reply nobody can approve as things stand', () => {
    /** The incident with one pending draft, its overview under `quorum` (four-eyes: the drafter cannot approve). */
    const withQuorum = (n: number, locale: 'en' | 'es' = 'en', resolved = false) => {
      const { clock, state: drafted } = incidentWithDraft();
      const policy = incidentPolicy({ quorum: { kind: 'count', n } });
      const state = resolved ? accepted(resolve(drafted, { actorUserId: 'ULEAD', summary: 'Fixed.' }, policy, clock)) : drafted;
      return incidentRootMessage({ state, overview: overviewOf(state, policy, clock), playbookName: 'P', channelName: 'community', locale });
    };

    it('is said on the alert with what to do, in English and Spanish, within Slack limits', () => {
      const built = withQuorum(3);
      expect(visibleText(built.blocks)).toContain(
        ":warning: Reply #1 cannot be approved as things stand: fewer people may approve than the playbook's quorum needs (deactivated Slack accounts, four-eyes). Edit the playbook's approvers; `firebreak doctor` lists deactivated accounts at their playbook line.",
      );
      expectMessageWithinLimits(built);
      expect(visibleText(withQuorum(3, 'es').blocks)).toContain(':warning: La respuesta #1 no se puede aprobar tal como están las cosas');
    });

    it('is not said while enough people may approve, nor once the incident is resolved', () => {
      expect(visibleText(withQuorum(2).blocks)).not.toContain('cannot be approved');
      expect(visibleText(withQuorum(3, 'en', true).blocks)).not.toContain('cannot be approved');
    });
  });
});
