// One click, one line: the approval that reaches the quorum says in the incident thread that the reply
// was approved and will be posted, and where, in one line (no second "approved by …" line after it);
// the "posted" line follows when Slack confirms. An approval short of the quorum keeps its own line.
// The stored timeline still holds both events (the approval and the quorum) for the audit and exports.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIds } from '../../src/slack/blocks/ids.js';
import { availableProviders } from '../support/databases.js';
import { draftValues, findButtons, startHarness, type Harness } from './harness.js';

const REPLY = 'We know payments are failing for some of you and we are on it. Next update here by 15:00.';

const cases = availableProviders.flatMap((provider) => (['en', 'es'] as const).map((locale) => ({ provider, locale })));

describe.each(cases)('the thread lines of an approval that reaches the quorum ($provider, $locale)', ({ provider, locale }) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ provider, env: { LOCALE: locale } });
    await harness.command(harness.people.cleo, `declare <#${harness.support}|support> sev2 Payments failing`);
    await harness.waitFor('the alert', () => harness.rootMessage());
  });
  afterAll(async () => {
    await harness?.close();
  });

  const prisma = () => harness.app.database.prisma;
  const keyOf = (message: { metadata?: unknown }) => String((message.metadata as { event_payload?: { key?: unknown } } | undefined)?.event_payload?.key ?? '');
  const draftCard = () => harness.thread().find((message) => findButtons(message.blocks ?? []).some((button) => button.action_id === actionIds.approveDraft));
  /** The thread's lines about approving and posting, in order, posted after `since`. */
  const approvalLines = (since: number) =>
    harness
      .thread()
      .filter((message) => Number(message.ts) > since && /:(draft_approved|quorum_met|reply_posted)$/.test(keyOf(message)))
      .map((message) => ({ kind: keyOf(message).split(':').pop(), text: message.text }));

  it('the last approver’s click gives one line saying it will be posted, then the posted line', async () => {
    const { sam, ann, ben } = harness.people;
    await harness.click(sam, harness.alerts, harness.rootMessage()!.ts, actionIds.draftReply);
    await harness.waitFor('the draft modal', () => harness.openModal(sam));
    expect((await harness.submit(sam, draftValues(REPLY))).body).not.toContain('errors');
    const card = await harness.waitFor('the draft card', () => draftCard());

    // Short of the quorum: its own line, as before.
    const beforeFirst = Number(harness.thread().at(-1)!.ts);
    await harness.click(ann, harness.alerts, card.ts, actionIds.approveDraft);
    const first = await harness.waitFor('the first approval line', () => {
      const lines = approvalLines(beforeFirst);
      return lines.length > 0 && lines;
    });
    expect(first).toEqual([
      { kind: 'draft_approved', text: locale === 'es' ? `<@${ann}> aprobó la revisión 1 de la respuesta #1 (1 de 2)` : `<@${ann}> approved revision 1 of reply #1 (1 of 2)` },
    ]);

    // The approval that reaches the quorum: one line for the click, then the posted line.
    const beforeLast = Number(harness.thread().at(-1)!.ts);
    await harness.click(ben, harness.alerts, card.ts, actionIds.approveDraft);
    await harness.waitFor('the posted line', () => approvalLines(beforeLast).find((line) => line.kind === 'reply_posted'));
    await harness.waitFor('the outbox drained', async () => ((await prisma().outboxItem.count({ where: { status: 'pending' } })) === 0 ? true : undefined));
    expect(approvalLines(beforeLast)).toEqual([
      {
        kind: 'draft_approved',
        text:
          locale === 'es'
            ? `<@${ben}> aprobó la revisión 1 de la respuesta #1 (2 de 2): se publicará en <#${harness.support}>`
            : `<@${ben}> approved revision 1 of reply #1 (2 of 2): it will be posted in <#${harness.support}>`,
      },
      { kind: 'reply_posted', text: locale === 'es' ? expect.stringContaining('#1') : 'Reply #1 posted to the community' },
    ]);
    expect(harness.fake.workspace.messagesIn(harness.support).filter((message) => message.bot_id && message.text === REPLY)).toHaveLength(1);

    // What happened is still recorded in full: both approvals and the quorum, in order.
    const kinds = (await prisma().timelineEvent.findMany({ orderBy: { sequence: 'asc' } })).map((e) => e.kind).filter((kind) => /^(draft_approved|quorum_met|reply_posted)$/.test(kind));
    expect(kinds).toEqual(['draft_approved', 'draft_approved', 'quorum_met', 'reply_posted']);
  });
});
