// The checklist as staff meet it in Slack: Acknowledge ticks "Acknowledge the incident" (doneWhen), each
// open step has Skip… (a reason, in the thread, on the timeline and in the post-mortem), and a resolve
// blocked by open required steps answers inside the modal, keeps the summary and lets staff skip there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIds, callbackIds, inputIds } from '../../src/slack/blocks/ids.js';
import { loadTimeline } from '../../src/store/repositories/incidents.js';
import { resolveModal } from '../../src/slack/blocks/modals.js';
import { availableProviders } from '../support/databases.js';
import { findButtons, playSpike, startHarness, TWO_APPROVER_PLAYBOOK, type Harness } from './harness.js';

/** The e2e playbook with its acknowledge step ticked by Acknowledge, and two more required steps. */
const CHECKLIST_PLAYBOOK = TWO_APPROVER_PLAYBOOK.replace(
  `    owner: lead
    dueAfterMinutes: 5
`,
  `    owner: lead
    dueAfterMinutes: 5
    doneWhen: acknowledged
  - id: confirm-scope
    title: { es: Confirmar el alcance, en: Confirm the scope with engineering }
    owner: lead
    dueAfterMinutes: 15
  - id: status-page
    title: { es: Actualizar la página de estado, en: Update the status page }
    owner: approvers
    dueAfterMinutes: 60
    required: false
`,
);

const text = (value: string) => ({ type: 'plain_text_input', value });
const errorsOf = (body: string): Record<string, string> => (JSON.parse(body || '{}') as { errors?: Record<string, string> }).errors ?? {};

describe.each(availableProviders)('the checklist through Slack on %s', (provider) => {
  let harness: Harness;
  const prisma = () => harness.app.database.prisma;
  const step = (stepId: string) => prisma().checklistItem.findFirstOrThrow({ where: { stepId } });
  const checklistMessage = () =>
    harness.thread().find((message) => findButtons(message.blocks ?? []).some((button) => button.action_id === actionIds.toggleStep));

  beforeAll(async () => {
    expect(CHECKLIST_PLAYBOOK).toContain('doneWhen: acknowledged');
    harness = await startHarness({ provider, playbook: CHECKLIST_PLAYBOOK });
    await playSpike(harness);
    await harness.waitFor('the alert', () => harness.rootMessage());
    await harness.waitFor('the checklist message', checklistMessage);
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('Acknowledge ticks "Acknowledge the incident", done by whoever acknowledged', async () => {
    const { ann } = harness.people;
    await harness.click(ann, harness.alerts, harness.rootMessage()!.ts, actionIds.acknowledge);
    const acknowledged = await harness.waitFor('the step ticked', async () => {
      const item = await step('acknowledge');
      return item.doneAt ? item : undefined;
    });
    expect(acknowledged.doneBy).toBe(ann);
    expect((await step('confirm-scope')).doneAt).toBeNull();
    // The checklist message in the thread shows it done, by Ann, with Undo.
    await harness.waitFor('the checklist updated', () => JSON.stringify(checklistMessage()?.blocks ?? []).includes(`Done by <@${ann}>`));
  });

  it('a resolve refused to someone the playbook does not let resolve skips none of the steps given a reason in its modal', async () => {
    // Sam drafts replies but neither leads nor approves: canResolve is [lead, approvers]. Refused at
    // the click (resolve-authority.test.ts), he could only submit a modal opened before a change of rule:
    // Slack delivers its submission as it would one he opened.
    const { sam } = harness.people;
    await harness.click(sam, harness.alerts, harness.rootMessage()!.ts, actionIds.resolve);
    await harness.waitFor('the refusal at the click', () => harness.ephemeralTexts(sam).some((line) => line.includes('can resolve the incident')));
    expect(harness.openModal(sam)).toBeUndefined();
    const incidentId = (await prisma().incident.findFirstOrThrow()).id;
    const { workspace } = harness.fake;
    const form = resolveModal({ incidentId, incidentNumber: 1, openRequiredSteps: [{ stepId: 'confirm-scope', text: 'Confirm the scope with engineering' }], locale: 'en' });
    workspace.openView({ user_id: workspace.bot.user_id, bot_id: workspace.bot.bot_id }, workspace.issueTrigger(sam), form as unknown as Record<string, unknown>);
    const refused = await harness.submit(sam, {
      [inputIds.resolutionSummary]: { [inputIds.resolutionSummary]: text('All fine now.') },
      [inputIds.skipReason('confirm-scope')]: { [inputIds.skipReason('confirm-scope')]: text('Not needed') },
    });
    expect(errorsOf(refused.body)[inputIds.resolutionSummary]).toContain('can resolve the incident');
    harness.fake.workspace.closeView(harness.openModal(sam)!.id);
    expect(await step('confirm-scope')).toMatchObject({ skippedAt: null, skippedBy: null, skipReason: null });
    expect((await prisma().incident.findFirstOrThrow()).status).toBe('acknowledged');
    expect(await prisma().timelineEvent.count({ where: { kind: 'checklist_skipped' } })).toBe(0);
    expect(await prisma().auditLog.count({ where: { action: 'resolve', outcome: 'refused', userId: sam } })).toBe(2);

    // Nor does a summary longer than Slack allows: the error is under the summary, the step stays open.
    const { ann } = harness.people;
    await harness.click(ann, harness.alerts, harness.rootMessage()!.ts, actionIds.resolve);
    await harness.waitFor('the resolve modal', () => harness.openModal(ann)?.callback_id === callbackIds.resolveModal);
    const tooLong = await harness.submit(ann, {
      [inputIds.resolutionSummary]: { [inputIds.resolutionSummary]: text('x'.repeat(3001)) },
      [inputIds.skipReason('confirm-scope')]: { [inputIds.skipReason('confirm-scope')]: text('Not needed') },
    });
    expect(Object.keys(errorsOf(tooLong.body))).toEqual([inputIds.resolutionSummary]);
    expect(await step('confirm-scope')).toMatchObject({ skippedAt: null });
    harness.fake.workspace.closeView(harness.openModal(ann)!.id); // Ann cancels
  });

  it('a resolve blocked by open required steps answers inside the modal and keeps the summary', async () => {
    const { ann } = harness.people;
    await harness.click(ann, harness.alerts, harness.rootMessage()!.ts, actionIds.resolve);
    const modal = await harness.waitFor('the resolve modal', () => harness.openModal(ann));
    expect(modal.callback_id).toBe(callbackIds.resolveModal);
    // The modal names the open required step and offers its reason box; the optional step is not listed.
    expect(JSON.stringify(modal.blocks)).toContain('Skip “Confirm the scope with engineering” because…');
    expect(JSON.stringify(modal.blocks)).not.toContain('Update the status page');

    const ephemeralBefore = harness.ephemeralTexts(ann).length;
    const response = await harness.submit(ann, { [inputIds.resolutionSummary]: { [inputIds.resolutionSummary]: text('Card processor fixed; members told.') } });
    expect(response.status).toBe(200);
    const errors = errorsOf(response.body);
    expect(Object.keys(errors)).toEqual([inputIds.skipReason('confirm-scope')]);
    expect(errors[inputIds.skipReason('confirm-scope')]).toMatch(/say why it does not apply, or mark it Done on the checklist/);
    // The modal is still open with what was typed (Slack keeps values on response_action: errors); nothing was said elsewhere.
    expect(harness.openModal(ann)?.id).toBe(modal.id);
    expect(harness.ephemeralTexts(ann)).toHaveLength(ephemeralBefore);
    expect((await prisma().incident.findFirstOrThrow()).status).toBe('acknowledged');
    // Every control the refusal names exists: Done and Skip… on the step in the thread.
    const buttons = findButtons(checklistMessage()?.blocks ?? []).filter((button) => JSON.parse(button.value ?? '{}').s === 'confirm-scope');
    expect(buttons.map((button) => button.action_id).sort()).toEqual([actionIds.skipStep, actionIds.toggleStep].sort());

    // A reason typed in the same modal skips the step and resolves.
    const resolved = await harness.submit(ann, {
      [inputIds.resolutionSummary]: { [inputIds.resolutionSummary]: text('Card processor fixed; members told.') },
      [inputIds.skipReason('confirm-scope')]: { [inputIds.skipReason('confirm-scope')]: text('Engineering confirmed the scope on the bridge call') },
    });
    expect(errorsOf(resolved.body)).toEqual({});
    const incident = await harness.waitFor('the resolution', async () => (await prisma().incident.findFirst({ where: { status: 'resolved' } })) ?? undefined);
    expect(incident.resolutionSummary).toBe('Card processor fixed; members told.');
    expect(await step('confirm-scope')).toMatchObject({ skippedBy: ann, skipReason: 'Engineering confirmed the scope on the bridge call' });
  });

  it('Skip… on a step asks for a reason in a modal; the reason reaches the thread, the timeline and the post-mortem', async () => {
    const { ann, ben } = harness.people;
    const root = harness.rootMessage()!;
    await harness.waitFor('the Reopen button', () => findButtons(harness.rootMessage()!.blocks).some((button) => button.action_id === actionIds.reopen));
    await harness.click(ann, harness.alerts, root.ts, actionIds.reopen);
    await harness.waitFor('reopened', async () => (await prisma().incident.findFirst({ where: { status: { not: 'resolved' } } })) ?? undefined);
    // Undo the modal's skip, then skip it from the checklist instead.
    const undo = await harness.waitFor('the Undo button', () =>
      findButtons(checklistMessage()?.blocks ?? []).find((button) => button.action_id === actionIds.toggleStep && JSON.parse(button.value ?? '{}').s === 'confirm-scope'),
    );
    await harness.click(ben, harness.alerts, checklistMessage()!.ts, actionIds.toggleStep, (value) => value === undo.value);
    await harness.waitFor('the step open again', async () => (await step('confirm-scope')).skippedAt === null);

    const skip = await harness.waitFor('the Skip… button', () =>
      findButtons(checklistMessage()?.blocks ?? []).find((button) => button.action_id === actionIds.skipStep && JSON.parse(button.value ?? '{}').s === 'confirm-scope'),
    );
    await harness.click(ben, harness.alerts, checklistMessage()!.ts, actionIds.skipStep, (value) => value === skip.value);
    const modal = await harness.waitFor('the skip modal', () => harness.openModal(ben));
    expect(modal.callback_id).toBe(callbackIds.skipStepModal);
    expect(JSON.stringify(modal.blocks)).toContain('Confirm the scope with engineering');
    // No reason: the modal says so and stays open.
    const empty = await harness.submit(ben, { [inputIds.reason]: { [inputIds.reason]: text('  ') } });
    expect(Object.keys(errorsOf(empty.body))).toEqual([inputIds.reason]);
    expect((await step('confirm-scope')).skippedAt).toBeNull();

    const reason = 'Scope is known: only card payments fail';
    const skipped = await harness.submit(ben, { [inputIds.reason]: { [inputIds.reason]: text(reason) } });
    expect(errorsOf(skipped.body)).toEqual({});
    await harness.waitFor('the step skipped', async () => (await step('confirm-scope')).skipReason === reason);
    // The thread gets a line with the reason; the checklist shows it skipped.
    await harness.waitFor('the thread line', () => harness.thread().some((message) => message.text.includes('skipped “Confirm the scope with engineering”') && JSON.stringify(message.blocks).includes(reason)));
    await harness.waitFor('the checklist shows the skip', () => JSON.stringify(checklistMessage()?.blocks ?? []).includes(`Skipped by <@${ben}>: ${reason}`));
    const incidentId = (await prisma().incident.findFirstOrThrow()).id;
    const timeline = await loadTimeline(prisma(), incidentId);
    expect(timeline.filter((event) => event.kind === 'checklist_skipped').map((event) => event.text)).toEqual(['Engineering confirmed the scope on the bridge call', reason]);

    // Resolve again: nothing blocks now; the post-mortem export quotes the reasons.
    await harness.waitFor('the Resolve button', () => findButtons(harness.rootMessage()!.blocks).some((button) => button.action_id === actionIds.resolve));
    await harness.click(ann, harness.alerts, root.ts, actionIds.resolve);
    await harness.waitFor('the resolve modal', () => harness.openModal(ann)?.callback_id === callbackIds.resolveModal);
    expect(JSON.stringify(harness.openModal(ann)!.blocks)).not.toContain('still open');
    const done = await harness.submit(ann, { [inputIds.resolutionSummary]: { [inputIds.resolutionSummary]: text('Fixed for good.') } });
    expect(errorsOf(done.body)).toEqual({});
    await harness.waitFor('resolved again', async () => (await prisma().incident.findFirst({ where: { status: 'resolved' } })) ?? undefined);
    const markdown = await harness.app.runtime!.postMortems.exportMarkdown('1');
    expect(markdown).toContain('skipped “Confirm the scope with engineering”');
    expect(markdown).toContain(`> ${reason}`);
  });
});
