// app_uninstalled and tokens_revoked can reach Firebreak late: Slack retries a delivery that failed,
// and the event inbox replays one left by a crash. An admin who reinstalled meanwhile must keep the
// new install: an uninstall that happened before it changes nothing; one after it erases the token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningFirebreak } from '../../src/main.js';
import { sendToApp } from '../../src/sandbox/signing.js';
import { eventCallback } from '../../src/sandbox/slack-payloads.js';
import { availableProviders } from '../support/databases.js';
import { installAsAPerson, seedTeam, startFirebreakIn, startTwoTeamsWorld, TEAM_A as A, type SeededTeam, type TwoTeamsWorld } from '../support/two-teams.js';
import { TWO_APPROVER_PLAYBOOK } from './harness.js';

const SIGNING_SECRET = 'uninstall-order-secret-0123456789abc';

describe.each(availableProviders)('an uninstall that arrives after a reinstall (%s)', (provider) => {
  let world: TwoTeamsWorld;
  let app: RunningFirebreak;
  let events: string;
  const teams: Record<string, SeededTeam> = {};
  const row = () => app.database.prisma.workspace.findUniqueOrThrow({ where: { teamId: A } });

  beforeAll(async () => {
    world = await startTwoTeamsWorld({ provider, signingSecret: SIGNING_SECRET, clientId: '1111.1212', playbooks: { 'e2e-support.yaml': TWO_APPROVER_PLAYBOOK } });
    teams[A] = seedTeam(world.slack.team(A), SIGNING_SECRET);
    app = await startFirebreakIn(world);
    events = `${app.url}/slack/events`;
  }, 120_000);
  afterAll(async () => {
    await world?.close(app);
  });

  const deliver = (event: { type: string } & Record<string, unknown>, happenedAt: number, eventId: string, retryNum?: number) =>
    sendToApp(events, SIGNING_SECRET, 'event', eventCallback(teams[A]!.fake.workspace.appIdentity(), event, { nowMs: happenedAt, eventId }), retryNum ? { retryNum, retryReason: 'http_timeout' } : {});

  it('a retried app_uninstalled or tokens_revoked from before the reinstall keeps the new token; a later one erases it', async () => {
    const { people, staff } = teams[A]!;
    // The admin uninstalled a minute ago (that delivery did not get through), then installed again.
    const uninstalledAt = Date.now() - 60_000;
    expect((await installAsAPerson(app.url, world.slack, A, people.ann)).status).toBe(200);
    const installed = await row();
    expect((await deliver({ type: 'app_uninstalled' }, uninstalledAt, 'Ev0LATEUNINST', 1)).status).toBe(200);
    expect((await deliver({ type: 'tokens_revoked', tokens: { oauth: [], bot: [teams[A]!.fake.workspace.bot.user_id] } }, uninstalledAt, 'Ev0LATEREVOKE', 1)).status).toBe(200);
    await expect.poll(() => app.database.prisma.auditLog.count({ where: { action: { in: ['workspace.app_uninstalled', 'workspace.tokens_revoked'] } } }), { timeout: 10_000 }).toBe(2);
    expect(await row()).toMatchObject({ botTokenSealed: installed.botTokenSealed, uninstalledAt: null });
    expect((await staff.command(events, people.ann, 'help')).body).toContain('Firebreak commands');

    // Uninstalled now: that one erases the token.
    teams[A]!.fake.workspace.revokeBotTokens();
    expect((await deliver({ type: 'app_uninstalled' }, Date.now(), 'Ev0NOWUNINST')).status).toBe(200);
    await expect.poll(async () => (await row()).botTokenSealed, { timeout: 10_000 }).toBeNull();
    expect((await row()).uninstallReason).toBe('app_uninstalled');
  }, 60_000);
});
