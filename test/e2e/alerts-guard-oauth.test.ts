// The trust rule on the alerts channel with OAuth installs: a workspace's admin cannot make a channel
// Firebreak watches as a community channel its alerts channel, neither with /firebreak alerts (an
// ephemeral answer says why, in the workspace's language) nor in App Home's settings (refused, the
// reason drawn under the select). Two workspaces behind one loopback Slack; signed requests throughout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningFirebreak } from '../../src/main.js';
import { actionIds } from '../../src/slack/blocks/ids.js';
import { sendToApp } from '../../src/sandbox/signing.js';
import { eventCallback, viewBlockActions } from '../../src/sandbox/slack-payloads.js';
import { availableProviders } from '../support/databases.js';
import { installAsAPerson, seedTeam, startFirebreakIn, startInstalledWorld, startTwoTeamsWorld, TEAM_A as A, TEAM_B as B, type SeededTeam, type TwoTeamsWorld } from '../support/two-teams.js';
import { waitFor } from '../support/wait-for.js';
import { TWO_APPROVER_PLAYBOOK } from './harness.js';

const SIGNING_SECRET = 'alerts-guard-signing-secret-0123456789';
const REFUSED_EN = 'is a community channel Firebreak watches, so it cannot be the alerts channel: incident threads are internal; choose a channel only staff can read.';
const REFUSED_ES = 'es un canal de la comunidad que Firebreak vigila, así que no puede ser el canal de alertas: los hilos de incidentes son internos; elige un canal que solo lea el equipo.';

describe.each(availableProviders)('OAuth installs: a watched channel is never a workspace’s alerts channel (%s)', (provider) => {
  let world: TwoTeamsWorld;
  let app: RunningFirebreak;
  let teams: Record<string, SeededTeam>;
  let events: string;

  const prisma = () => app.database.prisma;

  const event = (teamId: string, body: { type: string } & Record<string, unknown>) => sendToApp(events, SIGNING_SECRET, 'event', eventCallback(teams[teamId]!.fake.workspace.appIdentity(), body, { nowMs: Date.now() }));

  /** Opens App Home as `user` of team B and returns the published view. */
  async function homeOf(user: string): Promise<{ id: string; blocks: unknown[] }> {
    const b = teams[B]!;
    const before = b.fake.api.calls('views.publish').length;
    await event(B, { type: 'app_home_opened', user, channel: 'D0HOME', tab: 'home' });
    const call = await waitFor(`home of ${user}`, () => b.fake.api.calls('views.publish').slice(before).find((candidate) => candidate.args['user_id'] === user && candidate.status === 200));
    return (call.response as { view: { id: string; blocks: unknown[] } }).view;
  }

  /** Picks an option in App Home's settings as `user` of team B; returns the view drawn again. */
  async function pick(user: string, view: { id: string; blocks: unknown[] }, action: Record<string, unknown>): Promise<string> {
    const b = teams[B]!;
    const before = b.fake.api.calls('views.publish').length;
    const payload = viewBlockActions(b.fake.workspace.appIdentity(), {
      user: { id: user, name: user },
      view: { id: view.id, type: 'home', blocks: view.blocks } as never,
      actions: [{ block_id: 'workspace_settings', ...action } as never],
      triggerId: b.fake.workspace.issueTrigger(user),
      nowMs: Date.now(),
    });
    expect((await sendToApp(events, SIGNING_SECRET, 'interaction', payload)).status).toBe(200);
    const call = await waitFor('home redrawn', () => b.fake.api.calls('views.publish').slice(before).find((candidate) => candidate.args['user_id'] === user && candidate.status === 200));
    return JSON.stringify(call.args['view']);
  }

  beforeAll(async () => {
    // The playbook watches #support (by name) in every workspace.
    ({ world, teams, app, events } = await startInstalledWorld({ provider, signingSecret: SIGNING_SECRET, clientId: '1111.2222', env: { DETECTION_INTERVAL_SECONDS: '3600' } }));
  }, 120_000);

  afterAll(async () => {
    await world?.close(app);
  });

  it('/firebreak alerts #support is refused with the reason (a playbook watches it); a staff channel is accepted', async () => {
    const a = teams[A]!;
    const answer = await a.staff.command(events, a.people.ann, `alerts <#${a.people.support}|support>`);
    expect(answer.status).toBe(200);
    expect(answer.body).toContain(`<#${a.people.support}> ${REFUSED_EN}`);
    expect(answer.body).toContain('"response_type":"ephemeral"');
    expect((await prisma().workspace.findUniqueOrThrow({ where: { teamId: A } })).alertsChannel).toBeNull();
    expect(await prisma().auditLog.count({ where: { action: 'workspace.settings', outcome: 'refused:watched_community_channel', userId: a.people.ann } })).toBe(1);
    // A channel watched with /firebreak watch is refused too.
    const lobby = a.fake.workspace.addChannel({ name: 'lobby', members: [...a.people.members, a.people.ann, a.fake.workspace.bot.user_id] }).id;
    expect((await a.staff.command(events, a.people.ann, `watch <#${lobby}|lobby>`)).body).toContain('Watching');
    expect((await a.staff.command(events, a.people.ann, `alerts <#${lobby}|lobby>`)).body).toContain(`<#${lobby}> ${REFUSED_EN}`);
    expect((await prisma().workspace.findUniqueOrThrow({ where: { teamId: A } })).alertsChannel).toBeNull();
    // The staff-only channel is accepted.
    expect((await a.staff.command(events, a.people.ann, `alerts <#${a.people.alerts}|alerts>`)).body).toContain(`Incidents of this workspace now go to <#${a.people.alerts}>`);
    expect((await prisma().workspace.findUniqueOrThrow({ where: { teamId: A } })).alertsChannel).toBe(a.people.alerts);
  });

  it('App Home: picking a watched channel is refused, the reason shown under the select, in the workspace’s language', async () => {
    const b = teams[B]!;
    let view = await homeOf(b.people.ann);
    const drawn = await pick(b.people.ann, view, { action_id: actionIds.settingsAlertsChannel, type: 'channels_select', selected_channel: b.people.support });
    expect(drawn).toContain(`<#${b.people.support}> ${REFUSED_EN}`);
    expect((await prisma().workspace.findUniqueOrThrow({ where: { teamId: B } })).alertsChannel).toBeNull();
    expect(await prisma().auditLog.count({ where: { action: 'workspace.settings', outcome: 'refused:watched_community_channel', userId: b.people.ann } })).toBe(1);
    // In Spanish once the workspace chose it, in App Home and in the slash command's answer.
    view = await homeOf(b.people.ann);
    await pick(b.people.ann, view, { action_id: actionIds.settingsLocale, type: 'static_select', selected_option: { text: { type: 'plain_text', text: 'Español' }, value: 'es' } });
    view = await homeOf(b.people.ann);
    expect(await pick(b.people.ann, view, { action_id: actionIds.settingsAlertsChannel, type: 'channels_select', selected_channel: b.people.support })).toContain(`<#${b.people.support}> ${REFUSED_ES}`);
    expect((await b.staff.command(events, b.people.ann, `alerts <#${b.people.support}|support>`)).body).toContain(`<#${b.people.support}> ${REFUSED_ES}`);
    expect((await prisma().workspace.findUniqueOrThrow({ where: { teamId: B } })).alertsChannel).toBeNull();
    // A staff-only channel picked in App Home is stored; nothing of team A changed.
    view = await homeOf(b.people.ann);
    const accepted = await pick(b.people.ann, view, { action_id: actionIds.settingsAlertsChannel, type: 'channels_select', selected_channel: b.people.alerts });
    expect(accepted).not.toContain(REFUSED_ES);
    expect((await prisma().workspace.findUniqueOrThrow({ where: { teamId: B } })).alertsChannel).toBe(b.people.alerts);
    expect((await prisma().workspace.findUniqueOrThrow({ where: { teamId: A } })).alertsChannel).toBe(teams[A]!.people.alerts);
    expect(world.slack.refused()).toEqual([]);
  }, 60_000);
});

// A held incident is not lost: once a safe alerts channel exists for it (a restart with ALERTS_CHANNEL
// corrected, or the workspace's setting changed), it is raised there once, saying why it was late.
describe.each(availableProviders)('OAuth installs: held incidents are raised once a safe alerts channel exists (%s)', (provider) => {
  let world: TwoTeamsWorld;
  let app: RunningFirebreak;
  let a: SeededTeam;
  let events: string;
  const prisma = () => app.database.prisma;
  const start = async (alertsChannel: string) => {
    app = await startFirebreakIn(world, { ALERTS_CHANNEL: alertsChannel, DETECTION_INTERVAL_SECONDS: '3600' });
    events = `${app.url}/slack/events`;
  };
  const bot = () => a.fake.workspace.bot.user_id;
  const rootsIn = (channel: string) => a.fake.workspace.messagesIn(channel).filter((message) => message.user === bot() && (!message.thread_ts || message.thread_ts === message.ts));
  const threadOf = (channel: string, ts: string) => a.fake.workspace.messagesIn(channel).filter((message) => message.thread_ts === ts && message.ts !== ts);
  const health = async () => (await (await fetch(`${app.url}/healthz`)).json()) as { status: string; alertsChannel: { ok: boolean; watchedChannels: string[]; heldIncidents: number } | null };
  const incident = (number: number) => waitFor(`incident #${number}`, () => prisma().incident.findFirst({ where: { number, workspace: { teamId: A } } }).then((found) => found ?? undefined));
  const rootItem = (incidentId: string, settled: (item: { status: string; lastError: string | null }) => boolean) =>
    waitFor(`root of ${incidentId}`, () => prisma().outboxItem.findUnique({ where: { key: `incident:${incidentId}:root` } }).then((item) => (item && settled(item) ? item : undefined)));
  const held = (item: { status: string; lastError: string | null }) => item.status === 'failed' && item.lastError === 'held:alerts_channel_watched';

  beforeAll(async () => {
    // Its one step is optional, so a held incident can be resolved with /firebreak resolve.
    const playbook = TWO_APPROVER_PLAYBOOK.replace('    dueAfterMinutes: 5\n', '    dueAfterMinutes: 5\n    required: false\n');
    world = await startTwoTeamsWorld({ provider, signingSecret: SIGNING_SECRET, clientId: '1111.2222', playbooks: { 'e2e-support.yaml': playbook } });
    a = seedTeam(world.slack.team(A), SIGNING_SECRET);
    seedTeam(world.slack.team(B), SIGNING_SECRET);
    // ALERTS_CHANNEL names #support, which the playbook watches: every incident of team A is held.
    await start(a.people.support);
    expect((await installAsAPerson(app.url, world.slack, A, a.people.ann)).status).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await world?.close(app);
  });

  it('/healthz is degraded naming the watched channel and the held incident; a restart with ALERTS_CHANNEL corrected raises the open one once, not the resolved one', async () => {
    const lobby = a.fake.workspace.addChannel({ name: 'lobby', members: [...a.people.members, a.people.ann, bot()] }).id;
    await a.staff.command(events, a.people.ann, `declare <#${a.people.support}|support> sev2 Login failing for many members`);
    await a.staff.command(events, a.people.ann, `declare <#${lobby}|lobby> sev3 Slow pages`);
    const first = await incident(1);
    const second = await incident(2);
    await rootItem(first.id, held);
    await rootItem(second.id, held);
    expect((await a.staff.command(events, a.people.ann, `resolve 2 Pages are fast again`)).status).toBe(200);
    await waitFor('incident #2 resolved', () => prisma().incident.findFirst({ where: { id: second.id, status: 'resolved' } }).then((found) => found ?? undefined));
    const before = await health();
    expect(before.status).toBe('degraded');
    expect(before.alertsChannel).toEqual({ ok: false, watchedChannels: [a.people.support], heldIncidents: 1 });

    await app.close();
    await start(a.people.alerts);
    const raised = await rootItem(first.id, (item) => item.status === 'sent');
    expect(raised.channelId).toBe(a.people.alerts);
    const stored = await prisma().incident.findUniqueOrThrow({ where: { id: first.id } });
    expect(stored.alertChannelId).toBe(a.people.alerts);
    const root = await waitFor('root in #alerts', () => rootsIn(a.people.alerts).find((message) => message.ts === stored.rootTs));
    const line = await waitFor('the held line in its thread', () => threadOf(a.people.alerts, root.ts).find((message) => (message.text ?? '').includes('this incident was held because its alerts channel')));
    expect(line.text).toContain(`<#${a.people.support}> is a community channel Firebreak watches`);
    // Acknowledge is clickable now: the lead is recorded.
    await a.staff.click(events, a.people.ann, a.people.alerts, root.ts, actionIds.acknowledge);
    await waitFor('acknowledged', () => prisma().incident.findFirst({ where: { id: first.id, leadUserId: a.people.ann } }).then((found) => found ?? undefined));
    // The resolved incident stays held; nothing ever reached #support; healthz is fine again.
    expect(await prisma().outboxItem.findUniqueOrThrow({ where: { key: `incident:${second.id}:root` } })).toMatchObject({ status: 'failed', lastError: 'held:alerts_channel_watched' });
    expect(rootsIn(a.people.alerts)).toHaveLength(1);
    expect(a.fake.workspace.messagesIn(a.people.support).filter((message) => message.user === bot())).toEqual([]);
    expect(await health()).toMatchObject({ status: 'ok', alertsChannel: { ok: true, watchedChannels: [], heldIncidents: 0 } });
  }, 90_000);

  it('choosing a safe alerts channel (/firebreak alerts) raises a held incident there exactly once', async () => {
    const { alerts } = a.people;
    // #alerts becomes watched: the next incident is held there.
    await a.staff.command(events, a.people.ann, `watch <#${alerts}|alerts>`);
    const billing = a.fake.workspace.addChannel({ name: 'billing', members: [...a.people.members, a.people.ann, bot()] }).id;
    await a.staff.command(events, a.people.ann, `declare <#${billing}|billing> sev2 Payments failing now`);
    const third = await incident(3);
    await rootItem(third.id, held);
    expect((await health()).alertsChannel).toMatchObject({ ok: false, watchedChannels: [alerts], heldIncidents: 1 });
    const staffRoom = a.fake.workspace.addChannel({ name: 'staff-room', members: [a.people.ann, bot()] }).id;
    expect((await a.staff.command(events, a.people.ann, `alerts <#${staffRoom}|staff-room>`)).body).toContain(`Incidents of this workspace now go to <#${staffRoom}>`);
    const raised = await rootItem(third.id, (item) => item.status === 'sent');
    expect(raised.channelId).toBe(staffRoom);
    const root = await waitFor('root in #staff-room', () => rootsIn(staffRoom)[0]);
    await waitFor('the held line in its thread', () => threadOf(staffRoom, root.ts).find((message) => (message.text ?? '').includes(`<#${alerts}> is a community channel Firebreak watches`)));
    // The same setting again (a retry): nothing is raised a second time.
    await a.staff.command(events, a.people.ann, `alerts <#${staffRoom}|staff-room>`);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(rootsIn(staffRoom)).toHaveLength(1);
    expect(await prisma().auditLog.count({ where: { incidentId: third.id, action: 'raise_held_alert', outcome: 'accepted' } })).toBe(1);
    expect(await health()).toMatchObject({ status: 'ok', alertsChannel: { heldIncidents: 0 } });
  }, 60_000);
});
