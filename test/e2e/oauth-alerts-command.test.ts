// `/firebreak alerts #channel` with OAuth installs, as admins get it wrong: a private channel the bot
// was not invited to, or a channel of another workspace. Firebreak must not answer "incidents now go
// there" for a channel it cannot post in: every alert would then fail unseen.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningFirebreak } from '../../src/main.js';
import { availableProviders } from '../support/databases.js';
import { startInstalledWorld, TEAM_A as A, TEAM_B as B, type SeededTeam, type TwoTeamsWorld } from '../support/two-teams.js';

const SIGNING_SECRET = 'alerts-command-secret-0123456789abcd';

describe.each(availableProviders)('/firebreak alerts names a channel the bot cannot post in (%s)', (provider) => {
  let world: TwoTeamsWorld;
  let app: RunningFirebreak;
  let events: string;
  let teams: Record<string, SeededTeam>;
  const alertsChannelOf = async (teamId: string) => (await app.database.prisma.workspace.findUniqueOrThrow({ where: { teamId } })).alertsChannel;

  beforeAll(async () => {
    ({ world, teams, app, events } = await startInstalledWorld({ provider, signingSecret: SIGNING_SECRET, clientId: '1111.7777' }));
  }, 120_000);
  afterAll(async () => {
    await world?.close(app);
  });

  it('a private channel the bot is not in: refused, saying to invite the bot; once invited, accepted', async () => {
    const { fake, people, staff } = teams[A]!;
    const room = fake.workspace.addChannel({ name: 'staff-room', members: [people.ann, people.ben], is_private: true });
    const refused = await staff.command(events, people.ann, `alerts <#${room.id}|staff-room>`);
    expect(refused.body).toContain('invite');
    expect(refused.body).not.toContain('now go to');
    expect(await alertsChannelOf(A)).toBeNull();
    fake.workspace.addMember(room.id, fake.workspace.bot.user_id);
    expect((await staff.command(events, people.ann, `alerts <#${room.id}|staff-room>`)).body).toContain(`Incidents of this workspace now go to <#${room.id}>`);
    expect(await alertsChannelOf(A)).toBe(room.id);
  });

  it('/firebreak watch on a private channel the bot is not in, or another workspace’s: refused, saying to invite the bot; unwatch always works', async () => {
    const { fake, people, staff } = teams[A]!;
    const room = fake.workspace.addChannel({ name: 'vip-members', members: [people.ann, people.ben], is_private: true });
    const watchedRow = () => app.database.prisma.watchedChannel.findFirst({ where: { channelId: room.id, active: true } });
    const refused = await staff.command(events, people.ann, `watch <#${room.id}|vip-members>`);
    expect(refused.body).toContain('invite the bot first');
    expect(refused.body).not.toContain('Watching');
    expect(await watchedRow()).toBeNull();
    const b = teams[B]!;
    expect((await b.staff.command(events, b.people.ann, `watch <#${room.id}|vip-members>`)).body).toContain('invite the bot first');
    fake.workspace.addMember(room.id, fake.workspace.bot.user_id);
    expect((await staff.command(events, people.ann, `watch <#${room.id}|vip-members>`)).body).toContain(`Watching <#${room.id}> now.`);
    expect(await watchedRow()).not.toBeNull();
    expect((await b.staff.command(events, b.people.ann, `unwatch <#${room.id}|vip-members>`)).body).not.toContain('invite');
  });

  it('a channel of another workspace: refused, and this workspace’s alerts channel is unchanged', async () => {
    const b = teams[B]!;
    expect((await b.staff.command(events, b.people.ann, `alerts <#${b.people.alerts}|alerts>`)).body).toContain('now go to');
    const refused = await b.staff.command(events, b.people.ann, `alerts <#${teams[A]!.people.alerts}|alerts>`);
    expect(refused.body).not.toContain('now go to');
    expect(await alertsChannelOf(B)).toBe(b.people.alerts);
  });
});
