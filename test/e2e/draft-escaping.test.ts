// A reply with `&`, `<` and `>` (in the template, in a configured value, typed by staff): the draft and
// edit modals show the characters, never `&amp;`-style escapes, and the post carries each escaped once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIds, inputIds } from '../../src/slack/blocks/ids.js';
import type { ViewPayload } from '../../src/sandbox/slack-payloads.js';
import { availableProviders } from '../support/databases.js';
import { draftValues, findButtons, startHarness, TWO_APPROVER_PLAYBOOK, type Harness } from './harness.js';

const TEMPLATE_EN = 'We know something is wrong with {{brand}} and we are on it. Reach us at {{support_contact}} if it affects you.';
/** What the modal shows: the template's own `Q&A` and the brand as configured. */
const SHOWN = 'Q&A: we know something is wrong with Fish & Chips <Co> and we are on it. Reach us at help@acme.test if it affects you.';
const ADDED = ' Tea & <scones> > nothing.';

/** The text box's initial_value in a modal as Slack was asked to show it. */
const boxOf = (view: ViewPayload) =>
  (view.blocks as { type: string; block_id?: string; element?: { initial_value?: string } }[]).find((block) => block.type === 'input' && block.block_id?.startsWith(inputIds.draftText))?.element
    ?.initial_value;

describe.each(availableProviders)('a reply holding &, < and > (%s)', (provider) => {
  let harness: Harness;
  beforeAll(async () => {
    const playbook = TWO_APPROVER_PLAYBOOK.replace(`en: ${TEMPLATE_EN}`, `en: "Q&A: we know something is wrong with {{brand}} and we are on it. Reach us at {{support_contact}} if it affects you."`);
    expect(playbook).not.toBe(TWO_APPROVER_PLAYBOOK);
    harness = await startHarness({ provider, playbook, env: { BRAND_NAME: 'Fish & Chips <Co>' } });
    await harness.command(harness.people.cleo, `declare <#${harness.support}|support> sev2 Payments failing`);
    await harness.waitFor('the alert', () => harness.rootMessage());
  });
  afterAll(async () => {
    await harness?.close();
  });

  const prisma = () => harness.app.database.prisma;
  const draftCard = () => harness.thread().find((message) => findButtons(message.blocks ?? []).some((button) => button.action_id === actionIds.approveDraft));

  it('the draft and edit modals show the characters; the post escapes each exactly once', async () => {
    const { sam, ann, ben } = harness.people;
    await harness.click(sam, harness.alerts, harness.rootMessage()!.ts, actionIds.draftReply);
    const drafting = await harness.waitFor('the draft modal', () => harness.openModal(sam));
    expect(boxOf(drafting)).toBe(SHOWN);
    // Sent as the box shows it: stored as the message text it will be posted as.
    expect((await harness.submit(sam, draftValues(SHOWN))).body).not.toContain('errors');
    const draft = await harness.waitFor('the draft', async () => (await prisma().replyDraft.findFirst()) ?? undefined);
    expect(draft.text).toBe('Q&amp;A: we know something is wrong with Fish &amp; Chips &lt;Co&gt; and we are on it. Reach us at help@acme.test if it affects you.');

    const card = await harness.waitFor('the draft card', () => draftCard());
    await harness.click(sam, harness.alerts, card.ts, actionIds.editDraft);
    const editing = await harness.waitFor('the edit modal', () => harness.openModal(sam));
    expect(boxOf(editing)).toBe(SHOWN);
    const edited = await harness.submit(sam, { [inputIds.draftText]: { [inputIds.draftText]: { type: 'plain_text_input', value: `${SHOWN}${ADDED}` } } });
    expect(edited.body).not.toContain('errors');
    await harness.waitFor('the card for revision 2', () =>
      findButtons(harness.fake.workspace.findMessage(harness.alerts, card.ts)?.blocks ?? []).some((button) => button.action_id === actionIds.approveDraft && JSON.parse(button.value ?? '{}').r === 2),
    );

    await harness.click(ann, harness.alerts, card.ts, actionIds.approveDraft, (value) => JSON.parse(value).r === 2);
    await harness.click(ben, harness.alerts, card.ts, actionIds.approveDraft, (value) => JSON.parse(value).r === 2);
    const posted = await harness.waitFor('the public reply', () => harness.fake.workspace.messagesIn(harness.support).find((message) => message.bot_id && message.text.includes('scones')));
    expect(posted.text).toBe(
      'Q&amp;A: we know something is wrong with Fish &amp; Chips &lt;Co&gt; and we are on it. Reach us at help@acme.test if it affects you. Tea &amp; &lt;scones&gt; &gt; nothing.',
    );
  });
});
