// Slack channels change under Firebreak. A rename (channel_rename) carries the stored name along, so a
// channel a playbook watches by name or pattern follows the playbooks under its new name — stopped when
// no playbook names it any more, resumed when one does — while a channel watched or unwatched by command
// keeps its state. An alerts channel Slack will not take messages in (archived, the bot not in it) keeps
// its incident's writes waiting, listed in App Home, and they go out exactly once when it is usable
// again (channel_unarchive, member_joined_channel for the bot). Hostile events change nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageEvent } from '../../src/sandbox/slack-payloads.js';
import { availableProviders } from '../support/databases.js';
import { publishedHome, startHarness, TWO_APPROVER_PLAYBOOK, type Harness } from './harness.js';

const PATTERNED = TWO_APPROVER_PLAYBOOK.replace('channels: [support]', 'channels: [support, help-*]');

/** Top-level messages the bot posted in a channel (incident roots, notices). */
function botRootsIn(harness: Harness, channel: string) {
  const bot = harness.fake.workspace.bot.user_id;
  return harness.fake.workspace.messagesIn(channel).filter((message) => message.user === bot && (!message.thread_ts || message.thread_ts === message.ts));
}

describe.each(availableProviders)('channels renamed in Slack (%s)', (provider) => {
  let h: Harness;
  let helpDesk: string;
  let town: string;
  let forum: string;
  let serial = 0;
  const prisma = () => h.app.database.prisma;
  const row = async (channelId: string) => (await prisma().watchedChannel.findFirst({ where: { channelId } })) ?? undefined;
  const scoredIn = async (channelId: string) => prisma().scoredMessage.count({ where: { channel: { channelId } } });
  const rename = (channelId: string, name: string, type = 'channel_rename') => h.event({ type, channel: { id: channelId, name, created: 1_360_782_804 } });

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

  beforeAll(async () => {
    h = await startHarness({ provider, playbook: PATTERNED });
    const { workspace } = h.fake;
    const everyone = [...h.people.members, h.people.sam, h.people.ann, h.people.ben, h.people.nina, h.people.cleo, workspace.bot.user_id];
    helpDesk = workspace.addChannel({ name: 'help-desk', members: everyone }).id;
    town = workspace.addChannel({ name: 'town', members: everyone }).id;
    forum = workspace.addChannel({ name: 'help-forum', members: everyone }).id;
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  it('a channel a playbook watches by pattern stops when renamed out of it and resumes when renamed back in; command choices stand', async () => {
    await postIn(helpDesk, 'Hello, is anyone here?');
    expect(await h.waitFor('#help-desk watched', () => row(helpDesk))).toMatchObject({ active: true, watchedBy: 'playbook', name: 'help-desk' });
    // #town watched by command; #help-forum (the playbook's on first sight) unwatched by command.
    await postIn(forum, 'Hello forum');
    await h.waitFor('#help-forum watched', () => row(forum));
    expect((await h.command(h.people.ann, `watch <#${town}|town>`)).status).toBe(200);
    expect((await h.command(h.people.ann, `unwatch <#${forum}|help-forum>`)).status).toBe(200);

    // Renamed out of the pattern: the stored name follows and the playbook no longer names it.
    expect((await rename(helpDesk, 'lounge')).status).toBe(200);
    await h.waitFor('#help-desk renamed', async () => (await row(helpDesk))?.name === 'lounge');
    expect(await h.waitFor('#lounge no longer watched', async () => ((await row(helpDesk))?.active === false ? row(helpDesk) : undefined))).toMatchObject({ watchedBy: 'playbook' });
    await postIn(helpDesk, 'Still here?');
    await settled();
    expect(await scoredIn(helpDesk)).toBe(1);

    // Commands stand: #town renamed away stays watched, #help-forum renamed into another match stays unwatched.
    expect((await rename(town, 'plaza')).status).toBe(200);
    expect((await rename(forum, 'help-community')).status).toBe(200);
    await h.waitFor('#town renamed', async () => (await row(town))?.name === 'plaza');
    await h.waitFor('#help-forum renamed', async () => (await row(forum))?.name === 'help-community');
    expect(await row(town)).toMatchObject({ active: true, watchedBy: 'command' });
    expect(await row(forum)).toMatchObject({ active: false, watchedBy: 'command' });

    // Renamed back into the pattern (a private channel's rename is group_rename): watched again, by the playbooks.
    expect((await rename(helpDesk, 'help-vip', 'group_rename')).status).toBe(200);
    await h.waitFor('#help-vip watched again', async () => (await row(helpDesk))?.active === true);
    expect(await row(helpDesk)).toMatchObject({ name: 'help-vip', watchedBy: 'playbook' });
    await postIn(helpDesk, 'Back again');
    await h.waitFor('#help-vip scored again', async () => (await scoredIn(helpDesk)) === 2);

    // A playbook reload judges the channel by its new name: it stays watched.
    await h.app.runtime?.playbooks.reload();
    await settled();
    expect(await row(helpDesk)).toMatchObject({ active: true, name: 'help-vip' });

    const audited = await prisma().auditLog.findMany({ where: { action: { startsWith: 'channel.' }, userId: null }, orderBy: { at: 'asc' } });
    expect(audited.map((entry) => [entry.action, (entry.data as { channelId?: string }).channelId])).toEqual([
      ['channel.unwatch', helpDesk],
      ['channel.watch', helpDesk],
    ]);
  }, 90_000);

  it('refuses hostile renames cleanly: another team\'s channel, nulls, missing or odd names change nothing', async () => {
    // Another workspace's channel, stored under its own workspace row.
    const other = await prisma().workspace.create({ data: { teamId: 'T0OTHERTEAM' } });
    const foreign = await prisma().watchedChannel.create({ data: { workspaceId: other.id, channelId: 'C0FOREIGN01', name: 'help-other', watchedBy: 'playbook' } });
    const before = await prisma().watchedChannel.findMany({ orderBy: { id: 'asc' } });
    const hostile: Record<string, unknown>[] = [
      { type: 'channel_rename', channel: { id: foreign.channelId, name: 'lounge' } },
      { type: 'channel_rename', channel: null },
      { type: 'channel_rename' },
      { type: 'channel_rename', channel: { id: helpDesk } },
      { type: 'channel_rename', channel: { id: helpDesk, name: null } },
      { type: 'channel_rename', channel: { id: helpDesk, name: '' } },
      { type: 'channel_rename', channel: { id: helpDesk, name: 'has spaces' } },
      { type: 'channel_rename', channel: { id: helpDesk, name: '#lounge' } },
      { type: 'channel_rename', channel: { id: helpDesk, name: 'x'.repeat(200) } },
      { type: 'channel_rename', channel: { id: helpDesk, name: ['lounge'] } },
      { type: 'channel_rename', channel: { id: 'D0DIRECT01', name: 'lounge' } },
      { type: 'channel_rename', channel: { id: { $ne: null }, name: 'lounge' } },
      { type: 'group_rename', channel: { id: 42, name: 'lounge' } },
    ];
    for (const event of hostile) expect((await h.event(event)).status).toBe(200);
    await settled();
    const after = await prisma().watchedChannel.findMany({ orderBy: { id: 'asc' } });
    const shape = (rows: typeof before) => rows.map(({ id, workspaceId, channelId, name, active, watchedBy }) => ({ id, workspaceId, channelId, name, active, watchedBy }));
    expect(shape(after)).toEqual(shape(before));
    expect(await row(helpDesk)).toMatchObject({ name: 'help-vip', active: true });
    expect(await prisma().watchedChannel.findUniqueOrThrow({ where: { id: foreign.id } })).toMatchObject({ name: 'help-other', active: true });
    // The same listener takes a well-formed rename of this workspace's channel: the refusals above were its own.
    expect((await rename(helpDesk, 'help-desk-2')).status).toBe(200);
    await h.waitFor('#help-vip renamed', async () => (await row(helpDesk))?.name === 'help-desk-2');
  }, 60_000);
});

describe.each(availableProviders)('an alerts channel Slack will not take messages in (%s)', (provider) => {
  let h: Harness;
  let town: string;
  const prisma = () => h.app.database.prisma;

  const homeOf = (user: string) => publishedHome(h, user);

  async function health(): Promise<{ status: number; body: { status: string; waitingWrites: { ok: boolean; total: number; byReason: Record<string, { count: number; oldestAgeSeconds: number }> } } }> {
    const response = await fetch(`${h.app.url}/healthz`);
    return { status: response.status, body: (await response.json()) as never };
  }

  async function declared(number: number, channel: string, summary: string) {
    expect((await h.command(h.people.ann, `declare <#${channel}> sev2 ${summary}`)).status).toBe(200);
    const incident = await h.waitFor(`incident #${number}`, async () => (await prisma().incident.findFirst({ where: { number } })) ?? undefined);
    const root = () => prisma().outboxItem.findUniqueOrThrow({ where: { key: `incident:${incident.id}:root` } });
    return { incident, root };
  }

  beforeAll(async () => {
    h = await startHarness({ provider });
    town = h.fake.workspace.addChannel({ name: 'town', members: [...h.people.members, h.fake.workspace.bot.user_id] }).id;
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  it('archived: the alert and its thread wait, App Home says so, and they are posted exactly once when it is unarchived', async () => {
    h.fake.workspace.archiveChannel(h.alerts);
    const { incident, root } = await declared(1, h.support, 'Login failing for many members');
    await h.waitFor('root waiting', async () => ((await root()).status === 'failed' ? root() : undefined));
    expect(await root()).toMatchObject({ status: 'failed', lastError: 'waiting_for_channel:is_archived' });
    // Its thread (the checklist) waits with it; no "delivery failed" notice is queued behind it.
    await h.waitFor('thread waiting', async () => (await prisma().outboxItem.count({ where: { incidentId: incident.id, status: 'failed', lastError: 'waiting_for_channel:is_archived' } })) >= 2);
    expect(await prisma().outboxItem.count({ where: { key: { startsWith: 'delivery-failed:' } } })).toBe(0);
    const home = await homeOf(h.people.ann);
    expect(home).toContain('waiting_for_channel:is_archived');
    expect(home).toContain(`waits for channel ${h.alerts} (archived, or the bot is not in it); posted once it is unarchived or the bot invited`);

    // Hostile or unrelated events release nothing.
    for (const event of [{ type: 'channel_unarchive', channel: null }, { type: 'channel_unarchive' }, { type: 'channel_unarchive', channel: { id: h.alerts } }, { type: 'channel_unarchive', channel: h.support }]) {
      expect((await h.event(event)).status).toBe(200);
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await root()).status).toBe('failed');

    // An operator sees it in /healthz: how many writes wait, why, and since when; degraded, still 200.
    const waiting = await health();
    expect(waiting.status).toBe(200);
    expect(waiting.body).toMatchObject({ status: 'degraded', waitingWrites: { ok: false, total: 2, byReason: { is_archived: { count: 2 } } } });
    expect(waiting.body.waitingWrites.byReason["is_archived"]?.oldestAgeSeconds).toBeGreaterThanOrEqual(1);

    h.fake.workspace.unarchiveChannel(h.alerts);
    expect((await h.event({ type: 'channel_unarchive', channel: h.alerts, user: h.people.ann })).status).toBe(200);
    await h.waitFor('root posted', async () => ((await root()).status === 'sent' ? true : undefined));
    await h.waitFor('thread posted', async () => (await prisma().outboxItem.count({ where: { incidentId: incident.id, status: { not: 'sent' } } })) === 0);
    // Slack delivers the unarchive again (a retry): nothing is posted twice.
    expect((await h.event({ type: 'channel_unarchive', channel: h.alerts, user: h.people.ann }, { retryNum: 1 })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const rootTs = (await prisma().incident.findUniqueOrThrow({ where: { id: incident.id } })).rootTs;
    expect(botRootsIn(h, h.alerts).map((message) => message.ts)).toEqual([rootTs]);
    expect((await health()).body.waitingWrites).toEqual({ ok: true, total: 0, byReason: {} });
  }, 90_000);

  it('the bot not in it: the alert waits, and is posted once the bot is invited (member_joined_channel), not when someone else joins', async () => {
    h.fake.api.faults.failWith('chat.postMessage', 'not_in_channel', { times: 1 });
    const { incident, root } = await declared(2, town, 'Payments page down');
    await h.waitFor('root waiting', async () => ((await root()).status === 'failed' ? true : undefined));
    expect(await root()).toMatchObject({ lastError: 'waiting_for_channel:not_in_channel' });

    expect((await h.event({ type: 'member_joined_channel', user: h.people.sam, channel: h.alerts, channel_type: 'C', team: h.fake.workspace.team.id })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await root()).status).toBe('failed');

    const bot = h.fake.workspace.bot.user_id;
    expect((await h.event({ type: 'member_joined_channel', user: bot, channel: h.alerts, channel_type: 'C', team: h.fake.workspace.team.id })).status).toBe(200);
    await h.waitFor('root posted', async () => ((await root()).status === 'sent' ? true : undefined));
    const rootTs = (await prisma().incident.findUniqueOrThrow({ where: { id: incident.id } })).rootTs;
    expect(botRootsIn(h, h.alerts).filter((message) => message.ts === rootTs)).toHaveLength(1);
    expect(botRootsIn(h, h.alerts)).toHaveLength(2);
  }, 60_000);
});
