// A Spanish-speaking lead on a team whose Firebreak speaks English (LOCALE=en): what only they read speaks
// Spanish all through. The help names the Spanish word for a practice run (`simulacro`) as it names every
// other command's; the resolve form and Skip… name the checklist's steps by the playbook's Spanish titles,
// not by the English ones the incident's shared messages use ("Omitir «Acknowledge the incident» porque…"),
// and the post-mortem form asks the playbook's questions in Spanish among its Spanish fields.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../src/i18n/index.js';
import { actionIds, callbackIds, inputIds } from '../../src/slack/blocks/ids.js';
import { availableProviders } from '../support/databases.js';
import { declareLoginIncident, findButtons, startHarness, type Harness } from './harness.js';

const SPANISH_STEP = 'Confirmar el incidente';
const ENGLISH_STEP = 'Acknowledge the incident';

describe.each(availableProviders)('forms and help in the reader’s language on an English team (%s)', (provider) => {
  let harness: Harness;
  const checklistMessage = () => harness.thread().find((message) => findButtons(message.blocks ?? []).some((button) => button.action_id === actionIds.skipStep));

  beforeAll(async () => {
    // Everyone uses Slack in Spanish; the team's Firebreak, and so the incident's shared messages, speak English.
    harness = await startHarness({ provider, env: { LOCALE: 'en' }, slackLocale: 'es-ES' });
    await declareLoginIncident(harness);
    await harness.waitFor('the checklist message', checklistMessage);
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
  });

  it('the Spanish help names `simulacro` for a practice run, as the declare command accepts it', async () => {
    const help = (await harness.command(harness.people.ann, 'ayuda')).body;
    expect(help).toContain(t('es', 'ui.help.heading', {}));
    expect(help).toContain('[simulacro]');
    expect(help).not.toContain('[drill]');
  });

  it('Skip… asks about the step by its Spanish title', async () => {
    // The shared checklist is English: the step is stored in the incident's language.
    expect(JSON.stringify(checklistMessage()!.blocks)).toContain(ENGLISH_STEP);
    const { ben } = harness.people;
    const skip = findButtons(checklistMessage()!.blocks ?? []).find((button) => button.action_id === actionIds.skipStep && JSON.parse(button.value ?? '{}').s === 'acknowledge')!;
    await harness.click(ben, harness.alerts, checklistMessage()!.ts, actionIds.skipStep, (value) => value === skip.value);
    const modal = await harness.waitFor('the skip modal', () => harness.openModal(ben)?.callback_id === callbackIds.skipStepModal && harness.openModal(ben));
    expect(JSON.stringify(modal.blocks)).toContain(SPANISH_STEP);
    expect(JSON.stringify(modal.blocks)).not.toContain(ENGLISH_STEP);
  });

  it('the resolve form names an open step by its Spanish title', async () => {
    const { ann } = harness.people;
    await harness.click(ann, harness.alerts, harness.rootMessage()!.ts, actionIds.resolve);
    const modal = await harness.waitFor('the resolve modal', () => harness.openModal(ann)?.callback_id === callbackIds.resolveModal && harness.openModal(ann));
    const form = JSON.stringify(modal.blocks);
    expect(form).toContain(t('es', 'ui.modal.resolve.skip_label', { step: SPANISH_STEP }));
    expect(form).not.toContain(ENGLISH_STEP);
    // Skipping there still skips the step, whatever words named it.
    const answer = await harness.submit(ann, {
      [inputIds.resolutionSummary]: { [inputIds.resolutionSummary]: { type: 'plain_text_input', value: 'Login works again' } },
      [inputIds.skipReason('acknowledge')]: { [inputIds.skipReason('acknowledge')]: { type: 'plain_text_input', value: 'Declared by hand' } },
    });
    expect(answer.body).not.toContain('errors');
    await harness.waitFor('resolved', async () => (await harness.app.database.prisma.incident.findFirst({ where: { status: 'resolved' } })) ?? undefined);
  });

  it('the post-mortem form asks the playbook’s questions in Spanish; the stored questions stay English', async () => {
    const { ann } = harness.people;
    const postMortem = await harness.waitFor('the post-mortem', async () => (await harness.app.database.prisma.postMortem.findFirst()) ?? undefined);
    expect(JSON.stringify(postMortem)).toContain('What did we learn?');
    await harness.waitFor('the post-mortem button', () => findButtons(harness.rootMessage()!.blocks).some((button) => button.action_id === actionIds.openPostMortem));
    await harness.click(ann, harness.alerts, harness.rootMessage()!.ts, actionIds.openPostMortem);
    const modal = await harness.waitFor('the post-mortem modal', () => harness.openModal(ann)?.callback_id === callbackIds.postMortemModal && harness.openModal(ann));
    const form = JSON.stringify(modal.blocks);
    expect(form).toContain('¿Qué aprendimos?');
    expect(form).not.toContain('What did we learn?');
  });
});
