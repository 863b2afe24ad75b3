// A playbook limited to some workspaces (`workspaces: [T…]`) serves only them: one Firebreak installed
// through OAuth in two workspaces, brand A's playbook naming #support and #news, a shared default
// naming #support. In B, A's playbook watches nothing, opens no incident, offers no reply template,
// makes nobody staff and keeps no channel from being B's alerts channel; the shared one serves both.
// Limited to A later, a playbook stops watching the channel it put under watch in B.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningFirebreak } from '../../src/main.js';
import { actionIds } from '../../src/slack/blocks/ids.js';
import { sendToApp } from '../../src/sandbox/signing.js';
import { eventCallback, messageEvent } from '../../src/sandbox/slack-payloads.js';
import { availableProviders } from '../support/databases.js';
import { playbookYaml } from '../support/playbook-yaml.js';
import { installAsAPerson, seedTeam, startFirebreakIn, startTwoTeamsWorld, TEAM_A as A, TEAM_B as B, type SeededTeam, type TwoTeamsWorld } from '../support/two-teams.js';
import { waitFor } from '../support/wait-for.js';
import { startHarness, type Harness } from './harness.js';

const SIGNING_SECRET = 'playbook-workspaces-signing-secret-0123';

/** A playbook with one reply template whose text names it, so a draft modal shows whose templates it offers. */
function playbook(options: { id: string; head: string; channels: string[]; priority: number; extraRoles?: string[] }): string {
  return playbookYaml({
    id: options.id,
    name: options.id,
    description: 'Members are upset.',
    head: options.head,
    channels: options.channels,
    priority: options.priority,
    roles: ['lead: "@community-leads"', 'approvers: ["@community-leads"]', ...(options.extraRoles ?? [])],
    checklist: [{ id: 'acknowledge', title: { es: 'Confirmar el incidente', en: 'Acknowledge the incident' }, dueAfterMinutes: 5 }],
    reply: { id: `${options.id}-holding`, es: `Respuesta de ${options.id}.`, en: `Reply of ${options.id}.` },
    unacknowledged: { afterMinutes: 10, notify: '["@community-leads"]', repeatEveryMinutes: 10, maxRepeats: 1 },
  });
}

describe.each(availableProviders)('playbooks limited to some workspaces (%s)', (provider) => {
  let world: TwoTeamsWorld;
  let app: RunningFirebreak;
  let events: string;
  const teams: Record<string, SeededTeam & { news: string }> = {};
  const prisma = () => app.database.prisma;

  const post = (teamId: string, channel: string, user: string, text: string) => {
    const ts = `${Math.floor(Date.now() / 1000)}.${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
    return sendToApp(events, SIGNING_SECRET, 'event', eventCallback(teams[teamId]!.fake.workspace.appIdentity(), messageEvent({ channel, user, text, ts }), { nowMs: Date.now() }));
  };

  /** A member writes in the workspace's #support and it is scored: what was sent there before has been handled. */
  async function scoredAfter(teamId: string, member: string): Promise<void> {
    const before = await prisma().scoredMessage.count({ where: { userId: member } });
    expect((await post(teamId, teams[teamId]!.people.support, member, 'How do I change my avatar?')).status).toBe(200);
    await waitFor(`${teamId} sentinel scored`, async () => (await prisma().scoredMessage.count({ where: { userId: member } })) > before);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  beforeAll(async () => {
    world = await startTwoTeamsWorld({ provider, signingSecret: SIGNING_SECRET, clientId: '3333.4444', playbooks: {} });
    for (const teamId of [A, B]) {
      const seeded = seedTeam(world.slack.team(teamId), SIGNING_SECRET);
      const { workspace } = seeded.fake;
      const news = workspace.addChannel({ name: 'news', members: [...seeded.people.members, seeded.people.nina, workspace.bot.user_id] }).id;
      // Both brands have a @social-team; A's playbook makes A's its staff.
      workspace.addUserGroup({ handle: 'social-team', name: 'Social team', users: [seeded.people.nina] });
      teams[teamId] = { ...seeded, news };
    }
    writeFileSync(join(world.playbooksDir, 'brand-a.yaml'), playbook({ id: 'brand-a', head: `workspaces: [${A}]`, channels: ['support', 'news'], priority: 50, extraRoles: ['extra:', '  social: ["@social-team"]'] }));
    writeFileSync(join(world.playbooksDir, 'shared.yaml'), playbook({ id: 'shared', head: 'default: true', channels: ['support'], priority: 10 }));
    app = await startFirebreakIn(world, { DETECTION_INTERVAL_SECONDS: '3600' });
    events = `${app.url}/slack/events`;
    for (const teamId of [A, B]) {
      const { people, staff } = teams[teamId]!;
      expect((await installAsAPerson(app.url, world.slack, teamId, people.ann)).status).toBe(200);
      expect((await staff.command(events, people.ann, `alerts <#${people.alerts}|alerts>`)).body).toContain(`now go to <#${people.alerts}>`);
    }
  }, 120_000);

  afterAll(async () => {
    await world?.close(app);
  });

  it('watches #news only in the workspace its playbook serves', async () => {
    for (const teamId of [A, B]) expect((await post(teamId, teams[teamId]!.news, teams[teamId]!.people.members[0]!, 'Hello, any news today?')).status).toBe(200);
    const watchedIn = async (teamId: string) =>
      prisma().watchedChannel.findFirst({ where: { workspace: { teamId }, channelId: teams[teamId]!.news } });
    expect(await waitFor('A watches #news', () => watchedIn(A))).toMatchObject({ active: true, watchedBy: 'playbook' });
    // B's #support is watched (the shared playbook): once a later message there is scored, B's #news has had its turn.
    await scoredAfter(B, teams[B]!.people.members[1]!);
    expect(await watchedIn(B)).toBeNull();
  });

  it('declares under brand A’s playbook in A and under the shared one in B, offering only their own templates', async () => {
    for (const [teamId, expected, foreign] of [[A, 'brand-a', 'shared'], [B, 'shared', 'brand-a']] as const) {
      const { people, staff } = teams[teamId]!;
      expect((await staff.command(events, people.ann, `declare <#${people.support}|support> sev2 Login failing for many members`)).status).toBe(200);
      const incident = await waitFor(`${teamId} incident`, () => prisma().incident.findFirst({ where: { workspace: { teamId }, rootTs: { not: null } } }));
      expect(incident.playbookId).toBe(expected);
      const root = await waitFor(`${teamId} root`, () => staff.rootMessage());
      await staff.click(events, people.sam, people.alerts, root.ts, actionIds.draftReply);
      const modal = JSON.stringify(await waitFor(`${teamId} draft modal`, () => staff.openModal(people.sam)));
      expect(modal).toContain(`Reply of ${expected}.`);
      expect(modal).not.toContain(`${foreign}-holding`);
      expect(modal).not.toContain(`Reply of ${foreign}.`);
    }
  }, 60_000);

  it('the people brand A’s playbook names are staff in A only', async () => {
    const scoredFrom = (teamId: string) => prisma().scoredMessage.count({ where: { userId: teams[teamId]!.people.nina } });
    for (const teamId of [A, B]) expect((await post(teamId, teams[teamId]!.people.support, teams[teamId]!.people.nina, 'This update is terrible and broken')).status).toBe(200);
    // In B, @social-team's Nina is a member of the community: her message is scored like anyone's.
    await waitFor('B’s Nina scored', async () => (await scoredFrom(B)) === 1);
    // In A she is staff: her message is an answer, not community sentiment.
    await scoredAfter(A, teams[A]!.people.members[2]!);
    expect(await scoredFrom(A)).toBe(0);
  });

  it('a channel only brand A’s playbook watches may be B’s alerts channel, never A’s', async () => {
    const a = teams[A]!;
    const b = teams[B]!;
    expect((await a.staff.command(events, a.people.ann, `alerts <#${a.news}|news>`)).body).not.toContain(`now go to <#${a.news}>`);
    expect((await prisma().workspace.findUniqueOrThrow({ where: { teamId: A } })).alertsChannel).toBe(a.people.alerts);
    expect((await b.staff.command(events, b.people.ann, `alerts <#${b.news}|news>`)).body).toContain(`now go to <#${b.news}>`);
    expect((await prisma().workspace.findUniqueOrThrow({ where: { teamId: B } })).alertsChannel).toBe(b.news);
    expect(world.slack.refused()).toEqual([]);
  });

  it('a broken edit of brand A’s playbook is told in A’s alerts channel only; of the shared one, in both', async () => {
    const alertsOf = async (teamId: string) => (await prisma().workspace.findUniqueOrThrow({ where: { teamId } })).alertsChannel!;
    const told = async (teamId: string, file: string) =>
      teams[teamId]!.fake.workspace.messagesIn(await alertsOf(teamId)).filter((message) => message.text?.includes('A playbook edit has errors') && message.text.includes(file));
    const brandA = join(world.playbooksDir, 'brand-a.yaml');
    const shared = join(world.playbooksDir, 'shared.yaml');
    const good = { brandA: readFileSync(brandA, 'utf8'), shared: readFileSync(shared, 'utf8') };
    try {
      writeFileSync(brandA, good.brandA.replace('priority: 50', 'priority: [fifty'));
      await waitFor('A told of brand-a.yaml', async () => (await told(A, 'brand-a.yaml')).length > 0);
      // Then the shared playbook breaks: B is told of that, and by then would have been told of brand A's too.
      writeFileSync(shared, good.shared.replace('priority: 10', 'priority: [ten'));
      await waitFor('B told of shared.yaml', async () => (await told(B, 'shared.yaml')).length > 0);
      await waitFor('A told of shared.yaml', async () => (await told(A, 'shared.yaml')).length > 0);
      expect(await told(B, 'brand-a.yaml')).toEqual([]);
    } finally {
      writeFileSync(brandA, good.brandA);
      writeFileSync(shared, good.shared);
    }
  });

  it('limited to A, a playbook stops watching the channel it put under watch in B; A’s stays watched', async () => {
    const town: Record<string, string> = {};
    for (const teamId of [A, B]) {
      const { workspace } = teams[teamId]!.fake;
      town[teamId] = workspace.addChannel({ name: 'town', members: [...teams[teamId]!.people.members, workspace.bot.user_id] }).id;
    }
    const file = join(world.playbooksDir, 'town.yaml');
    const row = async (teamId: string) => (await prisma().watchedChannel.findFirst({ where: { workspace: { teamId }, channelId: town[teamId]! } })) ?? undefined;
    const scoredIn = (teamId: string) => prisma().scoredMessage.count({ where: { channel: { workspace: { teamId }, channelId: town[teamId]! } } });
    writeFileSync(file, playbook({ id: 'town', head: '', channels: ['town'], priority: 30 }));
    await waitFor('town playbook loaded', () => app.runtime?.playbooks.get('town'));
    for (const teamId of [A, B]) {
      expect((await post(teamId, town[teamId]!, teams[teamId]!.people.members[3]!, 'Hello town')).status).toBe(200);
      expect(await waitFor(`${teamId} watches #town`, () => row(teamId))).toMatchObject({ active: true, watchedBy: 'playbook' });
    }
    writeFileSync(file, playbook({ id: 'town', head: `workspaces: [${A}]`, channels: ['town'], priority: 30 }));
    await waitFor('B no longer watches #town', async () => (await row(B))?.active === false);
    expect(await row(A)).toMatchObject({ active: true, watchedBy: 'playbook' });
    // A later message in B's #town is not scored; in A's it is.
    for (const teamId of [A, B]) expect((await post(teamId, town[teamId]!, teams[teamId]!.people.members[4]!, 'This is terrible and broken')).status).toBe(200);
    await waitFor('A’s #town scored again', async () => (await scoredIn(A)) === 2);
    await scoredAfter(B, teams[B]!.people.members[5]!);
    expect(await scoredIn(B)).toBe(1);
  });
});

describe('playbooks limited to some workspaces, with one bot token', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('uses a playbook limited to the token’s workspace, never one limited to another', async () => {
    const team = h.fake.workspace.team.id;
    writeFileSync(join(h.playbooksDir, 'elsewhere.yaml'), playbook({ id: 'elsewhere', head: 'workspaces: [T0ELSEWHERE]', channels: ['support'], priority: 90 }));
    writeFileSync(join(h.playbooksDir, 'ours.yaml'), playbook({ id: 'ours', head: `workspaces: [${team}]`, channels: ['support'], priority: 50 }));
    await h.waitFor('both playbooks loaded', () => h.app.runtime?.playbooks.get('elsewhere') && h.app.runtime.playbooks.get('ours'));
    expect((await h.command(h.people.ann, `declare <#${h.support}|support> sev2 Login failing for many members`)).status).toBe(200);
    const incident = await h.waitFor('incident declared', async () => (await h.app.database.prisma.incident.findFirst()) ?? undefined);
    expect(incident.playbookId).toBe('ours');
  });
});
