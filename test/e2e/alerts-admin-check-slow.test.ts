// `/firebreak alerts #channel` asks Slack (users.info) whether the person may change the workspace's
// settings. A Slack slow to answer, or answering 429 or 500, must neither leave the command unanswered
// past Slack's 3 s (Slack would show "operation_timeout", and the person could not tell whether the
// channel changed) nor change anything without Slack's yes: the person is answered in time, told that
// Slack did not say whether they may change settings and that nothing changed, and the refusal is
// audited as the other refused settings (`workspace.settings refused:slack_unavailable`). Both
// databases, two OAuth workspaces (B speaks Spanish), signed requests to the real app.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningFirebreak } from '../../src/main.js';
import { sendToApp } from '../../src/sandbox/signing.js';
import { eventCallback, viewBlockActions } from '../../src/sandbox/slack-payloads.js';
import { actionIds } from '../../src/slack/blocks/ids.js';
import { availableProviders } from '../support/databases.js';
import { seedTeam, startInstalledInBoth, startTwoTeamsWorld, TEAM_A as A, TEAM_B as B, type SeededTeam, type TwoTeamsWorld } from '../support/two-teams.js';
import { waitFor } from '../support/wait-for.js';
import { TWO_APPROVER_PLAYBOOK } from './harness.js';

const SIGNING_SECRET = 'alerts-admin-slow-secret-0123456789abcd';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(availableProviders)('/firebreak alerts while Slack is slow to say who may change settings (%s)', (provider) => {
  let world: TwoTeamsWorld;
  let app: RunningFirebreak;
  let events: string;
  const teams: Record<string, SeededTeam> = {};
  /** Per team, Slack admins on the community team, made before Firebreak starts (it reads the groups once a minute). */
  const admins: Record<string, Record<string, string>> = {};
  const alertsChannelOf = async (teamId: string) => (await app.database.prisma.workspace.findUniqueOrThrow({ where: { teamId } })).alertsChannel;
  const settingsAudits = (userId: string) => app.database.prisma.auditLog.findMany({ where: { action: 'workspace.settings', userId }, orderBy: { at: 'asc' } });

  /** A Slack admin on the community team (so the operator check passes without Slack), who did not install Firebreak. */
  function staffAdmin(team: SeededTeam, name: string): string {
    const { fake, people } = team;
    const id = fake.workspace.addUser({ name, real_name: `${name} Admin`, is_admin: true }).id;
    const leads = Object.values(fake.workspace.snapshot().usergroups).find((group) => group.handle === 'community-leads')!;
    fake.workspace.setUserGroupMembers(leads.id, [...leads.users, id]);
    fake.workspace.addMember(people.alerts, id);
    return id;
  }

  /** Opens `user`'s Home tab and picks `channel` as the alerts channel in its settings. */
  async function pickAlertsChannelInHome(team: SeededTeam, user: string, channel: string): Promise<void> {
    const { fake } = team;
    const opened = eventCallback(fake.workspace.appIdentity(), { type: 'app_home_opened', user, channel: 'D0HOME', tab: 'home' }, { nowMs: Date.now() });
    expect((await sendToApp(events, SIGNING_SECRET, 'event', opened)).status).toBe(200);
    const home = await waitFor('App Home', () => fake.api.calls('views.publish').find((call) => call.args['user_id'] === user && call.status === 200));
    const view = (home.response as { view: { id: string; blocks: unknown[] } }).view;
    const pick = viewBlockActions(fake.workspace.appIdentity(), {
      user: { id: user, name: fake.workspace.getUser(user).name },
      view: { id: view.id, type: 'home', blocks: view.blocks } as never,
      actions: [{ block_id: 'workspace_settings', action_id: actionIds.settingsAlertsChannel, type: 'channels_select', selected_channel: channel } as never],
      triggerId: fake.workspace.issueTrigger(user),
      nowMs: Date.now(),
    });
    expect((await sendToApp(events, SIGNING_SECRET, 'interaction', pick)).status).toBe(200);
  }

  /** The command's answer: in its acknowledgement, or (Slack slow) through response_url after an interim one. */
  async function commandAnswer(team: SeededTeam, user: string, text: string, expected: string): Promise<{ elapsed: number; body: string; told: string }> {
    const started = Date.now();
    const answer = await team.staff.command(events, user, text);
    const elapsed = Date.now() - started;
    expect(answer.status).toBe(200);
    const told = answer.body.includes(expected)
      ? answer.body
      : await waitFor(`the answer “${expected}”`, () => team.fake.workspace.ephemeralFor(user).find((message) => message.text.includes(expected))?.text, { timeoutMs: 10_000 });
    return { elapsed, body: answer.body, told };
  }

  beforeAll(async () => {
    world = await startTwoTeamsWorld({ provider, signingSecret: SIGNING_SECRET, clientId: '1111.9191', playbooks: { 'e2e-support.yaml': TWO_APPROVER_PLAYBOOK } });
    for (const teamId of [A, B]) teams[teamId] = seedTeam(world.slack.team(teamId), SIGNING_SECRET);
    admins[A] = { olga: staffAdmin(teams[A]!, 'olga'), pia: staffAdmin(teams[A]!, 'pia'), quim: staffAdmin(teams[A]!, 'quim') };
    admins[B] = { lucia: staffAdmin(teams[B]!, 'lucia') };
    app = await startInstalledInBoth(world, teams);
    events = `${app.url}/slack/events`;
    // B's installer chooses Spanish in App Home: its answers are in Spanish whatever Slack says of anyone.
    const b = teams[B]!;
    const opened = eventCallback(b.fake.workspace.appIdentity(), { type: 'app_home_opened', user: b.people.ann, channel: 'D0HOME', tab: 'home' }, { nowMs: Date.now() });
    expect((await sendToApp(events, SIGNING_SECRET, 'event', opened)).status).toBe(200);
    const home = await waitFor('App Home', () => b.fake.api.calls('views.publish').find((call) => call.args['user_id'] === b.people.ann && call.status === 200));
    const view = (home.response as { view: { id: string; blocks: unknown[] } }).view;
    const pick = viewBlockActions(b.fake.workspace.appIdentity(), {
      user: { id: b.people.ann, name: 'ann' },
      view: { id: view.id, type: 'home', blocks: view.blocks } as never,
      actions: [{ block_id: 'workspace_settings', action_id: actionIds.settingsLocale, type: 'static_select', selected_option: { text: { type: 'plain_text', text: 'Español' }, value: 'es' } } as never],
      triggerId: b.fake.workspace.issueTrigger(b.people.ann),
      nowMs: Date.now(),
    });
    expect((await sendToApp(events, SIGNING_SECRET, 'interaction', pick)).status).toBe(200);
    await waitFor('B speaks Spanish', async () => (await app.database.prisma.workspace.findUniqueOrThrow({ where: { teamId: B } })).locale === 'es');
  }, 120_000);
  afterAll(async () => {
    await world?.close(app);
  });

  it('users.info answering after 5 s: answered within 3 s, told Slack did not say, nothing changed (not even once Slack answers), audited', async () => {
    const a = teams[A]!;
    const { fake, people } = a;
    const olga = admins[A]!['olga']!;
    const room = fake.workspace.addChannel({ name: 'incident-room', members: [people.ann, olga, fake.workspace.bot.user_id] }).id;
    const before = await alertsChannelOf(A);
    fake.api.faults.delay('users.info', 5_000, { forMs: 8_000 });

    const { elapsed, body, told } = await commandAnswer(a, olga, `alerts <#${room}|incident-room>`, 'Slack did not answer');
    expect(elapsed, 'acknowledged before Slack gives up at 3 s').toBeLessThan(3_000);
    // The acknowledgement is the answer, or says one follows (it did: `told` came by response_url).
    expect(body.includes('Slack did not answer') || body.includes('Firebreak is still working on /firebreak alerts and will answer here'), `acknowledged with: ${body}`).toBe(true);
    expect(told).toContain('Slack did not answer when Firebreak asked whether you may change this workspace’s settings, so nothing was changed. Try again in a moment.');
    expect(told).not.toContain('now go to');
    expect(told).not.toContain('Only workspace admins');

    const audited = await waitFor('the refusal audited', async () => ((await settingsAudits(olga)).length > 0 ? settingsAudits(olga) : undefined));
    expect(audited.map((entry) => entry.outcome)).toEqual(['refused:slack_unavailable']);
    expect(JSON.stringify(audited[0]!.data)).toContain(room);
    // Slack's late yes changes nothing: the person was told nothing changed.
    await sleep(5_500);
    fake.api.faults.clear();
    expect(await alertsChannelOf(A)).toBe(before);
    expect((await settingsAudits(olga)).map((entry) => entry.outcome)).toEqual(['refused:slack_unavailable']);

    // Slack answering again, the same command sets it.
    const again = await commandAnswer(a, olga, `alerts <#${room}|incident-room>`, 'now go to');
    expect(again.told).toContain(`Incidents of this workspace now go to <#${room}>.`);
    expect(await alertsChannelOf(A)).toBe(room);
  });

  it('users.info answering 429: told in time that Slack did not answer, nothing changed, audited', async () => {
    const a = teams[A]!;
    const { fake, people } = a;
    const pia = admins[A]!['pia']!;
    const room = fake.workspace.addChannel({ name: 'ops-room', members: [people.ann, pia, fake.workspace.bot.user_id] }).id;
    const before = await alertsChannelOf(A);
    // Retry-After 2 s: longer than the admin check waits (a longer one would pause every call of this workspace's client, later tests' too).
    fake.api.faults.rateLimit('users.info', 2, { forMs: 8_000 });
    const { elapsed, told } = await commandAnswer(a, pia, `alerts <#${room}|ops-room>`, 'Slack did not answer');
    fake.api.faults.clear();
    expect(elapsed).toBeLessThan(3_000);
    expect(told).toContain('so nothing was changed');
    expect(await alertsChannelOf(A)).toBe(before);
    const audited = await waitFor('the refusal audited', async () => ((await settingsAudits(pia)).length > 0 ? settingsAudits(pia) : undefined));
    expect(audited.map((entry) => entry.outcome)).toEqual(['refused:slack_unavailable']);
  });

  it('users.info answering 500, in a Spanish-speaking workspace: told in Spanish, nothing changed, audited', async () => {
    const b = teams[B]!;
    const { fake, people } = b;
    const lucia = admins[B]!['lucia']!;
    const room = fake.workspace.addChannel({ name: 'sala-crisis', members: [people.ann, lucia, fake.workspace.bot.user_id] }).id;
    const before = await alertsChannelOf(B);
    fake.api.faults.serverError('users.info', { forMs: 8_000 });
    const { elapsed, told } = await commandAnswer(b, lucia, `alerts <#${room}|sala-crisis>`, 'Slack no respondió');
    fake.api.faults.clear();
    expect(elapsed).toBeLessThan(3_000);
    expect(told).toContain('Slack no respondió cuando Firebreak preguntó si puedes cambiar los ajustes de este espacio de trabajo, así que no se ha cambiado nada. Vuelve a intentarlo en un momento.');
    expect(await alertsChannelOf(B)).toBe(before);
    const audited = await waitFor('the refusal audited', async () => ((await settingsAudits(lucia)).length > 0 ? settingsAudits(lucia) : undefined));
    expect(audited.map((entry) => entry.outcome)).toEqual(['refused:slack_unavailable']);
  });

  it('App Home’s settings, users.info answering 500: nothing changed, told by direct message, audited', async () => {
    const a = teams[A]!;
    const { fake, people } = a;
    const quim = admins[A]!['quim']!;
    const room = fake.workspace.addChannel({ name: 'home-room', members: [people.ann, quim, fake.workspace.bot.user_id] }).id;
    const before = await alertsChannelOf(A);
    // Failing from before the Home tab opens: no earlier answer of Slack's about Quim is kept (they last 30 s).
    fake.api.faults.serverError('users.info', { forMs: 8_000 });
    await pickAlertsChannelInHome(a, quim, room);
    // A direct message (App Home has no channel): the conversation with Quim opened, then the text posted there.
    const told = await waitFor('the direct message', () => {
      const dm = fake.api.calls('conversations.open').find((call) => call.args['users'] === quim && call.status === 200);
      const channel = (dm?.response as { channel?: { id?: string } } | undefined)?.channel?.id;
      const text = channel ? fake.workspace.messagesIn(channel).find((message) => message.text.includes('Slack did not answer'))?.text : undefined;
      return text;
    });
    fake.api.faults.clear();
    expect(told).toContain('so nothing was changed. Try again in a moment.');
    expect(await alertsChannelOf(A)).toBe(before);
    const audited = await waitFor('the refusal audited', async () => ((await settingsAudits(quim)).length > 0 ? settingsAudits(quim) : undefined));
    expect(audited.map((entry) => entry.outcome)).toEqual(['refused:slack_unavailable']);
  });
});
