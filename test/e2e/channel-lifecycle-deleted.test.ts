// Channels deleted or re-created in Slack. A deleted watched channel stops being watched (as after
// /firebreak unwatch: a playbook edit does not bring it back; its messages stay until retention erases
// them). A playbook alerts channel given by name that Slack deleted leaves its incidents waiting, and App
// Home says so; the first channel that takes the name (created, or an archived one's name given to a new
// channel) is where they go, each posted once. Repeated, stale, malformed and other teams' events change nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageEvent } from '../../src/sandbox/slack-payloads.js';
import { availableProviders } from '../support/databases.js';
import { publishedHome, startHarness, TWO_APPROVER_PLAYBOOK, type Harness } from './harness.js';

const PLAYBOOK = TWO_APPROVER_PLAYBOOK.replace('channels: [support]', 'channels: [support, help-*]').replace('default: true\n', 'default: true\nalertsChannel: crisis-alerts\n');

describe.each(availableProviders)('channels deleted or re-created in Slack (%s)', (provider) => {
  let h: Harness;
  let helpDesk: string;
  let crisis: string;
  const community: string[] = [];
  let serial = 0;
  const prisma = () => h.app.database.prisma;
  const scoredIn = (channelId: string) => prisma().scoredMessage.count({ where: { channel: { channelId } } });
  const staff = () => [h.people.sam, h.people.ann, h.people.ben, h.people.nina, h.people.cleo, h.fake.workspace.bot.user_id];

  async function postIn(channel: string, text: string): Promise<void> {
    serial += 1;
    const atMs = Date.now();
    const ts = `${Math.floor(atMs / 1000)}.${String(atMs % 1000).padStart(3, '0')}${String(serial % 1000).padStart(3, '0')}`;
    expect((await h.event(messageEvent({ channel, user: h.people.members[serial % 10]!, text, ts }))).status).toBe(200);
  }

  /** A member writes in #support (always watched) and it is scored: the events sent before it have been handled. */
  async function settled(): Promise<void> {
    const before = await scoredIn(h.support);
    await postIn(h.support, 'How do I change my avatar?');
    await h.waitFor('#support sentinel scored', async () => (await scoredIn(h.support)) > before);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }

  const homeOf = (user: string) => publishedHome(h, user);

  async function declare(number: number, summary: string) {
    // One community channel per incident: a channel has one open incident at a time.
    expect((await h.command(h.people.ann, `declare <#${community[number - 1]}> sev2 ${summary}`)).status).toBe(200);
    return h.waitFor(`incident #${number}`, async () => (await prisma().incident.findFirst({ where: { number } })) ?? undefined);
  }
  const rootOf = (incidentId: string) => prisma().outboxItem.findUniqueOrThrow({ where: { key: `incident:${incidentId}:root` } });
  const rootsIn = (channel: string) => {
    const bot = h.fake.workspace.bot.user_id;
    return h.fake.workspace.messagesIn(channel).filter((message) => message.user === bot && message.metadata && (!message.thread_ts || message.thread_ts === message.ts));
  };
  const posted = async (incidentId: string) => {
    const incident = await prisma().incident.findUniqueOrThrow({ where: { id: incidentId } });
    return incident.rootTs ? incident : undefined;
  };

  beforeAll(async () => {
    h = await startHarness({ provider, playbook: PLAYBOOK });
    const { workspace } = h.fake;
    helpDesk = workspace.addChannel({ name: 'help-desk', members: [...h.people.members, ...staff()] }).id;
    crisis = workspace.addChannel({ name: 'crisis-alerts', members: staff() }).id;
    for (const name of ['town', 'plaza', 'market', 'harbour', 'square']) community.push(workspace.addChannel({ name, members: [...h.people.members, workspace.bot.user_id] }).id);
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  it('a deleted watched channel is no longer watched, its messages kept; repeats, odd and other teams\' deletions change nothing', async () => {
    await postIn(helpDesk, 'Hello, is anyone here?');
    await h.waitFor('#help-desk scored', async () => ((await scoredIn(helpDesk)) === 1 ? true : undefined));

    // Another workspace's channel with the same id is its own.
    const other = await prisma().workspace.create({ data: { teamId: 'T0OTHERDEL' } });
    await prisma().watchedChannel.create({ data: { workspaceId: other.id, channelId: helpDesk, name: 'help-desk', watchedBy: 'playbook' } });
    for (const event of [{ type: 'channel_deleted' }, { type: 'channel_deleted', channel: null }, { type: 'channel_deleted', channel: { id: helpDesk } }, { type: 'channel_deleted', channel: 'U0NOTACHAN' }, { type: 'group_deleted', channel: 42 }]) {
      expect((await h.event(event)).status).toBe(200);
    }
    await settled();
    expect(await prisma().watchedChannel.findFirst({ where: { channelId: helpDesk, workspaceId: { not: other.id } } })).toMatchObject({ active: true });

    h.fake.workspace.deleteChannel(helpDesk);
    expect((await h.event({ type: 'channel_deleted', channel: helpDesk })).status).toBe(200);
    expect((await h.event({ type: 'channel_deleted', channel: helpDesk }, { retryNum: 1 })).status).toBe(200);
    await settled();
    expect(await prisma().watchedChannel.findFirst({ where: { channelId: helpDesk, workspaceId: { not: other.id } } })).toMatchObject({ active: false, watchedBy: 'command' });
    expect(await prisma().watchedChannel.findFirst({ where: { workspaceId: other.id } })).toMatchObject({ active: true, watchedBy: 'playbook' });
    expect(await scoredIn(helpDesk)).toBe(1);
    const audits = await prisma().auditLog.findMany({ where: { action: 'channel.unwatch' } });
    expect(audits.filter((audit) => JSON.stringify(audit.data).includes('slack_deleted'))).toHaveLength(1);

    // A message Slack delivers late from it is not read; a playbook reload does not watch it again.
    await postIn(helpDesk, 'Late message from a deleted channel, terrible');
    await h.app.runtime?.playbooks.reload();
    await settled();
    expect(await scoredIn(helpDesk)).toBe(1);
    expect(await prisma().watchedChannel.findFirst({ where: { channelId: helpDesk, workspaceId: { not: other.id } } })).toMatchObject({ active: false });
  }, 120_000);

  it('an alerts channel given by name, deleted: incidents wait and App Home says so; a new channel taking the name gets them, once', async () => {
    const first = await declare(1, 'Login failing for many members');
    await h.waitFor('incident #1 posted', () => posted(first.id));
    expect(rootsIn(crisis)).toHaveLength(1);

    h.fake.workspace.deleteChannel(crisis);
    expect((await h.event({ type: 'channel_deleted', channel: crisis })).status).toBe(200);
    await settled();
    expect(await homeOf(h.people.ann)).toContain('Playbook e2e-support names its alerts channel #crisis-alerts, which was deleted in Slack. Its incidents wait');

    // An incident now waits: nothing is lost, nothing posted anywhere else.
    const second = await declare(2, 'Payments page down');
    await h.waitFor('incident #2 root waiting', async () => ((await rootOf(second.id)).lastError?.startsWith('waiting_for_channel:') ? true : undefined));

    // A stale creation of the deleted channel (Slack no longer knows it) changes nothing.
    expect((await h.event({ type: 'channel_created', channel: { id: crisis, name: 'crisis-alerts', created: 1_360_782_804, creator: h.people.ann } })).status).toBe(200);
    await settled();
    expect((await rootOf(second.id)).lastError).toMatch(/^waiting_for_channel:/);

    // A new #crisis-alerts: the waiting incident is posted there, once, though Slack sends the event twice.
    const fresh = h.fake.workspace.addChannel({ name: 'crisis-alerts', members: staff() }).id;
    const created = { type: 'channel_created', channel: { id: fresh, name: 'crisis-alerts', created: 1_360_782_900, creator: h.people.ann } };
    expect((await h.event(created)).status).toBe(200);
    expect((await h.event(created)).status).toBe(200);
    const raised = await h.waitFor('incident #2 posted in the new channel', () => posted(second.id));
    expect(raised.alertChannelId).toBe(fresh);
    await settled();
    expect(rootsIn(fresh)).toHaveLength(1);
    expect(await homeOf(h.people.ann)).not.toContain('was deleted in Slack');

    // New incidents go there too.
    const third = await declare(3, 'Search returns nothing');
    expect((await h.waitFor('incident #3 posted', () => posted(third.id))).alertChannelId).toBe(fresh);
  }, 120_000);

  it('an alerts channel archived and renamed away, its name given to a new channel: the waiting incident goes to the new one', async () => {
    const current = (await prisma().namedChannel.findFirstOrThrow({ where: { name: 'crisis-alerts' } })).channelId;
    const rootsBefore = rootsIn(current).length;
    h.fake.workspace.archiveChannel(current);
    const fourth = await declare(4, 'Avatars not loading');
    await h.waitFor('incident #4 root waiting', async () => ((await rootOf(fourth.id)).lastError === 'waiting_for_channel:is_archived' ? true : undefined));

    // Out of order: the new channel's creation arrives before the old one's rename.
    h.fake.workspace.renameChannel(current, 'crisis-alerts-2025');
    const replacement = h.fake.workspace.addChannel({ name: 'crisis-alerts', members: staff() }).id;
    expect((await h.event({ type: 'channel_created', channel: { id: replacement, name: 'crisis-alerts' } })).status).toBe(200);
    expect((await h.event({ type: 'channel_rename', channel: { id: current, name: 'crisis-alerts-2025', created: 1_360_782_900 } })).status).toBe(200);
    const raised = await h.waitFor('incident #4 posted in the replacement', () => posted(fourth.id));
    expect(raised.alertChannelId).toBe(replacement);
    await settled();
    expect(rootsIn(replacement)).toHaveLength(1);
    // Unarchived later, the old channel does not get it too.
    h.fake.workspace.unarchiveChannel(current);
    expect((await h.event({ type: 'channel_unarchive', channel: current })).status).toBe(200);
    await settled();
    expect(rootsIn(current)).toHaveLength(rootsBefore);
    expect((await prisma().namedChannel.findFirstOrThrow({ where: { name: 'crisis-alerts' } })).channelId).toBe(replacement);
  }, 120_000);

  it('deleted again, its name given to an existing channel by a rename: the waiting incident goes there', async () => {
    const replacement = (await prisma().namedChannel.findFirstOrThrow({ where: { name: 'crisis-alerts' } })).channelId;
    const warRoom = h.fake.workspace.addChannel({ name: 'war-room', members: staff() }).id;
    h.fake.workspace.deleteChannel(replacement);
    expect((await h.event({ type: 'channel_deleted', channel: replacement })).status).toBe(200);
    await settled();
    const fifth = await declare(5, 'Notifications arrive twice');
    await h.waitFor('incident #5 root waiting', async () => ((await rootOf(fifth.id)).lastError?.startsWith('waiting_for_channel:') ? true : undefined));

    h.fake.workspace.renameChannel(warRoom, 'crisis-alerts');
    const renamed = { type: 'channel_rename', channel: { id: warRoom, name: 'crisis-alerts', created: 1_360_782_950 } };
    expect((await h.event(renamed)).status).toBe(200);
    expect((await h.event(renamed)).status).toBe(200);
    const raised = await h.waitFor('incident #5 posted in the renamed channel', () => posted(fifth.id));
    expect(raised.alertChannelId).toBe(warRoom);
    await settled();
    expect(rootsIn(warRoom)).toHaveLength(1);
  }, 120_000);
});
