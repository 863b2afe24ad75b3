// The alerts-channel trust rule on a Slack Connect channel: one channel id in both organisations, each
// workspace with its own watched row. A write outside any incident (an unanswered-message notice) is
// checked against its own workspace's row, as incident threads are: another workspace's row (here B's,
// unwatched) never lets A's internal notice into a channel A itself watches as a community channel.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningFirebreak } from '../../src/main.js';
import { sendToApp } from '../../src/sandbox/signing.js';
import { eventCallback, messageEvent } from '../../src/sandbox/slack-payloads.js';
import { availableProviders } from '../support/databases.js';
import { seedTeam, startInstalledInBoth, startTwoTeamsWorld, TEAM_A as A, TEAM_B as B, type SeededTeam, type TwoTeamsWorld } from '../support/two-teams.js';
import { waitFor } from '../support/wait-for.js';
import { TWO_APPROVER_PLAYBOOK } from './harness.js';

const SIGNING_SECRET = 'alerts-shared-signing-secret-0123456789';
/** The Slack Connect channel: one id, in both organisations. */
const SHARED = 'C0SHAREDST1';

describe.each(availableProviders)('an unanswered-message notice into a Slack Connect channel (%s)', (provider) => {
  let world: TwoTeamsWorld;
  let app: RunningFirebreak;
  let events: string;
  const teams: Record<string, SeededTeam> = {};

  beforeAll(async () => {
    world = await startTwoTeamsWorld({ provider, signingSecret: SIGNING_SECRET, clientId: '1111.5252', playbooks: { 'e2e-support.yaml': TWO_APPROVER_PLAYBOOK } });
    for (const teamId of [A, B]) {
      const team = seedTeam(world.slack.team(teamId), SIGNING_SECRET);
      team.fake.workspace.addChannel({ id: SHARED, name: 'partners', members: [...team.people.members, team.people.ann, team.people.ben, team.fake.workspace.bot.user_id] });
      teams[teamId] = team;
    }
    app = await startInstalledInBoth(world, teams, { DETECTION_INTERVAL_SECONDS: '3600', LOCALE: 'en' });
    events = `${app.url}/slack/events`;
  }, 120_000);
  afterAll(async () => {
    await world?.close(app);
  });

  it('is held when its own workspace watches the channel, whatever the other workspace’s row says', async () => {
    const a = teams[A]!;
    const b = teams[B]!;
    // B watched the shared channel once, then stopped: B's row is the older one, and unwatched.
    expect((await b.staff.command(events, b.people.ann, `watch <#${SHARED}|partners>`)).body).toContain('Watching');
    expect((await b.staff.command(events, b.people.ann, `unwatch <#${SHARED}|partners>`)).body).toContain(`<#${SHARED}>`);
    // A makes it its alerts channel, then watches it as a community channel: nothing internal may go there now.
    expect((await a.staff.command(events, a.people.ann, `alerts <#${SHARED}|partners>`)).body).toContain(`Incidents of this workspace now go to <#${SHARED}>.`);
    expect((await a.staff.command(events, a.people.ann, `watch <#${SHARED}|partners>`)).body).toContain('Watching');
    const rows = await app.database.prisma.watchedChannel.findMany({ where: { channelId: SHARED }, select: { active: true } });
    expect(rows.map((row) => row.active).sort()).toEqual([false, true]);

    // A member of A complains in A's #support, 40 minutes ago (the playbook's window is 30): A has no incident.
    const ts = `${Math.floor((Date.now() - 40 * 60_000) / 1000)}.000100`;
    const complaint = eventCallback(a.fake.workspace.appIdentity(), messageEvent({ channel: a.people.support, user: a.people.members[0]!, text: 'My order never arrived and nobody answers, terrible', ts }), { nowMs: Date.now() });
    expect((await sendToApp(events, SIGNING_SECRET, 'event', complaint)).status).toBe(200);
    await waitFor('the complaint scored', async () => ((await app.database.prisma.scoredMessage.count()) === 1 ? true : undefined));
    await app.runtime!.tick();

    const notice = await waitFor('A’s notice settled', async () => {
      const item = await app.database.prisma.outboxItem.findFirst({ where: { key: { startsWith: 'unanswered:' }, teamId: A } });
      return item && item.status !== 'pending' && item.status !== 'sending' ? item : undefined;
    });
    expect(notice.lastError ?? '').toContain('alerts_channel_watched');
    expect(a.fake.workspace.messagesIn(SHARED).filter((message) => message.text.includes(':speech_balloon:'))).toEqual([]);
  }, 60_000);
});
