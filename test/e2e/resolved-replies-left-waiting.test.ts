// Incidents an older version resolved before resolve closed the replies still waiting for approval:
// those replies stayed `pending`, their cards kept Approve buttons that only refused. At start-up they are
// closed as resolve closes them (timeline, card redrawn without the buttons), once, and nothing is posted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startFirebreak, type RunningFirebreak } from '../../src/main.js';
import { actionIds } from '../../src/slack/blocks/ids.js';
import { availableProviders } from '../support/databases.js';
import { installAsAPerson, seedTeam, startTwoTeamsWorld, TEAM_A as A, type SeededTeam, type TwoTeamsWorld } from '../support/two-teams.js';
import { draftValues, findButtons, TWO_APPROVER_PLAYBOOK } from './harness.js';

const SIGNING_SECRET = 'left-waiting-secret-0123456789abcdef';

describe.each(availableProviders)('replies left waiting in an incident resolved by an older version (%s)', (provider) => {
  let world: TwoTeamsWorld;
  let config: Config;
  let app: RunningFirebreak;
  let team: SeededTeam;
  const events = () => `${app.url}/slack/events`;
  const start = async () => {
    app = await startFirebreak(config, createLogger(config.logLevel, { pretty: false }));
  };
  beforeAll(async () => {
    world = await startTwoTeamsWorld({ provider, signingSecret: SIGNING_SECRET, clientId: '1111.2424', playbooks: { 'e2e-support.yaml': TWO_APPROVER_PLAYBOOK } });
    team = seedTeam(world.slack.team(A), SIGNING_SECRET);
    config = loadConfig({ ...world.oauthEnv, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
    await start();
  }, 120_000);
  afterAll(async () => {
    await world?.close(app);
  });

  it('at start-up the reply is closed unsent, its card redrawn without Approve, once, and nothing is posted', async () => {
    const { people, staff, fake } = team;
    const prisma = () => app.database.prisma;
    expect((await installAsAPerson(app.url, world.slack, A, people.ann)).status).toBe(200);
    expect((await staff.command(events(), people.ann, `alerts <#${people.alerts}|alerts>`)).body).toContain('now go to');
    await staff.command(events(), people.ann, `declare <#${people.support}|support> sev2 Login failing`);
    await expect.poll(() => staff.rootMessage(), { timeout: 15_000 }).toBeDefined();
    const root = staff.rootMessage()!;
    await staff.click(events(), people.cleo, people.alerts, root.ts, actionIds.draftReply);
    await expect.poll(() => staff.openModal(people.cleo), { timeout: 10_000 }).toBeDefined();
    await staff.submit(events(), people.cleo, draftValues('Left waiting: we are on it, more soon.'));
    const isCard = (message: { text: string; blocks?: unknown }) => (message.text + JSON.stringify(message.blocks ?? [])).includes('Left waiting: we are on it');
    await expect.poll(() => staff.thread().find(isCard), { timeout: 10_000 }).toBeDefined();
    const cardTs = staff.thread().find(isCard)!.ts;
    const approveOnCard = () => findButtons((fake.workspace.findMessage(people.alerts, cardTs)?.blocks ?? []) as never).some((button) => button.action_id === actionIds.approveDraft);
    expect(approveOnCard()).toBe(true);
    await expect.poll(async () => (await prisma().outboxItem.count({ where: { status: { not: 'sent' } } })), { timeout: 15_000 }).toBe(0);

    // Resolved as an older version left it: the incident resolved, its reply still pending.
    await app.close();
    const incident = await prisma().incident.findFirstOrThrow({ where: { number: 1 } });
    await prisma().incident.update({ where: { id: incident.id }, data: { status: 'resolved', resolvedAt: new Date(), resolutionSummary: 'Fixed.', version: { increment: 1 } } });
    expect(await prisma().replyDraft.findFirstOrThrow({ where: { incidentId: incident.id } })).toMatchObject({ status: 'pending' });
    const posts = () => fake.api.calls('chat.postMessage').length;
    const postsBefore = posts();
    const cardUpdates = () => fake.api.calls('chat.update').filter((call) => call.args['ts'] === cardTs && call.status === 200).length;
    const cardUpdatesBefore = cardUpdates();

    await start();
    await expect.poll(() => cardUpdates(), { timeout: 15_000 }).toBeGreaterThan(cardUpdatesBefore);
    await expect.poll(() => approveOnCard(), { timeout: 10_000 }).toBe(false);
    expect(await prisma().replyDraft.findFirstOrThrow({ where: { incidentId: incident.id } })).toMatchObject({ status: 'closed_unsent' });
    const closed = await prisma().timelineEvent.findMany({ where: { incidentId: incident.id, kind: 'draft_closed_unsent' } });
    expect(closed).toHaveLength(1);
    expect(closed[0]!.data).toMatchObject({ draftNumber: 1, reason: 'incident_resolved' });
    // Nothing posted: no thread line, no reply to the community.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(posts()).toBe(postsBefore);
    expect(fake.workspace.messagesIn(people.support).filter((message) => message.user === fake.workspace.bot.user_id)).toEqual([]);

    // Once: another start changes nothing.
    const updates = fake.api.calls('chat.update').length;
    await app.close();
    await start();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(fake.api.calls('chat.update').length).toBe(updates);
    expect(await prisma().timelineEvent.count({ where: { incidentId: incident.id, kind: 'draft_closed_unsent' } })).toBe(1);
    expect(posts()).toBe(postsBefore);
  }, 120_000);
});
