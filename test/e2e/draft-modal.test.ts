// The reply flow as staff live it in a user trial: one modal submission makes one draft however often
// it arrives, and the approver's "What changed" shows the reply's own markup as text, never as the
// diff's emphasis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIds, inputIds } from '../../src/slack/blocks/ids.js';
import { viewSubmission } from '../../src/sandbox/slack-payloads.js';
import { availableProviders } from '../support/databases.js';
import { draftValues, findButtons, startHarness, type Harness } from './harness.js';

type RichText = { type: 'rich_text'; elements: { type: string; elements: { type: string; text: string; style?: { bold?: boolean; strike?: boolean } }[] }[] };

describe.each(availableProviders)('the draft modal and card through Slack on %s', (provider) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ provider });
    await harness.command(harness.people.cleo, `declare ${harness.support} sev2 Payments failing`);
    await harness.waitFor('the alert', () => harness.rootMessage());
  });
  afterAll(async () => {
    await harness?.close();
  });

  const prisma = () => harness.app.database.prisma;
  const draftCards = () => harness.thread().filter((message) => findButtons(message.blocks ?? []).some((button) => button.action_id === actionIds.approveDraft));

  it('the same draft modal submitted twice at once (a double click, a resent request) makes one draft and one card', async () => {
    const { sam } = harness.people;
    await harness.click(sam, harness.alerts, harness.rootMessage()!.ts, actionIds.draftReply);
    const view = await harness.waitFor('the draft modal', () => harness.openModal(sam));
    const identity = harness.fake.workspace.appIdentity();
    const values = draftValues('We know *card payments* are failing; _everyone_ is on it. Next update at `15:00`.');
    const send = () => harness.deliver('interaction', viewSubmission(identity, { user: { id: sam, name: 'sam' }, view, values, triggerId: harness.fake.workspace.issueTrigger(sam) }));
    const answers = await Promise.all([send(), send()]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    // And once more after both were answered.
    expect((await send()).status).toBe(200);
    harness.fake.workspace.closeView(view.id);
    await harness.waitFor('the draft card', () => draftCards()[0]);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await prisma().replyDraft.count()).toBe(1);
    expect(draftCards()).toHaveLength(1);
    expect(await prisma().timelineEvent.count({ where: { kind: 'draft_created' } })).toBe(1);
  });

  it('a new modal is a new submission: the next draft is created', async () => {
    const { sam } = harness.people;
    await harness.click(sam, harness.alerts, harness.rootMessage()!.ts, actionIds.draftReply);
    await harness.waitFor('the draft modal', () => harness.openModal(sam));
    expect((await harness.submit(sam, draftValues('A second reply: payments are back for most of you.'))).status).toBe(200);
    await harness.waitFor('the second draft', async () => (await prisma().replyDraft.count()) === 2);
  });

  it('“What changed” on an edited card marks only the changed words, whatever markup the reply holds', async () => {
    const { ben } = harness.people;
    const card = draftCards()[0]!;
    await harness.click(ben, harness.alerts, card.ts, actionIds.editDraft);
    await harness.waitFor('the edit modal', () => harness.openModal(ben));
    const edited = 'We know *card payments* are failing; _everyone_ is on it. Next update at `16:00`.';
    const response = await harness.submit(ben, { [inputIds.draftText]: { [inputIds.draftText]: { type: 'plain_text_input', value: edited } } });
    expect(response.body).not.toContain('errors');
    const updated = await harness.waitFor('the card for revision 2', () => {
      const message = harness.fake.workspace.findMessage(harness.alerts, card.ts);
      return message && JSON.stringify(message.blocks).includes('What changed') ? message : undefined;
    });
    // The diff is rich text: each piece is plain text, styled only where it changed.
    const diff = (updated.blocks as { type: string }[]).find((block) => block.type === 'rich_text') as RichText | undefined;
    expect(diff).toBeDefined();
    const pieces = diff!.elements.flatMap((element) => element.elements);
    expect(pieces.every((piece) => piece.type === 'text')).toBe(true);
    const bold = pieces.filter((piece) => piece.style?.bold).map((piece) => piece.text);
    const struck = pieces.filter((piece) => piece.style?.strike).map((piece) => piece.text);
    expect(bold.join('')).toContain('16');
    expect(struck.join('')).toContain('15');
    // Nothing unchanged is bold or struck, and the reply's own *, _ and ` read as the characters they are.
    expect(bold.join('') + struck.join('')).not.toMatch(/card|payments|everyone|failing/);
    expect(pieces.filter((piece) => !piece.style).map((piece) => piece.text).join('')).toContain('We know *card payments* are failing; _everyone_ is on it.');
    // No mrkdwn text on the card carries the diff any more.
    const sections = JSON.stringify((updated.blocks as { type: string }[]).filter((block) => block.type === 'section'));
    expect(sections).not.toContain('~15');
  });
});
