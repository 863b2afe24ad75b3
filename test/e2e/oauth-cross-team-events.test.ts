// Two workspaces installed through OAuth: an event from workspace B that names workspace A's channel and
// thread (a channel shared between them, or a forged id) must act on nothing of A's: a "note:" in A's
// incident thread is not written on A's timeline under B's person.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningFirebreak } from '../../src/main.js';
import { sendToApp } from '../../src/sandbox/signing.js';
import { eventCallback, messageEvent } from '../../src/sandbox/slack-payloads.js';
import { availableProviders } from '../support/databases.js';
import { seedTeam, startInstalledInBoth, startTwoTeamsWorld, TEAM_A as A, TEAM_B as B, type SeededTeam, type TwoTeamsWorld } from '../support/two-teams.js';
import { waitFor } from '../support/wait-for.js';
import { TWO_APPROVER_PLAYBOOK } from './harness.js';

const SIGNING_SECRET = 'cross-team-events-secret-0123456789ab';

describe.each(availableProviders)('events from another workspace naming this one’s channels (%s)', (provider) => {
  let world: TwoTeamsWorld;
  let app: RunningFirebreak;
  let events: string;
  const teams: Record<string, SeededTeam> = {};
  const prisma = () => app.database.prisma;

  beforeAll(async () => {
    world = await startTwoTeamsWorld({ provider, signingSecret: SIGNING_SECRET, clientId: '1111.7777', playbooks: { 'e2e-support.yaml': TWO_APPROVER_PLAYBOOK } });
    for (const teamId of [A, B]) teams[teamId] = seedTeam(world.slack.team(teamId), SIGNING_SECRET);
    app = await startInstalledInBoth(world, teams);
    events = `${app.url}/slack/events`;
  }, 120_000);
  afterAll(async () => {
    await world?.close(app);
  });

  it('a “note:” sent by workspace B in workspace A’s incident thread adds nothing to A’s timeline; A’s own note still does', async () => {
    const a = teams[A]!;
    const b = teams[B]!;
    expect((await a.staff.command(events, a.people.ann, `alerts <#${a.people.alerts}|alerts>`)).body).toContain('now go to');
    await a.staff.command(events, a.people.ann, `declare <#${a.people.support}|support> sev2 Login failing`);
    const root = await waitFor('A’s alert', () => a.staff.rootMessage());
    const incident = await waitFor('A’s incident thread stored', () => prisma().incident.findFirst({ where: { rootTs: root.ts } }));
    const notes = () => prisma().timelineEvent.count({ where: { incidentId: incident.id, kind: 'note_added' } });

    const note = (team: SeededTeam, user: string, text: string, ts: string) =>
      sendToApp(events, SIGNING_SECRET, 'event', eventCallback(team.fake.workspace.appIdentity(), messageEvent({ channel: a.people.alerts, user, text, ts, thread_ts: root.ts }), { nowMs: Date.now() }));
    const seconds = Math.floor(Date.now() / 1000);
    expect((await note(b, b.people.ann, 'note: written from another workspace', `${seconds}.000501`)).status).toBe(200);
    // A's own note, sent after B's, is written: once it is there, B's had its chance to be written too.
    expect((await note(a, a.people.ann, 'note: payments team paged', `${seconds}.000502`)).status).toBe(200);
    await waitFor('A’s note on the timeline', async () => ((await notes()) > 0 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const written = await prisma().timelineEvent.findMany({ where: { incidentId: incident.id, kind: 'note_added' } });
    expect(written.map((event) => event.actorUserId)).toEqual([a.people.ann]);
    expect(JSON.stringify(written)).not.toContain('another workspace');
  }, 60_000);
});
