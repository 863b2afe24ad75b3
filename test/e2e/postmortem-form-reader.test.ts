// The post-mortem form as the person who opens it reads it: in their Slack language, whatever the
// incident's (the playbook's questions and what was written stay as they are), like every other form;
// and when Slack will not open it, that person is told instead of seeing nothing happen.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../src/i18n/index.js';
import { actionIds, callbackIds, inputIds } from '../../src/slack/blocks/ids.js';
import { directMessagesTo } from '../support/staff-actions.js';
import { declareLoginIncident, findButtons, startHarness, type Harness } from './harness.js';

const LUCIA = 'U0STAFFLUCIA';

const directMessages = (harness: Harness, user: string) => directMessagesTo(harness.fake, user);

describe('the post-mortem form of an English incident, opened by a Spanish-speaking lead', () => {
  let harness: Harness;
  const prisma = () => harness.app.database.prisma;
  const threadWith = (actionId: string) => harness.thread().filter((message) => findButtons(message.blocks ?? []).some((button) => button.action_id === actionId));

  beforeAll(async () => {
    harness = await startHarness();
    harness.fake.workspace.addUser({ id: LUCIA, name: 'lucia', real_name: 'Lucía Gómez', locale: 'es-ES' });
    const root = await declareLoginIncident(harness);
    await harness.click(LUCIA, harness.alerts, root.ts, actionIds.acknowledge);
    await harness.waitFor('the lead', async () => (await prisma().incident.findFirst({ where: { leadUserId: LUCIA } })) ?? undefined);
    const checklist = await harness.waitFor('the checklist', () => threadWith(actionIds.toggleStep)[0]);
    await harness.click(LUCIA, harness.alerts, checklist.ts, actionIds.toggleStep);
    await harness.waitFor('the step ticked', async () => (await prisma().checklistItem.count({ where: { doneAt: { not: null } } })) === 1);
    await harness.waitFor('the Resolve button', () => findButtons(harness.rootMessage()!.blocks).some((button) => button.action_id === actionIds.resolve));
    await harness.click(LUCIA, harness.alerts, root.ts, actionIds.resolve);
    await harness.waitFor('the resolve modal', () => harness.openModal(LUCIA));
    await harness.submit(LUCIA, { [inputIds.resolutionSummary]: { [inputIds.resolutionSummary]: { type: 'plain_text_input', value: 'Sessions restored.' } } });
    await harness.waitFor('the resolution', async () => (await prisma().incident.findFirst({ where: { status: 'resolved' } })) ?? undefined);
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
  });

  it('Slack failing to open it is said to Lucía in Spanish; clicked again, it opens in Spanish with the English questions as written', async () => {
    const incident = await prisma().incident.findFirstOrThrow();
    expect(incident.locale).toBe('en');
    const invite = await harness.waitFor('the invitation', () => threadWith(actionIds.openPostMortem)[0]);

    harness.fake.api.faults.serverError('views.open', { times: 3 });
    await harness.click(LUCIA, harness.alerts, invite.ts, actionIds.openPostMortem);
    // She reads #alerts without having joined it, as anyone may a public channel: Slack shows an
    // ephemeral message to members only, so she is told by direct message.
    await harness.waitFor('Lucía told', () => directMessages(harness, LUCIA).find((text) => text.includes(t('es', 'ui.modal.not_opened', {}))));
    expect(harness.openModal(LUCIA)).toBeUndefined();

    await harness.click(LUCIA, harness.alerts, invite.ts, actionIds.openPostMortem);
    const modal = await harness.waitFor('the post-mortem form', () => harness.openModal(LUCIA));
    expect(modal.callback_id).toBe(callbackIds.postMortemModal);
    expect((modal.submit as { text?: string } | undefined)?.text).toBe(t('es', 'ui.modal.save', {}));
    const texts = JSON.stringify(modal.blocks);
    expect(texts).toContain(t('es', 'postmortem.field.summary', {}));
    expect(texts).not.toContain(t('en', 'postmortem.field.summary', {}));
  });
});
