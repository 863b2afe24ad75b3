// Answers only one person reads (slash command replies, in the acknowledgement and later through the
// response_url; ephemeral notices) speak that person's Slack language (users.info with include_locale),
// not the server's LOCALE; a language Firebreak does not speak falls back to the workspace's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../src/i18n/index.js';
import { actionIds, callbackIds } from '../../src/slack/blocks/ids.js';
import { draftValues, findButtons, startHarness, type Harness } from './harness.js';

describe('the language of an answer to one person', () => {
  let harness: Harness;
  let marta: string;
  let pierre: string;
  let lola: string;
  beforeAll(async () => {
    harness = await startHarness({ env: { LOCALE: 'en' } });
    const { workspace } = harness.fake;
    // Marta uses Slack in Spanish and administers the workspace (so she operates Firebreak); Pierre uses it in French.
    marta = workspace.addUser({ name: 'marta', real_name: 'Marta Gil', locale: 'es-ES', is_admin: true }).id;
    pierre = workspace.addUser({ name: 'pierre', real_name: 'Pierre Roy', locale: 'fr-FR' }).id;
    // Lola, a community member, uses Slack in Latin American Spanish.
    lola = workspace.addUser({ name: 'lola', real_name: 'Lola Paz', locale: 'es-419' }).id;
    for (const user of [marta, pierre, lola]) workspace.addMember(harness.support, user);
    workspace.addMember(harness.alerts, marta);
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
  });

  const ackText = (body: string) => (JSON.parse(body) as { text: string }).text;

  it('answers /firebreak help in Spanish to a Spanish speaker on an English server, in English to the others', async () => {
    expect(ackText((await harness.command(marta, 'help')).body)).toBe(t('es', 'ui.help.heading', {}));
    expect(ackText((await harness.command(harness.people.sam, 'help')).body)).toBe(t('en', 'ui.help.heading', {}));
    // French is not in the catalog: the workspace's language (LOCALE here).
    expect(ackText((await harness.command(pierre, 'help')).body)).toBe(t('en', 'ui.help.heading', {}));
  });

  it('answers a declare, once its incident is committed, in the same language', async () => {
    const answer = await harness.command(marta, `declare <#${harness.support}|support> sev3 La app no carga`);
    expect(ackText(answer.body)).toMatch(/^Incidente #\d+ declarado en <#/);
  });

  it('refuses a command that is not theirs in their own language', async () => {
    expect(ackText((await harness.command(lola, 'status')).body)).toBe(t('es', 'ui.operator.refused', {}));
    expect(ackText((await harness.command(pierre, 'status')).body)).toBe(t('en', 'ui.operator.refused', {}));
  });

  it('refuses the message shortcuts in the refused person’s own language too', async () => {
    const { ts } = await harness.post(lola, 'Mi pedido desapareció', Date.now());
    for (const callbackId of [callbackIds.addToTimelineShortcut, callbackIds.markSentimentShortcut]) {
      const before = harness.ephemeralTexts(lola).length;
      expect((await harness.shortcut(lola, callbackId, { ts, text: 'Mi pedido desapareció', user: lola })).status).toBe(200);
      const refusal = await harness.waitFor(`the ${callbackId} refusal`, () => harness.ephemeralTexts(lola).slice(before)[0]);
      expect(refusal).toContain(t('es', 'ui.operator.refused', {}));
    }
  });
  it('refuses a button in the clicker’s language, not the incident’s: only they read it', async () => {
    // The incident Marta declared is English (LOCALE); Cleo drafts a reply and Marta, no approver, clicks Approve.
    const { cleo } = harness.people;
    await harness.click(cleo, harness.alerts, harness.rootMessage()!.ts, actionIds.draftReply);
    await harness.waitFor('the draft modal', () => harness.openModal(cleo));
    expect((await harness.submit(cleo, draftValues('We are looking into it and will update here.'))).body).not.toContain('errors');
    const card = await harness.waitFor('the draft card', () => harness.thread().find((message) => findButtons(message.blocks ?? []).some((button) => button.action_id === actionIds.approveDraft)));
    const before = harness.ephemeralTexts(marta).length;
    await harness.click(marta, harness.alerts, card.ts, actionIds.approveDraft);
    const refusal = await harness.waitFor('the refusal', () => harness.ephemeralTexts(marta).slice(before)[0]);
    // And whom to ask instead: the playbook's approvers, by name.
    expect(refusal).toContain(t('es', 'refusal.not_an_approver', { draftNumber: 1, approvers: [harness.people.ann, harness.people.ben, cleo], more: 0 }));
    expect(refusal).toContain(t('es', 'ui.refusal.footer', {}));
  });
  it('opens a form in the language of the person it is for, so its labels and its errors agree', async () => {
    // The incident is English (LOCALE); Marta reads Slack in Spanish, Cleo in English.
    const { cleo } = harness.people;
    const rootTs = harness.rootMessage()!.ts;
    await harness.click(marta, harness.alerts, rootTs, actionIds.draftReply);
    const modal = await harness.waitFor('Marta’s draft modal', () => harness.openModal(marta));
    expect(modal.title).toMatchObject({ text: t('es', 'ui.modal.draft.title', { number: 1 }) });
    expect(modal.submit).toMatchObject({ text: t('es', 'ui.modal.draft.submit', {}) });
    const refused = await harness.submit(marta, draftValues('Hi [member], we are on it.'));
    expect(refused.body).toContain('Esta respuesta no puede llegar a la comunidad');
    harness.fake.workspace.closeView(modal.id);
    await harness.click(marta, harness.alerts, rootTs, actionIds.addNote);
    await harness.waitFor('Marta’s note modal', () => (harness.openModal(marta)?.title as { text?: string } | undefined)?.text === t('es', 'ui.modal.note.title', { number: 1 }) || undefined);
    harness.fake.workspace.closeView(harness.openModal(marta)!.id);
    // Resolving is not hers under this playbook (lead, approvers): refused at the click, in her language.
    const before = harness.ephemeralTexts(marta).length;
    await harness.click(marta, harness.alerts, rootTs, actionIds.resolve);
    await harness.waitFor('Marta’s refusal to resolve', () => harness.ephemeralTexts(marta).slice(before).find((line) => line.includes('Según este playbook, solo')));
    expect(harness.openModal(marta)).toBeUndefined();
    await harness.click(cleo, harness.alerts, rootTs, actionIds.resolve);
    await harness.waitFor('Cleo’s resolve modal', () => (harness.openModal(cleo)?.title as { text?: string } | undefined)?.text === t('en', 'ui.modal.resolve.title', { number: 1 }) || undefined);
  });
  it('draws each person’s App Home in their language: it is theirs alone', async () => {
    const homeOf = async (user: string) => {
      await harness.event({ type: 'app_home_opened', user, channel: 'D0HOME', tab: 'home' });
      return JSON.stringify((await harness.waitFor(`${user}’s App Home`, () => harness.fake.workspace.homeView(user))).blocks);
    };
    expect(await homeOf(marta)).toContain(t('es', 'ui.home.title', {}));
    expect(await homeOf(harness.people.ann)).toContain(t('en', 'ui.home.title', {}));
  });
});
