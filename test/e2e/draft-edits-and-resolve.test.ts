// A reply's life after it is written, as staff live it through Slack: an edit into another language
// asks for the same confirmation as writing it did and labels the card with the language it is now in;
// "What changed" never shows half an emoji; and a reply still waiting when the incident is resolved is
// closed unsent — its card, the alert and the thread say so, and nobody is asked to approve it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../src/i18n/index.js';
import { actionIds, callbackIds, inputIds } from '../../src/slack/blocks/ids.js';
import { availableProviders } from '../support/databases.js';
import { draftValues, findButtons, playSpike, startHarness, type Harness } from './harness.js';

const ENGLISH = 'We know the app is failing for many of you and we are working on a fix. We will update this channel within the hour.';
const SPANISH = 'Hola a todos, sabemos que la aplicación no funciona y estamos trabajando para arreglarlo lo antes posible. Gracias por vuestra paciencia.';
/** An unchanged stretch whose 40th character is the first half of an emoji. */
const WITH_EMOJI = `Hola. ${'a'.repeat(33)}🙏 ${'gracias por vuestra paciencia, '.repeat(6)}fin`;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const typed = (text: string) => ({ [inputIds.draftText]: { [inputIds.draftText]: { type: 'plain_text_input', value: text } } });
const confirmed = { [inputIds.draftLanguageConfirm]: { [inputIds.draftLanguageConfirm]: { type: 'checkboxes', selected_options: [{ value: 'confirmed' }] } } };
const errorsOf = (body: string) => (body ? ((JSON.parse(body) as { errors?: Record<string, string> }).errors ?? {}) : {});

describe.each(availableProviders)('editing a reply, and resolving with one waiting, through Slack on %s', (provider) => {
  let harness: Harness;
  let cardTs = '';
  beforeAll(async () => {
    harness = await startHarness({ provider });
    // #support writes in English.
    await playSpike(harness);
    await harness.waitFor('the alert', () => harness.rootMessage());
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
  });

  const prisma = () => harness.app.database.prisma;
  const card = () => harness.fake.workspace.findMessage(harness.alerts, cardTs);
  const shown = (message: { text?: string; blocks?: unknown[] } | undefined) => `${message?.text ?? ''} ${JSON.stringify(message?.blocks ?? [])}`;
  const revisionShown = (revision: number) => harness.waitFor(`the card at revision ${revision}`, () => (shown(card()).includes(`revision ${revision}`) ? card() : undefined));

  /** Opens the edit modal on the card as it is now (never the one submitted before, which may still show). */
  async function openEdit(user: string) {
    const before = harness.openModal(user)?.id;
    await harness.click(user, harness.alerts, cardTs, actionIds.editDraft);
    return harness.waitFor('the edit modal', () => {
      const view = harness.openModal(user);
      return view?.callback_id === callbackIds.editDraftModal && view.id !== before ? view : undefined;
    });
  }

  it('an edit into Spanish for English readers is refused until confirmed, then labelled Spanish and confirmed', async () => {
    const { cleo, sam } = harness.people;
    await harness.click(cleo, harness.alerts, harness.rootMessage()!.ts, actionIds.draftReply);
    await harness.waitFor('the draft modal', () => harness.openModal(cleo));
    expect(errorsOf((await harness.submit(cleo, draftValues(ENGLISH))).body)).toEqual({});
    const posted = await harness.waitFor('the draft card', () => harness.thread().find((message) => findButtons(message.blocks ?? []).some((button) => button.action_id === actionIds.approveDraft)));
    cardTs = posted.ts;
    expect(shown(posted)).toContain('· in English');

    const modal = await openEdit(sam);
    // The same box as on creation.
    expect(modal.blocks.some((block) => (block as { block_id?: string }).block_id === inputIds.draftLanguageConfirm)).toBe(true);
    // Shown before anything is rewritten, it does not claim the members write in another language than
    // this English reply's: it says when it applies, naming theirs.
    expect(JSON.stringify(modal.blocks)).toContain(t('en', 'ui.modal.edit.language_confirm', { language: 'English' }));
    expect(JSON.stringify(modal.blocks)).not.toContain('(the members write in another)');
    const refused = await harness.submit(sam, typed(SPANISH));
    const errors = errorsOf(refused.body);
    expect(Object.keys(errors)).toEqual([inputIds.draftLanguageConfirm]);
    expect(errors[inputIds.draftLanguageConfirm]).toContain('Tick “Post in this language anyway” to post it in Spanish, or rewrite it in English.');
    expect((await prisma().replyDraft.findFirstOrThrow()).revision).toBe(1);

    expect(errorsOf((await harness.submit(sam, { ...typed(SPANISH), ...confirmed })).body)).toEqual({});
    const edited = await revisionShown(2);
    expect(shown(edited)).toContain('in Spanish');
    expect(shown(edited)).not.toContain('· in English');
    expect(shown(edited)).toContain('Written in Spanish; the people it answers write in English (the drafter confirmed)');
    expect(await prisma().replyDraft.findFirstOrThrow()).toMatchObject({ revision: 2, language: 'es', status: 'pending' });
  });

  it('“What changed” cuts an unchanged stretch between whole characters, never inside an emoji', async () => {
    const { sam } = harness.people;
    await openEdit(sam);
    expect(errorsOf((await harness.submit(sam, typed(WITH_EMOJI))).body)).toEqual({});
    await revisionShown(3);
    await openEdit(sam);
    expect(errorsOf((await harness.submit(sam, typed(WITH_EMOJI.replace('fin', 'hasta pronto')))).body)).toEqual({});
    const edited = await revisionShown(4);
    type RichText = { type: string; elements?: { elements?: { text: string }[] }[] };
    const diff = (edited.blocks as RichText[]).find((block) => block.type === 'rich_text');
    const texts = (diff?.elements ?? []).flatMap((quote) => (quote.elements ?? []).map((element) => element.text));
    expect(texts.join('')).toContain('hasta pronto');
    for (const text of texts) expect(text).not.toMatch(LONE_SURROGATE);
    expect(texts[0]).toMatch(/^Hola\. a{33}…/);
  });

  it('resolving closes the reply still waiting: its card loses its buttons and says it was not sent, the alert and the thread agree', async () => {
    const { ann } = harness.people;
    expect(shown(harness.rootMessage())).toContain('1 in review');
    await harness.click(ann, harness.alerts, harness.rootMessage()!.ts, actionIds.resolve);
    await harness.waitFor('the resolve modal', () => harness.openModal(ann)?.callback_id === callbackIds.resolveModal);
    const text = (value: string) => ({ type: 'plain_text_input', value });
    const resolved = await harness.submit(ann, {
      [inputIds.resolutionSummary]: { [inputIds.resolutionSummary]: text('The app works again; members told.') },
      [inputIds.skipReason('acknowledge')]: { [inputIds.skipReason('acknowledge')]: text('Handled on the bridge call') },
    });
    expect(errorsOf(resolved.body)).toEqual({});
    await harness.waitFor('the resolution', async () => (await prisma().incident.findFirst({ where: { status: 'resolved' } })) ?? undefined);

    const closed = await harness.waitFor('the card redrawn', () => (shown(card()).includes('Not sent') ? card() : undefined));
    expect(shown(closed)).toContain('Not sent: the incident was resolved while this reply waited for approval');
    expect(shown(closed)).not.toContain('Waiting for approval');
    expect(findButtons(closed.blocks ?? []).map((button) => button.action_id)).toEqual([]);
    expect((await prisma().replyDraft.findFirstOrThrow()).status).toBe('closed_unsent');

    const root = await harness.waitFor('the alert redrawn', () => (shown(harness.rootMessage()).includes('0 in review') ? harness.rootMessage() : undefined));
    expect(shown(root)).not.toContain('1 in review');
    await harness.waitFor('the thread line', () => harness.thread().find((message) => message.text.includes('Reply #1 was not sent: it was still waiting for approval when the incident was resolved')));
    expect(await prisma().timelineEvent.count({ where: { kind: 'draft_closed_unsent' } })).toBe(1);
    // Nothing reached the community.
    expect(harness.fake.workspace.messagesIn(harness.support).filter((message) => message.user === harness.fake.workspace.bot.user_id)).toHaveLength(0);
  });
});
