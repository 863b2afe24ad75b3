import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIds } from '../../src/slack/blocks/ids.js';
import { webClientFor } from '../support/fake-slack.js';
import { availableProviders } from '../support/databases.js';
import { draftValues, findButtons, replyWrittenPastQuorum, startHarness, TWO_APPROVER_PLAYBOOK, type Harness } from './harness.js';

/** The harness playbook with a privacy-style holding reply first: it answers a member's message in thread. */
export const THREAD_TEMPLATE_PLAYBOOK = TWO_APPROVER_PLAYBOOK.replace(
  'replies:\n',
  `replies:
  - id: privacy-holding
    target: thread
    text:
      es: Hola {{member}}, gracias por preguntar. Lo estamos revisando y te contestamos aquí.
      en: Hi {{member}}, thanks for asking. We are looking into it and will answer here.
    guidance: { es: No confirmes nada aún., en: Confirm nothing yet. }
`,
);

const VALID = 'We are looking into the rumour about a data leak and will update this channel within the hour.';

describe.each(availableProviders)('reply preflight through Slack on %s', (provider) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ provider, playbook: THREAD_TEMPLATE_PLAYBOOK });
  });
  afterAll(async () => {
    await harness?.close();
  });

  const prisma = () => harness.app.database.prisma;
  const botPostsIn = (channel: string) => harness.fake.workspace.messagesIn(channel).filter((message) => message.user === harness.fake.workspace.bot.user_id);
  const draftCard = () => harness.thread().find((message) => findButtons(message.blocks ?? []).some((button) => button.action_id === actionIds.approveDraft));

  it('defect 1: a declared incident’s holding reply prefilled with “[member]” cannot be sent for approval', async () => {
    await harness.command(harness.people.cleo, `declare ${harness.support} sev2 Rumour about a data leak`);
    const root = await harness.waitFor('the alert', () => harness.rootMessage());
    await harness.click(harness.people.sam, harness.alerts, root.ts, actionIds.draftReply);
    const modal = await harness.waitFor('the draft modal', () => harness.openModal(harness.people.sam));
    const shown = JSON.stringify(modal.blocks);
    // There is no member message to answer: the template's gap is visible, and the modal says why.
    expect(shown).toContain('Hi [member], thanks for asking');
    expect(shown).toMatch(/declared by hand/);
    // Template choices show the text as it would be prefilled, never raw Mustache.
    expect(shown).not.toContain('{{');

    const refused = await harness.submit(harness.people.sam, draftValues('Hi [member], thanks for asking. We are looking into it and will answer here.'));
    expect(refused.body).toContain('"response_action":"errors"');
    expect(refused.body).toContain('[member]');
    expect(await prisma().replyDraft.count()).toBe(0);
    // The modal stays open with the refusal on the text field; a mass mention is refused the same way.
    const mention = await harness.submit(harness.people.sam, draftValues(`<!channel> ${VALID}`));
    expect(mention.body).toContain('errors');
    expect(mention.body).toContain('<!channel>');
    expect(await prisma().replyDraft.count()).toBe(0);

    await harness.submit(harness.people.sam, draftValues(VALID));
    const card = await harness.waitFor('the draft card', () => draftCard());
    // Approvers see the preflight result on the card.
    expect(JSON.stringify(card.blocks)).toMatch(/Preflight: nothing to flag/);
  });

  it('an approval of a text the preflight refuses is refused, explained to the approver and not counted', async () => {
    const draft = await prisma().replyDraft.findFirstOrThrow();
    // A draft changed behind the workflow's back (an older version, a hand edit of the database).
    await prisma().replyDraft.update({ where: { id: draft.id }, data: { text: `Hi [member], ${VALID}` } });
    const card = draftCard()!;
    await harness.click(harness.people.ann, harness.alerts, card.ts, actionIds.approveDraft);
    await harness.waitFor('the explanation', () => harness.ephemeralTexts(harness.people.ann).find((text) => text.includes('[member]')));
    expect(await prisma().approval.count()).toBe(0);
    const audit = await prisma().auditLog.findFirstOrThrow({ where: { outcome: 'refused', userId: harness.people.ann } });
    expect((audit.data as { refusalCode?: string }).refusalCode).toBe('preflight');
    await prisma().replyDraft.update({ where: { id: draft.id }, data: { text: VALID } });
  });

  it('the outbox holds a public reply no quorum approved, posts nothing and tells the thread', async () => {
    const held = await replyWrittenPastQuorum(harness);
    expect(held.lastError).toBe('held:not_approved');
    await harness.waitFor('the notice in the thread', () => harness.thread().find((message) => message.text.includes('was held and not posted')));
    expect(botPostsIn(harness.support)).toHaveLength(0);
  });

  it('the invariant check sees a bot post in a community channel that no quorum approved', async () => {
    const client = webClientFor(harness.fake);
    const posted = await client.chat.postMessage({ channel: harness.support, text: 'Hi [member], unapproved' });
    const report = await harness.invariant();
    expect(report.unapprovedPublicPosts.map((violation) => violation.text)).toEqual(['Hi [member], unapproved']);
    expect(report.drillPostsOutsideThread).toEqual([]);
    // Said and checked; the rest of the suite must add none.
    harness.forgetPost(String(posted.ts));
    expect((await harness.invariant()).unapprovedPublicPosts).toEqual([]);
  });
});
