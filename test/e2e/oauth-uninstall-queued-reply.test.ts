// An approved public reply still queued (Slack rate-limiting it) when the workspace uninstalls Firebreak:
// the uninstall stops it, and the reinstall must tell staff it never went out instead of "posting" forever.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningFirebreak } from '../../src/main.js';
import { sendToApp } from '../../src/sandbox/signing.js';
import { eventCallback } from '../../src/sandbox/slack-payloads.js';
import { actionIds } from '../../src/slack/blocks/ids.js';
import { t } from '../../src/i18n/index.js';
import { availableProviders } from '../support/databases.js';
import { installAsAPerson, seedTeam, startFirebreakIn, startTwoTeamsWorld, TEAM_A as A, type SeededTeam, type TwoTeamsWorld } from '../support/two-teams.js';
import { draftValues, TWO_APPROVER_PLAYBOOK } from './harness.js';

const SIGNING_SECRET = 'uninstall-queued-secret-0123456789ab';

describe.each(availableProviders)('a reply queued when the app is uninstalled (%s)', (provider) => {
  let world: TwoTeamsWorld;
  let app: RunningFirebreak;
  let events: string;
  let team: SeededTeam;
  beforeAll(async () => {
    world = await startTwoTeamsWorld({ provider, signingSecret: SIGNING_SECRET, clientId: '1111.1212', playbooks: { 'e2e-support.yaml': TWO_APPROVER_PLAYBOOK } });
    team = seedTeam(world.slack.team(A), SIGNING_SECRET);
    app = await startFirebreakIn(world);
    events = `${app.url}/slack/events`;
  }, 120_000);
  afterAll(async () => {
    await world?.close(app);
  });

  it('an approved reply queued at the uninstall is never posted; after the reinstall its card and thread say so plainly, and the incident goes on', async () => {
    const { people, staff, fake } = team;
    const prisma = app.database.prisma;
    const publicPosts = (text: string) => fake.workspace.messagesIn(people.support).filter((message) => message.text.includes(text));
    expect((await installAsAPerson(app.url, world.slack, A, people.ann)).status).toBe(200);
    expect((await staff.command(events, people.ann, `alerts <#${people.alerts}|alerts>`)).body).toContain('now go to');
    await staff.command(events, people.ann, `declare <#${people.support}|support> sev2 Login failing`);
    await expect.poll(() => staff.rootMessage(), { timeout: 15_000 }).toBeDefined();
    const root = staff.rootMessage()!;
    await staff.click(events, people.cleo, people.alerts, root.ts, actionIds.draftReply);
    await expect.poll(() => staff.openModal(people.cleo), { timeout: 10_000 }).toBeDefined();
    await staff.submit(events, people.cleo, draftValues('Queued: we are on it, more soon.'));
    const isCard = (message: { text: string; blocks?: unknown }) => (message.text + JSON.stringify(message.blocks ?? [])).includes('Queued: we are on it');
    await expect.poll(() => staff.thread().find(isCard), { timeout: 10_000 }).toBeDefined();
    const cardTs = staff.thread().find(isCard)!.ts;

    // Slack holds the public reply back (429) when the quorum is met; then the workspace uninstalls Firebreak.
    fake.api.faults.rateLimit('chat.postMessage', 120, { forMs: 120_000, channel: people.support });
    await staff.click(events, people.ann, people.alerts, cardTs, actionIds.approveDraft);
    await staff.click(events, people.ben, people.alerts, cardTs, actionIds.approveDraft);
    await expect.poll(async () => (await prisma.outboxItem.findFirst({ where: { key: { startsWith: 'reply:' }, lastError: 'ratelimited' } }))?.status, { timeout: 15_000 }).toBe('pending');
    fake.workspace.revokeBotTokens();
    await sendToApp(events, SIGNING_SECRET, 'event', eventCallback(fake.workspace.appIdentity(), { type: 'app_uninstalled' }, { nowMs: Date.now(), eventId: 'Ev0UNINSTQ' }));
    await expect.poll(async () => (await prisma.workspace.findUniqueOrThrow({ where: { teamId: A } })).botTokenSealed, { timeout: 10_000 }).toBeNull();
    expect(await prisma.outboxItem.findFirstOrThrow({ where: { key: { startsWith: 'reply:' } } })).toMatchObject({ status: 'failed', lastError: 'workspace_uninstalled:app_uninstalled' });
    fake.api.faults.clear();

    // Reinstalled: the reply is marked not posted (it said "approved, posting" forever before), and the thread says why.
    expect((await installAsAPerson(app.url, world.slack, A, people.ben)).status).toBe(200);
    const notice = t('en', 'outbox.reply_stopped_by_uninstall', { draftNumber: 1, uncertain: false });
    await expect.poll(() => staff.thread().find((message) => message.text === notice), { timeout: 15_000 }).toBeDefined();
    expect(await prisma.replyDraft.findFirstOrThrow()).toMatchObject({ status: 'not_posted' });
    const timeline = await prisma.timelineEvent.findMany({ where: { kind: 'reply_not_posted' } });
    expect(timeline.map((entry) => entry.data)).toEqual([expect.objectContaining({ reason: 'workspace_uninstalled:app_uninstalled', uncertain: false })]);
    await expect.poll(() => fake.workspace.findMessage(people.alerts, cardTs)?.text, { timeout: 10_000 }).toContain('Approved but not posted: nothing reached the community');
    await expect.poll(() => JSON.stringify(staff.rootMessage()!.blocks), { timeout: 10_000 }).toContain('1 approved but not posted');
    // Told once, whatever reinstalls or restarts follow.
    expect((await installAsAPerson(app.url, world.slack, A, people.ann)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(staff.thread().filter((message) => message.text === notice)).toHaveLength(1);

    // The incident goes on: a new draft is approved and posted once; the stopped one never is.
    await staff.click(events, people.cleo, people.alerts, root.ts, actionIds.draftReply);
    await expect.poll(() => staff.openModal(people.cleo), { timeout: 10_000 }).toBeDefined();
    await staff.submit(events, people.cleo, draftValues('Back: we are on it, more soon.'));
    const isSecond = (message: { text: string; blocks?: unknown }) => (message.text + JSON.stringify(message.blocks ?? [])).includes('Back: we are on it');
    await expect.poll(() => staff.thread().find(isSecond), { timeout: 10_000 }).toBeDefined();
    const second = staff.thread().find(isSecond)!.ts;
    await staff.click(events, people.ann, people.alerts, second, actionIds.approveDraft);
    await staff.click(events, people.ben, people.alerts, second, actionIds.approveDraft);
    await expect.poll(() => publicPosts('Back: we are on it').length, { timeout: 15_000 }).toBe(1);
    expect(publicPosts('Queued: we are on it')).toEqual([]);
  }, 90_000);

  it('a reply already on its way to Slack when the uninstall comes is said as maybe posted, never as "nothing reached the community"', async () => {
    const { people, staff, fake } = team;
    const prisma = app.database.prisma;
    const root = staff.rootMessage()!;
    await staff.click(events, people.cleo, people.alerts, root.ts, actionIds.draftReply);
    await expect.poll(() => staff.openModal(people.cleo), { timeout: 10_000 }).toBeDefined();
    await staff.submit(events, people.cleo, draftValues('In flight: we are on it, more soon.'));
    const isCard = (message: { text: string; blocks?: unknown }) => (message.text + JSON.stringify(message.blocks ?? [])).includes('In flight: we are on it');
    await expect.poll(() => staff.thread().find(isCard), { timeout: 10_000 }).toBeDefined();
    const cardTs = staff.thread().find(isCard)!.ts;
    const draft = await prisma.replyDraft.findFirstOrThrow({ where: { text: { contains: 'In flight' } } });

    // Slack is slow to answer the public reply; the uninstall arrives while the call is under way, and the post lands.
    fake.api.faults.delay('chat.postMessage', 4_000, { channel: people.support });
    await staff.click(events, people.ann, people.alerts, cardTs, actionIds.approveDraft);
    await staff.click(events, people.ben, people.alerts, cardTs, actionIds.approveDraft);
    await expect.poll(async () => (await prisma.outboxItem.findFirst({ where: { key: { contains: draft.id } , status: 'sending' } }))?.status, { timeout: 15_000 }).toBe('sending');
    // The post has reached Slack (the outbox's last checks come between 'sending' and the call).
    await expect.poll(() => fake.api.faults.waiting('chat.postMessage'), { timeout: 15_000 }).toBe(0);
    await sendToApp(events, SIGNING_SECRET, 'event', eventCallback(fake.workspace.appIdentity(), { type: 'app_uninstalled' }, { nowMs: Date.now(), eventId: 'Ev0UNINSTF' }));
    await expect.poll(async () => (await prisma.workspace.findUniqueOrThrow({ where: { teamId: A } })).botTokenSealed, { timeout: 10_000 }).toBeNull();
    await expect.poll(() => fake.workspace.messagesIn(people.support).filter((message) => message.text.includes('In flight: we are on it')).length, { timeout: 10_000 }).toBe(1);
    fake.workspace.revokeBotTokens();
    fake.api.faults.clear();

    expect((await installAsAPerson(app.url, world.slack, A, people.ann)).status).toBe(200);
    const number = draft.number;
    const maybe = t('en', 'outbox.reply_stopped_by_uninstall', { draftNumber: number, uncertain: true });
    await expect.poll(() => staff.thread().find((message) => message.text === maybe), { timeout: 15_000 }).toBeDefined();
    expect(staff.thread().find((message) => message.text === t('en', 'outbox.reply_stopped_by_uninstall', { draftNumber: number, uncertain: false }))).toBeUndefined();
    expect(await prisma.replyDraft.findUniqueOrThrow({ where: { id: draft.id } })).toMatchObject({ status: 'unconfirmed' });
  }, 90_000);
});
