// A post-mortem reminder for someone Slack deactivated goes to someone who can act, saying why, as
// incident reminders do: the incident's lead when still here, else the playbook's approvers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIds } from '../../src/slack/blocks/ids.js';
import { availableProviders } from '../support/databases.js';
import { findButtons, playbookNaming, startHarness, type Harness, type People } from './harness.js';

/** Nina leads; Ann, Ben, Sam and Cleo approve, named by user id. */
const playbook = (people: People) =>
  playbookNaming({ lead: people.nina, approvers: [people.ann, people.ben, people.sam, people.cleo] });

describe.each(availableProviders)('post-mortem reminders for a deactivated owner, on %s', (provider) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ provider, playbook });
  });
  afterAll(async () => {
    await h?.close();
  });

  const prisma = () => h.app.database.prisma;
  const withButton = (actionId: string) => h.thread().filter((message) => findButtons(message.blocks ?? []).some((button) => button.action_id === actionId));

  it('the post-mortem’s due reminder for a lead Slack deactivated goes to the approvers, saying why and asking one of them to take it over', async () => {
    const { nina, ann, ben, sam, cleo } = h.people;
    await h.command(cleo, `declare <#${h.support}|support> sev2 Refunds are slow`);
    const root = await h.waitFor('the alert', () => h.rootMessage());
    await h.click(nina, h.alerts, root.ts, actionIds.acknowledge);
    await h.waitFor('Nina leads', async () => (await prisma().incident.findFirst({ where: { leadUserId: nina } })) ?? undefined);
    const checklist = await h.waitFor('the checklist', () => withButton(actionIds.toggleStep)[0]);
    await h.click(nina, h.alerts, checklist.ts, actionIds.toggleStep);
    await h.command(nina, 'resolve 1 Refunds flow again');
    const { id: incidentId } = await h.waitFor('resolution', async () => (await prisma().incident.findFirst({ where: { status: 'resolved' } })) ?? undefined);
    const postMortem = await h.waitFor('the post-mortem', async () => (await prisma().postMortem.findUnique({ where: { incidentId } })) ?? undefined);
    expect(postMortem.ownerUserId).toBe(nina);

    // Slack deactivates Nina (and tells this instance; a resolved incident keeps who led it).
    await h.event({ type: 'user_change', user: h.fake.workspace.updateUser(nina, { deleted: true }) });
    const key = `postmortem:${incidentId}:due`;
    await prisma().reminder.update({ where: { key }, data: { dueAt: new Date(Date.now() - 1_000) } });
    await h.app.runtime!.scheduler.runDue();
    const reminder = await h.waitFor('the reminder', () => withButton(actionIds.openPostMortem).find((message) => JSON.stringify(message.blocks ?? []).includes('so this reminder is yours now')));
    expect(reminder.text).toContain(`<@${ann}> <@${ben}> <@${sam}> <@${cleo}>`);
    expect(reminder.text).not.toContain(`<@${nina}>`);
    expect(JSON.stringify(reminder.blocks)).toContain(`<@${nina}>'s Slack account was deactivated, so this reminder is yours now: one of you please take over the post-mortem (“Write post-mortem” below).`);
    expect(findButtons(reminder.blocks ?? []).map((button) => button.action_id)).toContain(actionIds.openPostMortem);
  });
});
