// The token key as operators get it wrong: Firebreak restarted without the key a workspace's token was
// sealed with. What that workspace sends meanwhile is acknowledged, so it must not be used up by
// failed attempts: once the key is back, its events are processed. Meanwhile /healthz names it and
// a slash command is told Firebreak cannot act there.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../src/i18n/index.js';
import type { RunningFirebreak } from '../../src/main.js';
import { sendToApp } from '../../src/sandbox/signing.js';
import { eventCallback, messageEvent } from '../../src/sandbox/slack-payloads.js';
import { availableProviders } from '../support/databases.js';
import { installAsAPerson, seedTeam, startFirebreakIn, startTwoTeamsWorld, TEAM_A as A, type SeededTeam, type TwoTeamsWorld } from '../support/two-teams.js';
import { TWO_APPROVER_PLAYBOOK } from './harness.js';

const SIGNING_SECRET = 'token-key-signing-secret-0123456789ab';

describe.each(availableProviders)('a workspace whose stored token the key list cannot open (%s)', (provider) => {
  let world: TwoTeamsWorld;
  let app: RunningFirebreak | undefined;
  const teams: Record<string, SeededTeam> = {};
  const start = async (keys: string) => {
    app = await startFirebreakIn(world, { TOKEN_ENCRYPTION_KEYS: keys });
    return app;
  };
  const stop = async () => {
    await app?.close();
    app = undefined;
  };

  beforeAll(async () => {
    world = await startTwoTeamsWorld({ provider, signingSecret: SIGNING_SECRET, clientId: '1111.4444', playbooks: { 'e2e-support.yaml': TWO_APPROVER_PLAYBOOK } });
    for (const teamId of [A]) teams[teamId] = seedTeam(world.slack.team(teamId), SIGNING_SECRET);
  }, 120_000);
  afterAll(async () => {
    await world?.close(app);
  });

  it('its acknowledged events wait in the inbox, however many sweeps fail, and are processed once the key is back', async () => {
    const rightKey = world.oauthEnv['TOKEN_ENCRYPTION_KEYS']!;
    const running = await start(rightKey);
    expect((await installAsAPerson(running.url, world.slack, A, teams[A]!.people.ann)).status).toBe(200);
    await stop();

    // Restarted with a new key only: the old one was dropped before `firebreak tokens rekey`.
    const wrongKey = randomBytes(32).toString('base64');
    const misconfigured = await start(wrongKey);
    const people = teams[A]!.people;
    const message = messageEvent({ channel: people.support, user: people.members[0]!, text: 'Is the login down for everyone?', ts: `${Math.floor(Date.now() / 1000)}.000200` });
    const delivery = await sendToApp(`${misconfigured.url}/slack/events`, SIGNING_SECRET, 'event', eventCallback(teams[A]!.fake.workspace.appIdentity(), message, { nowMs: Date.now(), eventId: 'Ev0KEYLOST1' }));
    expect(delivery.status).toBe(200);
    await expect.poll(async () => (await misconfigured.database.prisma.inboundEvent.findFirst())?.lastError ?? '', { timeout: 10_000 }).toMatch(/not in TOKEN_ENCRYPTION_KEYS/);
    // /healthz says which workspace cannot be served and why (the key id to add back), not "ok".
    const health = async (url: string) => (await (await fetch(`${url}/healthz`)).json()) as { status: string; workspaces?: { ok: boolean; installed: number; unreadable: { teamId: string; error: string }[] } };
    const degraded = await health(misconfigured.url);
    expect(degraded.status).toBe('degraded');
    expect(degraded.workspaces).toMatchObject({ ok: false, installed: 1, unreadable: [{ teamId: A }] });
    expect(degraded.workspaces?.unreadable[0]?.error).toMatch(/sealed with key [0-9a-f]{8}, which is not in TOKEN_ENCRYPTION_KEYS/);
    // A member's slash command is answered, not met with silence: Firebreak cannot act here right now.
    expect((await teams[A]!.staff.command(`${misconfigured.url}/slack/events`, people.ann, 'status')).status).toBe(200);
    await expect.poll(() => teams[A]!.fake.workspace.ephemeralFor(people.ann).map((message) => message.text ?? '').join('\n'), { timeout: 5_000 }).toContain('Firebreak cannot act for this workspace right now');
    // A workspace that chose Spanish in App Home is told in Spanish (not in LOCALE), though Slack cannot be asked.
    await misconfigured.database.prisma.workspace.update({ where: { teamId: A }, data: { locale: 'es' } });
    expect((await teams[A]!.staff.command(`${misconfigured.url}/slack/events`, people.ann, 'status')).status).toBe(200);
    await expect.poll(() => teams[A]!.fake.workspace.ephemeralFor(people.ann).map((message) => message.text ?? '').join('\n'), { timeout: 5_000 }).toContain(t('es', 'ui.workspace_unavailable', {}));
    let claimedBy = (await misconfigured.database.prisma.inboundEvent.findFirstOrThrow()).claimedBy;
    await stop();
    // Every start sweeps the inbox once: more sweeps than the attempts an event is given, each one
    // seen through (the event taken over by the new instance and given up again, or gone).
    for (let sweep = 0; sweep < 6; sweep += 1) {
      const again = await start(wrongKey);
      await expect
        .poll(async () => {
          const row = await again.database.prisma.inboundEvent.findFirst();
          return !row || (row.claimedBy !== claimedBy && row.claimedUntil.getTime() === 0);
        }, { timeout: 10_000 })
        .toBe(true);
      claimedBy = (await again.database.prisma.inboundEvent.findFirst())?.claimedBy ?? claimedBy;
      await stop();
    }
    // The key is back: the event is processed, not lost in the quarantine.
    const fixed = await start(`${wrongKey},${rightKey}`);
    await expect.poll(() => fixed.database.prisma.scoredMessage.count({ where: { text: 'Is the login down for everyone?' } }), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => fixed.database.prisma.inboundEvent.count(), { timeout: 10_000 }).toBe(0);
    expect(await fixed.database.prisma.quarantinedMessage.count()).toBe(0);
    expect((await health(fixed.url)).workspaces).toEqual({ ok: true, installed: 1, unreadable: [] });
  }, 120_000);
});
