// Channel events with OAuth installs in two workspaces: a rename or an unarchive sent by one workspace
// naming the other's channel changes nothing there; the owning workspace's own events still work.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningFirebreak } from '../../src/main.js';
import { sendToApp } from '../../src/sandbox/signing.js';
import { eventCallback, messageEvent } from '../../src/sandbox/slack-payloads.js';
import { availableProviders } from '../support/databases.js';
import { startInstalledWorld, TEAM_A as A, TEAM_B as B, type SeededTeam, type TwoTeamsWorld } from '../support/two-teams.js';
import { waitFor } from '../support/wait-for.js';

const SIGNING_SECRET = 'channel-lifecycle-signing-secret-0123456789';

describe.each(availableProviders)('OAuth installs: channel events act only in their own workspace (%s)', (provider) => {
  let world: TwoTeamsWorld;
  let app: RunningFirebreak;
  let teams: Record<string, SeededTeam>;
  let events: string;
  const prisma = () => app.database.prisma;
  const event = (teamId: string, body: { type: string } & Record<string, unknown>) =>
    sendToApp(events, SIGNING_SECRET, 'event', eventCallback(teams[teamId]!.fake.workspace.appIdentity(), body, { nowMs: Date.now() }));

  /** What App Home shows `user` of team A now. */
  async function homeOf(user: string): Promise<string> {
    const a = teams[A]!;
    const before = a.fake.api.calls('views.publish').length;
    await event(A, { type: 'app_home_opened', user, channel: 'D0HOME', tab: 'home' });
    const call = await waitFor(`home of ${user}`, () => a.fake.api.calls('views.publish').slice(before).find((candidate) => candidate.args['user_id'] === user && candidate.status === 200));
    return JSON.stringify(call.args['view']);
  }

  beforeAll(async () => {
    ({ world, teams, app, events } = await startInstalledWorld({ provider, signingSecret: SIGNING_SECRET, clientId: '1111.2222', env: { DETECTION_INTERVAL_SECONDS: '3600' } }));
  }, 120_000);

  afterAll(async () => {
    await world?.close(app);
  });

  it('team B cannot rename team A’s channel nor release team A’s waiting alert; team A can', async () => {
    const a = teams[A]!;
    // A's #support is watched (the playbook names it), A's alerts go to A's #alerts.
    expect((await event(A, messageEvent({ channel: a.people.support, user: a.people.members[0]!, text: 'Hello there', ts: `${Math.floor(Date.now() / 1000)}.000100` }))).status).toBe(200);
    const supportRow = await waitFor('A #support watched', async () => (await prisma().watchedChannel.findFirst({ where: { channelId: a.people.support } })) ?? undefined);
    expect((await a.staff.command(events, a.people.ann, `alerts <#${a.people.alerts}|alerts>`)).status).toBe(200);

    // B names A's channel in a rename: A's row keeps its name and its watch.
    expect((await event(B, { type: 'channel_rename', channel: { id: a.people.support, name: 'lounge', created: 1_360_782_804 } })).status).toBe(200);

    // A's alerts channel archived: the alert waits.
    a.fake.workspace.archiveChannel(a.people.alerts);
    expect((await a.staff.command(events, a.people.ann, `declare <#${a.people.support}|support> sev2 Login failing`)).status).toBe(200);
    const incident = await waitFor('incident in A', async () => (await prisma().incident.findFirst({ where: { channelId: a.people.support } })) ?? undefined);
    const root = () => prisma().outboxItem.findUniqueOrThrow({ where: { key: `incident:${incident.id}:root` } });
    await waitFor('root waiting', async () => ((await root()).lastError === 'waiting_for_channel:is_archived' ? true : undefined));

    // Unarchived in Slack, but the event comes from B (or names A's channel as B's bot joining): nothing goes out.
    a.fake.workspace.unarchiveChannel(a.people.alerts);
    expect((await event(B, { type: 'channel_unarchive', channel: a.people.alerts, user: teams[B]!.people.ann })).status).toBe(200);
    expect((await event(B, { type: 'member_joined_channel', user: teams[B]!.fake.workspace.bot.user_id, channel: a.people.alerts, channel_type: 'C', team: B })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await root()).toMatchObject({ status: 'failed', lastError: 'waiting_for_channel:is_archived' });
    expect(await prisma().watchedChannel.findUniqueOrThrow({ where: { id: supportRow.id } })).toMatchObject({ name: 'support', active: true });

    // A's own unarchive: posted, once.
    expect((await event(A, { type: 'channel_unarchive', channel: a.people.alerts, user: a.people.ann })).status).toBe(200);
    await waitFor('root posted', async () => ((await root()).status === 'sent' ? true : undefined));
    await waitFor('its thread posted', async () => ((await prisma().outboxItem.count({ where: { incidentId: incident.id, status: { not: 'sent' } } })) === 0 ? true : undefined));
    const bot = a.fake.workspace.bot.user_id;
    expect(a.fake.workspace.messagesIn(a.people.alerts).filter((message) => message.user === bot && message.ts === (message.thread_ts ?? message.ts) && message.metadata)).toHaveLength(1);
    expect(world.slack.refused()).toEqual([]);
  }, 90_000);

  it('an alert waiting for an alerts channel that does not come back is raised once in the one the workspace picks next, never later in the old one', async () => {
    const a = teams[A]!;
    const bot = a.fake.workspace.bot.user_id;
    const staffRoom = a.fake.workspace.addChannel({ name: 'staff-room', members: [a.people.ann, a.people.ben, a.people.cleo, bot] }).id;
    const lobby = a.fake.workspace.addChannel({ name: 'lobby', members: [...a.people.members, bot] }).id;
    const botPostsIn = (channel: string) => a.fake.workspace.messagesIn(channel).filter((message) => message.user === bot);
    a.fake.workspace.archiveChannel(a.people.alerts);
    expect((await a.staff.command(events, a.people.ann, `declare <#${lobby}|lobby> sev2 Checkout broken`)).status).toBe(200);
    const incident = await waitFor('incident on #lobby', async () => (await prisma().incident.findFirst({ where: { channelId: lobby } })) ?? undefined);
    const root = () => prisma().outboxItem.findUniqueOrThrow({ where: { key: `incident:${incident.id}:root` } });
    await waitFor('root waiting', async () => ((await root()).lastError === 'waiting_for_channel:is_archived' ? true : undefined));

    // The workspace picks another alerts channel: the incident is raised there, saying why it is late.
    expect((await a.staff.command(events, a.people.ann, `alerts <#${staffRoom}|staff-room>`)).body).toContain(`now go to <#${staffRoom}>`);
    await waitFor('raised in #staff-room', async () => ((await prisma().incident.findUniqueOrThrow({ where: { id: incident.id } })).rootTs ? true : undefined));
    expect(await prisma().incident.findUniqueOrThrow({ where: { id: incident.id } })).toMatchObject({ alertChannelId: staffRoom });
    await waitFor('late line in the thread', () => botPostsIn(staffRoom).some((message) => message.text.includes(`Slack would not take this incident in its alerts channel <#${a.people.alerts}>`)));
    expect(botPostsIn(staffRoom).filter((message) => message.ts === (message.thread_ts ?? message.ts) && message.metadata)).toHaveLength(1);
    expect(await prisma().outboxItem.count({ where: { incidentId: incident.id, lastError: { startsWith: 'waiting_for_channel:' } } })).toBe(0);

    // The old channel unarchived later: nothing of the incident lands there.
    a.fake.workspace.unarchiveChannel(a.people.alerts);
    expect((await event(A, { type: 'channel_unarchive', channel: a.people.alerts, user: a.people.ann })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const ofIncident = (message: { metadata?: unknown }) => JSON.stringify(message.metadata ?? {}).includes(incident.id);
    expect(botPostsIn(a.people.alerts).filter(ofIncident)).toEqual([]);
    expect(world.slack.refused()).toEqual([]);
  }, 90_000);

  it('a digest waiting for a deleted alerts channel is dropped with a note in the one picked next; App Home then lists only what can still go out', async () => {
    const a = teams[A]!;
    const bot = a.fake.workspace.bot.user_id;
    const staff = [a.people.ann, a.people.ben, a.people.cleo, bot];
    const doomed = a.fake.workspace.addChannel({ name: 'ops-alerts', members: staff }).id;
    const next = a.fake.workspace.addChannel({ name: 'ops-room', members: staff }).id;
    const market = a.fake.workspace.addChannel({ name: 'market', members: [...a.people.members, bot] }).id;
    expect((await a.staff.command(events, a.people.ann, `alerts <#${doomed}|ops-alerts>`)).body).toContain(`now go to <#${doomed}>`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    a.fake.workspace.deleteChannel(doomed);

    // An incident and the weekly digest both wait for the deleted channel.
    expect((await a.staff.command(events, a.people.ann, `declare <#${market}|market> sev2 Orders lost`)).status).toBe(200);
    const incident = await waitFor('incident on #market', async () => (await prisma().incident.findFirst({ where: { channelId: market } })) ?? undefined);
    const root = () => prisma().outboxItem.findUniqueOrThrow({ where: { key: `incident:${incident.id}:root` } });
    await waitFor('root waiting', async () => ((await root()).lastError === 'waiting_for_channel:channel_not_found' ? true : undefined));
    const scheduled = await waitFor('A digest scheduled', async () => (await prisma().reminder.findFirst({ where: { kind: 'digest.weekly', status: 'pending', key: { startsWith: `recurring:digest.weekly@${A}:` } } })) ?? undefined);
    await prisma().reminder.update({ where: { id: scheduled.id }, data: { dueAt: new Date(Date.now() - 60_000) } });
    await app.runtime!.scheduler.runDue();
    const digestKey = `digest:${scheduled.key}`;
    const digest = () => prisma().outboxItem.findUniqueOrThrow({ where: { key: digestKey } });
    await waitFor('digest waiting', async () => ((await prisma().outboxItem.findUnique({ where: { key: digestKey } }))?.lastError === 'waiting_for_channel:channel_not_found' ? true : undefined));
    const before = await homeOf(a.people.ann);
    expect(before).toContain(`chat.postMessage (${digestKey}) waits for channel ${doomed}, which Slack cannot find`);

    // Another alerts channel: the incident is raised there; the digest is dropped, said there once.
    expect((await a.staff.command(events, a.people.ann, `alerts <#${next}|ops-room>`)).body).toContain(`now go to <#${next}>`);
    await waitFor('raised in #ops-room', async () => ((await prisma().incident.findUniqueOrThrow({ where: { id: incident.id } })).rootTs ? true : undefined));
    await waitFor('dropped-digest note in #ops-room', () => a.fake.workspace.messagesIn(next).some((message) => message.user === bot && message.text.includes(`was not posted: Slack would not take it in <#${doomed}>`)));
    expect(await digest()).toMatchObject({ status: 'failed', lastError: 'dropped:digest_channel_changed' });
    // Changing the channel again (or a second instance) drops nothing twice.
    expect((await a.staff.command(events, a.people.ann, `alerts <#${next}|ops-room>`)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(a.fake.workspace.messagesIn(next).filter((message) => message.text.includes('was not posted'))).toHaveLength(1);

    // App Home lists nothing of it any more: nothing waits for the deleted channel, nothing was refused by Slack.
    const after = await homeOf(a.people.ann);
    expect(after).not.toContain(doomed);
    expect(after).not.toContain(digestKey);
    expect(after).not.toContain(incident.id);
    expect(await prisma().outboxItem.count({ where: { lastError: { startsWith: 'waiting_for_channel:' }, teamId: A } })).toBe(0);
    expect(world.slack.refused()).toEqual([]);
  }, 90_000);

  it('team B cannot delete team A’s watched channel; A’s own deletion stops watching it', async () => {
    const a = teams[A]!;
    const bot = a.fake.workspace.bot.user_id;
    const lounge = a.fake.workspace.addChannel({ name: 'lounge-a', members: [...a.people.members, bot] }).id;
    expect((await a.staff.command(events, a.people.ann, `watch <#${lounge}|lounge-a>`)).status).toBe(200);
    const row = await waitFor('A #lounge-a watched', async () => (await prisma().watchedChannel.findFirst({ where: { channelId: lounge, active: true } })) ?? undefined);

    // B names A's channel in a deletion (and in a creation): A's row keeps its watch.
    expect((await event(B, { type: 'channel_deleted', channel: lounge })).status).toBe(200);
    expect((await event(B, { type: 'channel_created', channel: { id: lounge, name: 'lounge-a', created: 1_360_782_804, creator: teams[B]!.people.ann } })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await prisma().watchedChannel.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ active: true });

    // A's own deletion: no longer watched.
    a.fake.workspace.deleteChannel(lounge);
    expect((await event(A, { type: 'channel_deleted', channel: lounge })).status).toBe(200);
    await waitFor('A #lounge-a no longer watched', async () => ((await prisma().watchedChannel.findUniqueOrThrow({ where: { id: row.id } })).active ? undefined : true));
    expect(world.slack.refused()).toEqual([]);
  }, 90_000);
});
