// No Slack call inside a database transaction: resolving an incident asks Slack who is in the post-mortem's
// reviewer groups, and while Slack is slow to say, other clicks (every other transaction) still commit.
// On SQLite an open write transaction is the one writer lock; on PostgreSQL it holds rows and a connection.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIds, inputIds } from '../../src/slack/blocks/ids.js';
import { availableProviders } from '../support/databases.js';
import { findButtons, startHarness, TWO_APPROVER_PLAYBOOK, type Harness, type People } from './harness.js';

/** Slack's user-group list answers this late (within the 1.5 s Firebreak waits for it). */
const SLOW_GROUPS_MS = 1_200;

/** Everyone named by Slack ID, except the post-mortem reviewers: the resolve is the one thing asking for a group. */
const playbookFor = ({ ann, ben }: People) =>
  TWO_APPROVER_PLAYBOOK.replace('    dueAfterMinutes: 5\n', '    dueAfterMinutes: 5\n    required: false\n')
    .replace('lead: "@community-leads"', `lead: ${ann}`)
    .replace('approvers: ["@community-leads"]', `approvers: [${ann}, ${ben}]`)
    .replace('notify: ["@community-leads"]', `notify: [${ann}]`)
    .replace('reviewers: [approvers]', 'reviewers: ["@community-leads"]');

describe.each(availableProviders)('a slow Slack during a resolve, on %s', (provider) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ provider, playbook: playbookFor });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('a checklist tick clicked while Slack is slow to list the reviewer groups commits at once, and the post-mortem still names the group', async () => {
    const { ann, ben, cleo } = h.people;
    await h.command(ann, `declare <#${h.support}|support> sev2 Refunds are slow`);
    const root = await h.waitFor('the alert', () => h.rootMessage());
    const checklist = await h.waitFor('the checklist', () => h.thread().find((message) => findButtons(message.blocks ?? []).some((button) => button.action_id === actionIds.toggleStep)));
    await h.click(ann, h.alerts, root.ts, actionIds.resolve);
    await h.waitFor('the resolve modal', () => h.openModal(ann));

    // Slack says the group changed (the list at hand is dropped), and from now on takes its time answering.
    const group = h.fake.workspace.listUserGroups().find((candidate) => candidate.handle === 'community-leads')!.id;
    const now = Math.floor(Date.now() / 1000);
    await h.event({ type: 'subteam_members_changed', subteam_id: group, team_id: h.fake.workspace.appIdentity().teamId, date_previous_update: now - 60, date_update: now, added_users: [], added_users_count: '0' });
    h.fake.api.faults.delay('usergroups.list', SLOW_GROUPS_MS);
    const resolving = h.submit(ann, { [inputIds.resolutionSummary]: { [inputIds.resolutionSummary]: { type: 'plain_text_input', value: 'Refunds flow again.' } } });
    await new Promise((resolve) => setTimeout(resolve, 300));

    // Ben ticks the step meanwhile: his click is its own transaction, on the same incident.
    const clickedAt = Date.now();
    await h.click(ben, h.alerts, checklist.ts, actionIds.toggleStep);
    await h.waitFor('the ticked step', async () => (await h.app.database.prisma.checklistItem.findFirst({ where: { doneBy: ben } })) ?? undefined, 5_000);
    const committedInMs = Date.now() - clickedAt;
    // Behind a transaction left open while Slack answers, it would wait the rest of the 1.2 s.
    expect(committedInMs).toBeLessThan(600);

    expect((await resolving).body).not.toContain('response_action');
    const resolved = await h.waitFor('the resolution', async () => (await h.app.database.prisma.incident.findFirst({ where: { status: 'resolved' } })) ?? undefined, 10_000);
    const postMortem = await h.app.database.prisma.postMortem.findUniqueOrThrow({ where: { incidentId: resolved.id } });
    expect([...(postMortem.reviewerUserIds as string[])].sort()).toEqual([ann, ben, cleo].sort());
    h.fake.api.faults.clear();
  });
});
