// A playbook may give its alerts channel by name (`alertsChannel: crisis-alerts`). Renaming that channel
// in Slack must not stop alerts: Firebreak resolved the name to the channel once and follows it, so every
// incident (open ones and new ones) keeps going there; App Home tells staff that the playbook gives the
// old name. A playbook edited to the new name clears the notice, and one edited to another channel's name
// sends new incidents to that channel.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIds } from '../../src/slack/blocks/ids.js';
import { availableProviders } from '../support/databases.js';
import { publishedHome, startHarness, TWO_APPROVER_PLAYBOOK, type Harness } from './harness.js';

const withAlertsChannel = (name: string) => TWO_APPROVER_PLAYBOOK.replace('default: true\n', `default: true\nalertsChannel: ${name}\n`);

describe.each(availableProviders)('a playbook alerts channel given by name, renamed in Slack (%s)', (provider) => {
  let h: Harness;
  let crisis: string;
  let other: string;
  const community: string[] = [];
  const prisma = () => h.app.database.prisma;

  const homeOf = (user: string) => publishedHome(h, user);

  /** Declares an incident on the n-th community channel and waits until its root and thread are in Slack. */
  async function declared(number: number, summary: string) {
    expect((await h.command(h.people.ann, `declare <#${community[number - 1]}> sev2 ${summary}`)).status).toBe(200);
    const incident = await h.waitFor(`incident #${number}`, async () => (await prisma().incident.findFirst({ where: { number } })) ?? undefined);
    await h.waitFor(`incident #${number} root posted`, async () => ((await prisma().incident.findUniqueOrThrow({ where: { id: incident.id } })).rootTs ? true : undefined));
    await h.waitFor(`incident #${number} writes done`, async () => ((await prisma().outboxItem.count({ where: { incidentId: incident.id, status: { in: ['pending', 'sending'] } } })) === 0 ? true : undefined));
    return prisma().incident.findUniqueOrThrow({ where: { id: incident.id } });
  }

  const rootsIn = (channel: string) => {
    const bot = h.fake.workspace.bot.user_id;
    return h.fake.workspace.messagesIn(channel).filter((message) => message.user === bot && message.metadata && (!message.thread_ts || message.thread_ts === message.ts));
  };

  async function reloadWith(alertsChannel: string): Promise<void> {
    writeFileSync(join(h.playbooksDir, 'e2e-support.yaml'), withAlertsChannel(alertsChannel));
    await h.app.runtime?.playbooks.reload();
    await h.waitFor('playbook reloaded', () => h.app.runtime?.playbooks.get('e2e-support')?.alertsChannel === alertsChannel);
  }

  beforeAll(async () => {
    h = await startHarness({ provider, playbook: withAlertsChannel('crisis-alerts') });
    const { workspace } = h.fake;
    const staff = [h.people.sam, h.people.ann, h.people.ben, h.people.nina, h.people.cleo, workspace.bot.user_id];
    crisis = workspace.addChannel({ name: 'crisis-alerts', members: staff }).id;
    other = workspace.addChannel({ name: 'war-room', members: staff }).id;
    for (const name of ['town', 'plaza', 'market', 'harbour']) community.push(workspace.addChannel({ name, members: [...h.people.members, workspace.bot.user_id] }).id);
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  it('incidents keep going to the renamed channel, open ones and new ones; App Home says the playbook gives its old name', async () => {
    const first = await declared(1, 'Login failing for many members');
    expect(first.alertChannelId).toBe(crisis);
    expect(rootsIn(crisis)).toHaveLength(1);

    // Renamed in Slack: Slack no longer knows #crisis-alerts.
    h.fake.workspace.renameChannel(crisis, 'crisis-room');
    expect((await h.event({ type: 'channel_rename', channel: { id: crisis, name: 'crisis-room', created: 1_360_782_804 } })).status).toBe(200);

    // The open incident's thread still lands there: acknowledging it writes a thread line and edits its root.
    expect((await h.click(h.people.ann, crisis, first.rootTs!, actionIds.acknowledge)).status).toBe(200);
    await h.waitFor('incident #1 acknowledged', async () => ((await prisma().incident.findUniqueOrThrow({ where: { id: first.id } })).leadUserId ? true : undefined));
    await h.waitFor('incident #1 writes done', async () => ((await prisma().outboxItem.count({ where: { incidentId: first.id, status: { in: ['pending', 'sending'] } } })) === 0 ? true : undefined));
    expect(h.fake.workspace.messagesIn(crisis).filter((message) => message.thread_ts === first.rootTs && message.text.includes('acknowledged'))).toHaveLength(1);

    // A new incident under the playbook goes there too: nothing waits for a channel.
    const second = await declared(2, 'Payments page down');
    expect(second.alertChannelId).toBe(crisis);
    expect(rootsIn(crisis)).toHaveLength(2);
    expect(await prisma().outboxItem.findMany({ where: { status: 'failed' }, select: { key: true, lastError: true } })).toEqual([]);

    // Still known as the alerts channel: declaring an incident on it is refused, as before the rename.
    const refused = await h.command(h.people.ann, `declare <#${crisis}> sev2 Wrong channel`);
    expect(refused.body).toContain(`<#${crisis}> is where Firebreak posts incidents`);
    expect(await prisma().incident.count({ where: { channelId: crisis } })).toBe(0);

    // Staff are told the playbook gives the old name, in the workspace's language.
    const home = await homeOf(h.people.ann);
    expect(home).toContain(`Playbook e2e-support names its alerts channel #crisis-alerts, which was renamed in Slack to <#${crisis}>. Its incidents still go there; change its alertsChannel to crisis-room`);
  }, 120_000);

  it('a playbook edited to the new name clears the notice; edited to another channel, new incidents go there', async () => {
    await reloadWith('crisis-room');
    expect(await homeOf(h.people.ann)).not.toContain('names its alerts channel');
    const third = await declared(3, 'Avatars not loading');
    expect(third.alertChannelId).toBe(crisis);

    await reloadWith('war-room');
    const fourth = await declared(4, 'Search returns nothing');
    expect(fourth.alertChannelId).toBe(other);
    expect(rootsIn(other)).toHaveLength(1);
    expect(rootsIn(crisis)).toHaveLength(3);
    expect(await homeOf(h.people.ann)).not.toContain('names its alerts channel');
  }, 120_000);
});
