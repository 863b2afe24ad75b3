// OAuth installs with Socket Mode: one app-level connection carries every installed workspace's
// envelopes; each is answered and acted on with its own workspace's token, a workspace that is not (or
// no longer) installed is acknowledged and dropped, and the others carry on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningFirebreak } from '../../src/main.js';
import { eventCallback, messageEvent, slashCommand, type AppIdentity } from '../../src/sandbox/slack-payloads.js';
import { availableProviders } from '../support/databases.js';
import { installAsAPerson, seedTeam, startFirebreakIn, startTwoTeamsWorld, TEAM_A as A, TEAM_B as B, type SeededTeam, type TwoTeamsWorld } from '../support/two-teams.js';
import { TWO_APPROVER_PLAYBOOK } from './harness.js';

const SIGNING_SECRET = 'oauth-socket-secret-0123456789abcdef';

describe.each(availableProviders)('OAuth installs over Socket Mode (%s)', (provider) => {
  let world: TwoTeamsWorld;
  let app: RunningFirebreak;
  const teams: Record<string, SeededTeam> = {};
  const socket = () => world.slack.socketMode!;
  const prisma = () => app.database.prisma;

  beforeAll(async () => {
    world = await startTwoTeamsWorld({ provider, signingSecret: SIGNING_SECRET, clientId: '1111.9999', playbooks: { 'e2e-support.yaml': TWO_APPROVER_PLAYBOOK }, socketMode: true });
    for (const teamId of [A, B]) teams[teamId] = seedTeam(world.slack.team(teamId), SIGNING_SECRET);
    app = await startFirebreakIn(world, {}, { slackRetryDelaysMs: [200, 500, 1_000] });
    await socket().waitForConnections(1, 20_000);
    for (const teamId of [A, B]) expect((await installAsAPerson(app.url, world.slack, teamId, teams[teamId]!.people.ann)).status).toBe(200);
  }, 120_000);
  afterAll(async () => {
    await world?.close(app);
  });

  const command = (teamId: string, text: string) => {
    const { fake, people } = teams[teamId]!;
    return socket().send('command', slashCommand(fake.workspace.appIdentity(), { command: '/firebreak', text, user: { id: people.ann, name: 'ann' }, channel: { id: people.alerts, name: 'alerts' }, triggerId: fake.workspace.issueTrigger(people.ann), responseUrl: fake.issueResponseUrl(people.ann, people.alerts) }));
  };
  const post = (identity: AppIdentity, channel: string, user: string, text: string, ts: string) => socket().send('event', eventCallback(identity, messageEvent({ channel, user, text, ts }), { nowMs: Date.now() }));

  it('each workspace’s commands and messages are handled with its own token and filed under it', async () => {
    for (const teamId of [A, B]) {
      const { people } = teams[teamId]!;
      expect((await command(teamId, `alerts <#${people.alerts}|alerts>`)).body).toContain(`Incidents of this workspace now go to <#${people.alerts}>`);
    }
    const now = Math.floor(Date.now() / 1000);
    for (const [index, teamId] of [A, B].entries()) {
      const { fake, people } = teams[teamId]!;
      expect((await post(fake.workspace.appIdentity(), people.support, people.members[0]!, `hello from ${teamId}`, `${now}.00010${index}`)).status).toBe(200);
    }
    await expect.poll(() => prisma().scoredMessage.count({ where: { text: { startsWith: 'hello from' } } }), { timeout: 10_000 }).toBe(2);
    for (const teamId of [A, B]) {
      const stored = await prisma().scoredMessage.findFirstOrThrow({ where: { text: `hello from ${teamId}` }, include: { channel: { include: { workspace: true } } } });
      expect(stored.channel.workspace.teamId).toBe(teamId);
    }
    expect(world.slack.refused()).toEqual([]);
  });

  it('a workspace that is not installed, then one that uninstalled: acknowledged and dropped; the other workspace carries on', async () => {
    const stranger = { ...teams[A]!.fake.workspace.appIdentity(), teamId: 'T0STRANGER' };
    expect((await post(stranger, 'C0STRANGER', 'U0STRANGER', 'hello from nowhere', `${Math.floor(Date.now() / 1000)}.000200`)).status).toBe(200);
    const b = teams[B]!;
    b.fake.workspace.revokeBotTokens();
    expect((await socket().send('event', eventCallback(b.fake.workspace.appIdentity(), { type: 'app_uninstalled' }, { nowMs: Date.now() }))).status).toBe(200);
    await expect.poll(async () => (await prisma().workspace.findUniqueOrThrow({ where: { teamId: B } })).uninstallReason, { timeout: 10_000 }).toBe('app_uninstalled');
    expect((await post(b.fake.workspace.appIdentity(), b.people.support, b.people.members[1]!, 'hello after uninstall', `${Math.floor(Date.now() / 1000)}.000300`)).status).toBe(200);
    expect((await command(A, 'help')).body).toContain('Firebreak commands');
    await expect.poll(() => prisma().inboundEvent.count(), { timeout: 10_000 }).toBe(0);
    expect(await prisma().scoredMessage.count({ where: { text: { in: ['hello from nowhere', 'hello after uninstall'] } } })).toBe(0);
    expect(await prisma().quarantinedMessage.count()).toBe(0);
    expect(world.slack.refused()).toEqual([]);
  });
});
