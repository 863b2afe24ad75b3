// Whether a reply waiting for approval can still be approved changes without anyone acting in the
// incident: Slack changes a user group's members, or someone edits the playbook's approvers. The alert
// (edited in place), the card, App Home and /firebreak status must say it as things are now, both ways,
// as they do when an approver's account is deactivated or re-activated.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIds } from '../../src/slack/blocks/ids.js';
import { availableProviders } from '../support/databases.js';
import { draftValues, findButtons, startHarness, TWO_APPROVER_PLAYBOOK, type Harness } from './harness.js';

const REPLY = 'We know refunds are slow today and we are on it. Reach us at help@acme.test if it affects you.';
const ALERT_SAYS = "Reply #1 cannot be approved as things stand: fewer people may approve than the playbook's quorum needs";
const CARD_SAYS = 'This reply cannot be approved as things stand';
const HOME_SAYS = "reply #1 cannot be approved: edit the playbook's approvers";

describe.each(availableProviders)('approvers changing under a reply waiting for approval, on %s', (provider) => {
  let h: Harness;
  let group: string;
  beforeAll(async () => {
    h = await startHarness({ provider });
    group = h.fake.workspace.listUserGroups().find((candidate) => candidate.handle === 'community-leads')!.id;
  });
  afterAll(async () => {
    await h?.close();
  });

  const card = () => h.thread().find((message) => findButtons(message.blocks ?? []).some((button) => button.action_id === actionIds.approveDraft));
  const cardText = () => JSON.stringify(card()?.blocks ?? []);
  /** The alert's edits Slack accepted since call number `since`, as text. */
  const alertEdits = (since: number) =>
    h.fake.api
      .calls('chat.update')
      .slice(since)
      .filter((call) => call.status === 200 && call.args['ts'] === h.rootMessage()!.ts)
      .map((call) => JSON.stringify(call.args['blocks'] ?? []));
  const homeOf = async (user: string) => {
    const before = h.fake.api.calls('views.publish').length;
    await h.event({ type: 'app_home_opened', user, channel: 'D0HOME', tab: 'home' });
    const call = await h.waitFor(`App Home of ${user}`, () => h.fake.api.calls('views.publish').slice(before).find((candidate) => candidate.args['user_id'] === user && candidate.status === 200));
    return JSON.stringify(call.args['view']);
  };
  const membersChanged = (removed: string[], added: string[]) => {
    const now = Math.floor(Date.now() / 1000);
    return h.event({
      type: 'subteam_members_changed',
      subteam_id: group,
      team_id: h.fake.workspace.appIdentity().teamId,
      date_previous_update: now - 60,
      date_update: now,
      added_users: added,
      added_users_count: String(added.length),
      removed_users: removed,
      removed_users_count: String(removed.length),
    });
  };
  const editPlaybook = (yaml: string) => writeFileSync(join(h.playbooksDir, 'e2e-support.yaml'), yaml);

  it('a user group losing members: the alert is edited to say the reply cannot be approved, and edited back when they return', async () => {
    const { ann, ben, cleo, sam } = h.people;
    await h.command(cleo, `declare <#${h.support}|support> sev2 Refunds are slow`);
    const root = await h.waitFor('the alert', () => h.rootMessage());
    await h.click(sam, h.alerts, root.ts, actionIds.draftReply);
    await h.waitFor('the draft modal', () => h.openModal(sam));
    await h.submit(sam, draftValues(REPLY));
    await h.waitFor('the draft card', () => card());
    expect(JSON.stringify(h.rootMessage()!.blocks)).not.toContain('cannot be approved');

    // Two approvals needed; only Ann is left in @community-leads.
    let since = h.fake.api.calls('chat.update').length;
    h.fake.workspace.setUserGroupMembers(group, [ann]);
    await membersChanged([ben, cleo], []);
    await h.waitFor('the alert edited to say it', () => alertEdits(since).some((blocks) => blocks.includes(ALERT_SAYS)));
    await h.waitFor('the card says it', () => cardText().includes(CARD_SAYS));
    expect(await homeOf(ann)).toContain(HOME_SAYS);
    expect((await h.command(ann, 'status')).body).toContain(HOME_SAYS);

    // They are back: the alert is edited again, without the warning.
    since = h.fake.api.calls('chat.update').length;
    h.fake.workspace.setUserGroupMembers(group, [ann, ben, cleo]);
    await membersChanged([], [ben, cleo]);
    await h.waitFor('the alert edited without it', () => alertEdits(since).some((blocks) => !blocks.includes('cannot be approved')));
    expect(JSON.stringify(h.rootMessage()!.blocks)).not.toContain('cannot be approved');
    await h.waitFor('the card no longer says it', () => !cardText().includes(CARD_SAYS));
    expect(await homeOf(ann)).not.toContain('cannot be approved');
    expect((await h.command(ann, 'status')).body).not.toContain('cannot be approved');
    expect(h.botPostsIn(h.support)).toEqual([]);
  });

  it('a playbook edit leaving only the reply’s author as approver (four-eyes): the alert says it, and stops when the edit is undone', async () => {
    const { ann, sam } = h.people;
    let since = h.fake.api.calls('chat.update').length;
    editPlaybook(TWO_APPROVER_PLAYBOOK.replace('approvers: ["@community-leads"]', `approvers: ["${sam}"]`).replace('quorum: 2', 'quorum: 1'));
    await h.waitFor('the alert edited to say it', () => alertEdits(since).some((blocks) => blocks.includes(ALERT_SAYS)));
    await h.waitFor('the card says it', () => cardText().includes(CARD_SAYS));
    expect(await homeOf(ann)).toContain(HOME_SAYS);
    expect((await h.command(ann, 'status')).body).toContain(HOME_SAYS);

    since = h.fake.api.calls('chat.update').length;
    editPlaybook(TWO_APPROVER_PLAYBOOK);
    await h.waitFor('the alert edited without it', () => alertEdits(since).some((blocks) => !blocks.includes('cannot be approved')));
    expect(JSON.stringify(h.rootMessage()!.blocks)).not.toContain('cannot be approved');
    await h.waitFor('the card no longer says it', () => !cardText().includes(CARD_SAYS));
    expect((await h.command(ann, 'status')).body).not.toContain('cannot be approved');
    expect(h.botPostsIn(h.support)).toEqual([]);
  });
});
