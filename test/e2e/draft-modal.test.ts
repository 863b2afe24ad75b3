// The reply flow as staff live it in a user trial: one modal submission makes one draft however often
// it arrives, and the approver's "What changed" shows the reply's own markup as text, never as the
// diff's emphasis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIds, inputIds } from '../../src/slack/blocks/ids.js';
import { viewBlockActions, viewSubmission, type ViewPayload } from '../../src/sandbox/slack-payloads.js';
import { t } from '../../src/i18n/index.js';
import { availableProviders } from '../support/databases.js';
import { draftValues, findButtons, startHarness, TWO_APPROVER_PLAYBOOK, type Harness } from './harness.js';

type RichText = { type: 'rich_text'; elements: { type: string; elements: { type: string; text: string; style?: { bold?: boolean; strike?: boolean } }[] }[] };

describe.each(availableProviders)('the draft modal and card through Slack on %s', (provider) => {
  let harness: Harness;
  beforeAll(async () => {
    // A second template, to pick another one in the modal.
    const playbook = TWO_APPROVER_PLAYBOOK.replace(
      'replies:\n',
      'replies:\n  - id: apology\n    target: channel\n    text:\n      es: Perdón por las molestias con {{brand}}.\n      en: Sorry for the trouble with {{brand}}.\n    guidance: { es: Breve., en: Short. }\n',
    );
    harness = await startHarness({ provider, playbook });
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

  it('picking another template keeps the text typed by hand in the box, and shows the template under it to copy', async () => {
    const { workspace } = harness.fake;
    const { nina } = harness.people;
    type Input = { type: string; block_id: string; element: { initial_value?: string } };
    // What the text box shows, as Slack keeps it: a block_id kept keeps the typed text, a new one shows its initial_value.
    let shown = { blockId: '', value: '' };
    const look = (view: ViewPayload) => {
      const box = (view.blocks as Input[]).find((block) => block.type === 'input' && block.block_id.startsWith(inputIds.draftText))!;
      if (box.block_id !== shown.blockId) shown = { blockId: box.block_id, value: box.element.initial_value ?? '' };
      return view;
    };
    async function pickTemplate(value: string): Promise<ViewPayload> {
      const view = harness.openModal(nina)!;
      const state = {
        [inputIds.draftTemplate]: { [actionIds.pickTemplate]: { type: 'static_select', selected_option: { value } } },
        [inputIds.draftLanguage]: { [actionIds.pickLanguage]: { type: 'static_select', selected_option: { value: 'en' } } },
        [inputIds.draftTarget]: { [actionIds.pickTarget]: { type: 'radio_buttons', selected_option: { value: 'channel' } } },
        [shown.blockId]: { [shown.blockId]: { type: 'plain_text_input', value: shown.value } },
      };
      const response = await harness.deliver(
        'interaction',
        viewBlockActions(workspace.appIdentity(), {
          user: { id: nina, name: 'nina' },
          view,
          actions: [{ action_id: actionIds.pickTemplate, block_id: inputIds.draftTemplate, type: 'static_select', selected_option: { text: { type: 'plain_text', text: value }, value } }],
          triggerId: workspace.issueTrigger(nina),
          nowMs: Date.now(),
          state,
        }),
      );
      expect(response.status).toBe(200);
      return look(await harness.waitFor(`the modal re-rendered for ${value}`, () => (harness.openModal(nina)?.hash !== view.hash ? harness.openModal(nina) : undefined)));
    }
    const copyBlock = (view: ViewPayload) => JSON.stringify(view.blocks.filter((block) => ['context', 'section'].includes((block as { type: string }).type)));

    await harness.click(nina, harness.alerts, harness.rootMessage()!.ts, actionIds.draftReply);
    look(await harness.waitFor('the draft modal', () => harness.openModal(nina)));
    // Untouched text follows the template picked.
    let view = await pickTemplate('apology');
    expect(shown.value).toBe('Sorry for the trouble with Acme.');
    expect(copyBlock(view)).not.toContain(':clipboard:');

    // Typed by hand, then another template: the typed text stays, the template is shown to copy from.
    const typed = 'Sorry! Card payments fail for some of you; refunds go out today.';
    shown.value = typed;
    view = await pickTemplate('holding');
    expect(shown.value).toBe(typed);
    expect(copyBlock(view)).toContain(t('en', 'ui.modal.draft.kept_typed_text', { template: 'holding' }));
    expect(copyBlock(view)).toContain('We know something is wrong with Acme and we are on it. Reach us at help@acme.test if it affects you.');
    // And again: nothing typed is lost however often the template changes.
    view = await pickTemplate('apology');
    expect(shown.value).toBe(typed);
    expect(copyBlock(view)).toContain(t('en', 'ui.modal.draft.kept_typed_text', { template: 'apology' }));
    expect(copyBlock(view)).toContain('Sorry for the trouble with Acme.');
    // Emptied to start again from the template picked (the one the box was first filled with): the box shows it.
    shown.value = '';
    view = await pickTemplate('apology');
    expect(shown.value).toBe('Sorry for the trouble with Acme.');
    expect(copyBlock(view)).not.toContain(':clipboard:');
    shown.value = typed;
    const submitted = await harness.submit(nina, { ...draftValues(typed), [shown.blockId]: { [shown.blockId]: { type: 'plain_text_input', value: shown.value } } });
    expect(submitted.body).not.toContain('errors');
    await harness.waitFor('the draft with the typed text', async () => (await prisma().replyDraft.findFirst({ where: { text: typed } })) ?? undefined);
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
  it('a submission naming a thread the incident does not quote (a forged or garbled value) makes no draft and asks where the reply goes', async () => {
    const { nina } = harness.people;
    const before = await prisma().replyDraft.count();
    for (const value of ['thread:1700000000.000100', 'thread:']) {
      await harness.click(nina, harness.alerts, harness.rootMessage()!.ts, actionIds.draftReply);
      await harness.waitFor('the draft modal', () => harness.openModal(nina));
      const values = draftValues('We are looking into the payment failures right now.');
      values[inputIds.draftTarget] = { [inputIds.draftTarget]: { type: 'radio_buttons', selected_option: { value } } };
      const response = await harness.submit(nina, values);
      expect(JSON.parse(response.body)).toEqual({ response_action: 'errors', errors: { [inputIds.draftTarget]: t('en', 'refusal.unknown_target', { field: 'target' }) } });
      harness.fake.workspace.closeView(harness.openModal(nina)!.id);
    }
    expect(await prisma().replyDraft.count()).toBe(before);
    const refusals = await prisma().auditLog.findMany({ where: { action: 'create_draft', outcome: 'refused', userId: nina } });
    expect(refusals.map((entry) => (entry.data as { refusalCode?: string }).refusalCode)).toEqual(['unknown_target', 'unknown_target']);
  });
});
