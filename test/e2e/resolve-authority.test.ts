// Resolve is refused to someone the playbook does not let resolve when they click it, naming who may
// (as an approval refusal names the approvers), so nobody writes a summary for nothing; and when who
// may resolve changes while the modal is open, the refusal is said inside it and the summary stays.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIds, callbackIds, inputIds } from '../../src/slack/blocks/ids.js';
import { availableProviders } from '../support/databases.js';
import { startHarness, TWO_APPROVER_PLAYBOOK, type Harness } from './harness.js';

/** As the shipped privacy-rumour playbook: only the security role (Ann) resolves, not the lead. */
const onlySecurityResolves = (ann: string) =>
  TWO_APPROVER_PLAYBOOK.replace('  canResolve: [lead, approvers]\n', `  extra:\n    security: ["${ann}"]\n  canResolve: [security]\n`);

const text = (value: string) => ({ type: 'plain_text_input', value });
const errorsOf = (body: string): Record<string, string> => (JSON.parse(body || '{}') as { errors?: Record<string, string> }).errors ?? {};

describe.each(availableProviders)('who may resolve, through Slack on %s', (provider) => {
  let harness: Harness;
  const prisma = () => harness.app.database.prisma;
  beforeAll(async () => {
    harness = await startHarness({ provider, playbook: (people) => onlySecurityResolves(people.ann) });
    await harness.command(harness.people.cleo, `declare ${harness.support} sev2 Rumour that member data leaked`);
    await harness.waitFor('the alert', () => harness.rootMessage());
    // Sam takes the lead.
    await harness.click(harness.people.sam, harness.alerts, harness.rootMessage()!.ts, actionIds.acknowledge);
    await harness.waitFor('Sam leads', async () => (await prisma().incident.findFirstOrThrow()).leadUserId === harness.people.sam);
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('the lead the playbook does not let resolve is refused at the click, told who may, and no modal opens', async () => {
    const { sam, ann } = harness.people;
    expect((await harness.click(sam, harness.alerts, harness.rootMessage()!.ts, actionIds.resolve)).status).toBe(200);
    const refusal = await harness.waitFor('the refusal', () => harness.ephemeralTexts(sam).find((line) => line.includes('can resolve the incident')));
    expect(refusal).toContain(`Ask one of them: <@${ann}>`);
    expect(harness.openModal(sam)).toBeUndefined();
    expect(await prisma().auditLog.count({ where: { action: 'resolve', outcome: 'refused', userId: sam } })).toBe(1);
    expect((await prisma().incident.findFirstOrThrow()).status).not.toBe('resolved');
  });

  it('when who may resolve changes while the modal is open, the refusal is shown inside it and the summary stays', async () => {
    const { ann } = harness.people;
    await harness.click(ann, harness.alerts, harness.rootMessage()!.ts, actionIds.resolve);
    const modal = await harness.waitFor('the resolve modal', () => (harness.openModal(ann)?.callback_id === callbackIds.resolveModal ? harness.openModal(ann) : undefined));

    // Meanwhile the playbook is edited: only the lead (Sam) resolves now.
    writeFileSync(join(harness.playbooksDir, 'e2e-support.yaml'), TWO_APPROVER_PLAYBOOK.replace('  canResolve: [lead, approvers]\n', '  canResolve: [lead]\n'));
    await harness.app.runtime?.playbooks.reload();
    await harness.waitFor('the playbook reloaded', () => harness.app.runtime?.playbooks.get('e2e-support')?.roles.canResolve.join() === 'lead');

    const ephemeralBefore = harness.ephemeralTexts(ann).length;
    const response = await harness.submit(ann, { [inputIds.resolutionSummary]: { [inputIds.resolutionSummary]: text('Rumour denied; no data left our systems.') } });
    expect(response.status).toBe(200);
    const errors = errorsOf(response.body);
    expect(Object.keys(errors)).toEqual([inputIds.resolutionSummary]);
    // Plain text (a modal error shows no mentions): the lead by name.
    expect(errors[inputIds.resolutionSummary]).toMatch(/Only the incident lead can resolve the incident under this playbook\. Ask one of them: @sam\.$/);
    expect(harness.openModal(ann)?.id).toBe(modal.id);
    expect(harness.ephemeralTexts(ann)).toHaveLength(ephemeralBefore);
    expect((await prisma().incident.findFirstOrThrow()).status).not.toBe('resolved');
  });

  it('when who may change the severity changes while its modal is open, the refusal is shown inside it and the reason stays', async () => {
    const { ben } = harness.people;
    await harness.click(ben, harness.alerts, harness.rootMessage()!.ts, actionIds.changeSeverity);
    const modal = await harness.waitFor('the severity modal', () => (harness.openModal(ben)?.callback_id === callbackIds.severityModal ? harness.openModal(ben) : undefined));

    // Meanwhile the playbook is edited: only the lead (Sam) changes the severity now.
    writeFileSync(join(harness.playbooksDir, 'e2e-support.yaml'), TWO_APPROVER_PLAYBOOK.replace('  canChangeSeverity: [lead, approvers]\n', '  canChangeSeverity: [lead]\n'));
    await harness.app.runtime?.playbooks.reload();
    await harness.waitFor('the playbook reloaded', () => harness.app.runtime?.playbooks.get('e2e-support')?.roles.canChangeSeverity.join() === 'lead');

    const ephemeralBefore = harness.ephemeralTexts(ben).length;
    const response = await harness.submit(ben, {
      [inputIds.severity]: { [inputIds.severity]: { type: 'static_select', selected_option: { value: 'sev1' } } },
      [inputIds.reason]: { [inputIds.reason]: text('The leak rumour reached the press.') },
    });
    expect(response.status).toBe(200);
    const errors = errorsOf(response.body);
    expect(Object.keys(errors)).toEqual([inputIds.severity]);
    expect(errors[inputIds.severity]).toContain('Ask one of them: @sam.');
    expect(harness.openModal(ben)?.id).toBe(modal.id);
    expect(harness.ephemeralTexts(ben)).toHaveLength(ephemeralBefore);
    expect((await prisma().incident.findFirstOrThrow()).severity).toBe('sev2');
  });
});
