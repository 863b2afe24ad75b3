// An incident whose playbook is no longer loaded (its file removed, or its id changed) keeps working: every
// button on its alert still answers the person who pressed it, instead of doing nothing.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIds, callbackIds, inputIds } from '../../src/slack/blocks/ids.js';
import { availableProviders } from '../support/databases.js';
import { startHarness, TWO_APPROVER_PLAYBOOK, type Harness } from './harness.js';

describe.each(availableProviders)('an incident whose playbook was removed (%s)', (provider) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ provider });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('Change severity still opens its form, without the levels’ meanings, and the change is made', async () => {
    const prisma = h.app.database.prisma;
    expect((await h.command(h.people.ann, `declare <#${h.support}|support> sev2 Login failing for many members`)).status).toBe(200);
    const root = await h.waitFor('the alert', () => h.rootMessage());
    // The playbook's id changes: incidents opened under the old one have no playbook any more.
    writeFileSync(join(h.playbooksDir, 'e2e-support.yaml'), TWO_APPROVER_PLAYBOOK.replace('id: e2e-support', 'id: e2e-support-v2'));
    await h.waitFor('the renamed playbook loaded', () => h.app.runtime?.playbooks.get('e2e-support-v2'));
    expect(h.app.runtime?.playbooks.get('e2e-support')).toBeUndefined();

    await h.click(h.people.ann, h.alerts, root.ts, actionIds.changeSeverity);
    const modal = await h.waitFor('the severity form', () => (h.openModal(h.people.ann)?.callback_id === callbackIds.severityModal ? h.openModal(h.people.ann) : undefined));
    expect(JSON.stringify(modal.blocks)).toContain('no longer');
    await h.submit(h.people.ann, { [inputIds.severity]: { [inputIds.severity]: { type: 'static_select', selected_option: { value: 'sev1' } } }, [inputIds.reason]: { [inputIds.reason]: { type: 'plain_text_input', value: 'Payments are down too' } } });
    await h.waitFor('sev1', async () => (await prisma.incident.findFirstOrThrow()).severity === 'sev1');
  }, 60_000);
});
