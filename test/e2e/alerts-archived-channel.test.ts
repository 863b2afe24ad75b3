// `/firebreak alerts #channel` on an archived channel is refused at once, as watch and declare refuse it:
// nothing can be posted in an archived channel, so every incident would wait there unseen. The refusal
// says what to do, in the person's language, and is audited; a Slack too slow to answer the check never leaves the person
// without an answer past Slack's 3 s: the channel is set, with a warning saying what to check.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningFirebreak } from '../../src/main.js';
import { availableProviders } from '../support/databases.js';
import { seedTeam, startInstalledInBoth, startTwoTeamsWorld, TEAM_A as A, TEAM_B as B, type SeededTeam, type TwoTeamsWorld } from '../support/two-teams.js';
import { TWO_APPROVER_PLAYBOOK } from './harness.js';

const SIGNING_SECRET = 'alerts-archived-secret-0123456789abcd';

describe.each(availableProviders)('/firebreak alerts names an archived channel (%s)', (provider) => {
  let world: TwoTeamsWorld;
  let app: RunningFirebreak;
  let events: string;
  let a: SeededTeam;
  let marta: string;
  const alertsChannelOf = async () => (await app.database.prisma.workspace.findUniqueOrThrow({ where: { teamId: A } })).alertsChannel;

  beforeAll(async () => {
    world = await startTwoTeamsWorld({ provider, signingSecret: SIGNING_SECRET, clientId: '1111.8888', playbooks: { 'e2e-support.yaml': TWO_APPROVER_PLAYBOOK } });
    const teams = { [A]: seedTeam(world.slack.team(A), SIGNING_SECRET), [B]: seedTeam(world.slack.team(B), SIGNING_SECRET) };
    a = teams[A]!;
    marta = a.fake.workspace.addUser({ name: 'marta', real_name: 'Marta Gil', locale: 'es-ES', is_admin: true }).id;
    app = await startInstalledInBoth(world, teams);
    events = `${app.url}/slack/events`;
  }, 120_000);
  afterAll(async () => {
    await world?.close(app);
  });

  it('refuses it, saying to unarchive it (en and es), and leaves the alerts channel as it was; unarchived, it is set', async () => {
    const { fake, people, staff } = a;
    const archived = fake.workspace.addChannel({ name: 'old-staff', members: [people.ann, marta, fake.workspace.bot.user_id] }).id;
    fake.workspace.archiveChannel(archived);
    const before = await alertsChannelOf();

    const refused = await staff.command(events, people.ann, `alerts <#${archived}|old-staff>`);
    expect(refused.status).toBe(200);
    expect(refused.body).toContain(`<#${archived}> is archived, so no incident could be posted there; the alerts channel is unchanged. Unarchive it in Slack, then run this again.`);
    expect(refused.body).not.toContain('now go to');
    const spanish = await staff.command(events, marta, `alerts <#${archived}|old-staff>`);
    expect(spanish.body).toContain(`<#${archived}> está archivado, así que no se podría publicar ningún incidente ahí; el canal de alertas no cambia. Desarchívalo en Slack y vuelve a intentarlo.`);
    expect(await alertsChannelOf()).toBe(before);
    // Audited as the other refused settings changes are, naming who asked and the channel.
    const audited = await app.database.prisma.auditLog.findMany({ where: { action: 'workspace.settings', outcome: 'refused:archived' }, orderBy: { at: 'asc' } });
    expect(audited.map((entry) => entry.userId)).toEqual([people.ann, marta]);
    expect(audited.every((entry) => JSON.stringify(entry.data).includes(archived))).toBe(true);

    fake.workspace.unarchiveChannel(archived);
    expect((await staff.command(events, people.ann, `alerts <#${archived}|old-staff>`)).body).toContain(`Incidents of this workspace now go to <#${archived}>.`);
    expect(await alertsChannelOf()).toBe(archived);
  });

  it('sets it anyway, answering within Slack’s 3 s with a warning, when Slack is too slow to say whether it is archived', async () => {
    const { fake, people, staff } = a;
    const slow = fake.workspace.addChannel({ name: 'war-room', members: [people.ann, fake.workspace.bot.user_id] }).id;
    fake.api.faults.delay('conversations.info', 5_000, { times: 1 });
    const started = Date.now();
    const answer = await staff.command(events, people.ann, `alerts <#${slow}|war-room>`);
    const elapsed = Date.now() - started;
    fake.api.faults.clear();
    expect(elapsed).toBeLessThan(3_000);
    expect(answer.body).toContain(`Incidents of this workspace now go to <#${slow}>.`);
    expect(answer.body).toContain(`Slack did not answer when Firebreak checked that it can post in <#${slow}>. If it is archived, unarchive it`);
    expect(await alertsChannelOf()).toBe(slow);
  });
});
