// Approver groups change under Firebreak: someone taken out of @community-leads must not approve a public
// reply, nor operate Firebreak, on an answer Slack gave before. Slack's subteam events drop that answer at
// once; an Approve click asks Slack again when the answer at hand is more than a few seconds old.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVER_GROUPS_RECHECK_MS } from '../../src/app/incidents.js';
import { actionIds } from '../../src/slack/blocks/ids.js';
import { availableProviders } from '../support/databases.js';
import { draftValues, findButtons, startHarness, type Harness } from './harness.js';

const REFUSED = 'this is not available to you. Nothing was changed.';
const NOT_APPROVER = 'You are not one of this playbook\'s approvers';
const REPLY = 'We know refunds are slow today and we are on it. Reach us at help@acme.test if it affects you.';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(availableProviders)('approver groups as Slack says now, on %s', (provider) => {
  let h: Harness;
  let group: string;
  beforeAll(async () => {
    h = await startHarness({ provider });
    group = h.fake.workspace.listUserGroups().find((candidate) => candidate.handle === 'community-leads')!.id;
  });
  afterAll(async () => {
    await h?.close();
  });

  const prisma = () => h.app.database.prisma;
  const draftCard = () => h.thread().find((message) => findButtons(message.blocks ?? []).some((button) => button.action_id === actionIds.approveDraft));
  const approve = (user: string) => h.click(user, h.alerts, draftCard()!.ts, actionIds.approveDraft);

  it('subteam_members_changed: someone taken out of the approver group neither operates Firebreak nor approves, at once', async () => {
    const { ann, ben, cleo, sam } = h.people;
    await h.command(cleo, `declare <#${h.support}|support> sev2 Refunds are slow`);
    const root = await h.waitFor('the alert', () => h.rootMessage());
    await h.click(sam, h.alerts, root.ts, actionIds.draftReply);
    await h.waitFor('the draft modal', () => h.openModal(sam));
    await h.submit(sam, draftValues(REPLY));
    await h.waitFor('the draft card', () => draftCard());
    // Ben is named through @community-leads: he operates Firebreak.
    expect((await h.command(ben, 'status')).body).toContain('Incident #1');

    h.fake.workspace.setUserGroupMembers(group, [ann, cleo]);
    const now = Math.floor(Date.now() / 1000);
    await h.event({ type: 'subteam_members_changed', subteam_id: group, team_id: h.fake.workspace.appIdentity().teamId, date_previous_update: now - 60, date_update: now, removed_users: [ben], removed_users_count: '1' });
    // Far sooner than the minute the groups are otherwise kept.
    await h.waitFor('Ben no longer operates', async () => (await h.command(ben, 'status')).body.includes(REFUSED), 5_000);
    await approve(ben);
    await h.waitFor('the refusal', () => h.ephemeralTexts(ben).some((text) => text.includes(NOT_APPROVER)));
    expect(await prisma().approval.count()).toBe(0);
  });

  it('the Approve click asks Slack again past a few seconds: a removal Slack did not announce counts, and a Slack that cannot answer refuses the approval, saying so', async () => {
    const { ann, cleo } = h.people;
    await approve(ann);
    await h.waitFor('Ann’s approval', async () => (await prisma().approval.count()) === 1);

    // Cleo leaves the group; this instance is not told (the event went to another instance, or was lost).
    h.fake.workspace.setUserGroupMembers(group, [ann]);
    await sleep(APPROVER_GROUPS_RECHECK_MS + 500);
    await approve(cleo);
    await h.waitFor('the refusal', () => h.ephemeralTexts(cleo).some((text) => text.includes(NOT_APPROVER)));
    expect(await prisma().approval.count()).toBe(1);
    expect(h.botPostsIn(h.support)).toEqual([]);

    // Back in the group, but Slack fails when asked (every attempt of the client): refused, said, audited.
    h.fake.workspace.setUserGroupMembers(group, [ann, cleo]);
    await sleep(APPROVER_GROUPS_RECHECK_MS + 500);
    h.fake.api.faults.serverError('usergroups.list', { times: 3 });
    await approve(cleo);
    await h.waitFor('the explanation', () => h.ephemeralTexts(cleo).some((text) => text.includes('Slack did not say who is in this playbook’s approver groups just now')));
    expect(await prisma().approval.count()).toBe(1);
    const audited = await prisma().auditLog.findMany({ where: { userId: cleo, outcome: 'refused' } });
    expect(audited.map((entry) => (entry.data as { refusalCode?: string }).refusalCode)).toContain('approvers_unconfirmed');

    // Slack answers again: her approval counts, the quorum is met and the reply goes out once.
    await approve(cleo);
    await h.waitFor('the public reply', () => h.botPostsIn(h.support).find((message) => message.text === REPLY), 20_000);
    expect(await prisma().approval.count()).toBe(2);
  });
});
