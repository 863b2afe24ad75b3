// Edits of the alert, its checklist and a draft card still queued (Slack rate-limiting them) when the
// workspace uninstalls Firebreak: the uninstall stops them, and after the reinstall Slack must show the
// stored state again (acknowledged, the step ticked, the approval counted), not the state before them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startFirebreak, type RunningFirebreak } from '../../src/main.js';
import { REDRAWN_AFTER_REINSTALL } from '../../src/app/ports/outbox.js';
import { sendToApp } from '../../src/sandbox/signing.js';
import { eventCallback } from '../../src/sandbox/slack-payloads.js';
import { actionIds } from '../../src/slack/blocks/ids.js';
import { t } from '../../src/i18n/index.js';
import { availableProviders } from '../support/databases.js';
import { installAsAPerson, seedTeam, startTwoTeamsWorld, TEAM_A as A, type SeededTeam, type TwoTeamsWorld } from '../support/two-teams.js';
import { draftValues, findButtons, TWO_APPROVER_PLAYBOOK } from './harness.js';

const SIGNING_SECRET = 'uninstall-stale-secret-0123456789abcd';

describe.each(availableProviders)('alert and cards whose edits an uninstall stopped (%s)', (provider) => {
  let world: TwoTeamsWorld;
  let config: Config;
  let app: RunningFirebreak;
  let team: SeededTeam;
  const events = () => `${app.url}/slack/events`;
  beforeAll(async () => {
    world = await startTwoTeamsWorld({ provider, signingSecret: SIGNING_SECRET, clientId: '1111.1313', playbooks: { 'e2e-support.yaml': TWO_APPROVER_PLAYBOOK } });
    team = seedTeam(world.slack.team(A), SIGNING_SECRET);
    config = loadConfig({ ...world.oauthEnv, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
    app = await startFirebreak(config, createLogger(config.logLevel, { pretty: false }));
  }, 120_000);
  afterAll(async () => {
    await world?.close(app);
  });

  it('after the reinstall the alert, checklist and card show the stored state, the stopped thread lines are listed once, and no reply is posted', async () => {
    const { people, staff, fake } = team;
    const prisma = () => app.database.prisma;
    expect((await installAsAPerson(app.url, world.slack, A, people.ann)).status).toBe(200);
    expect((await staff.command(events(), people.ann, `alerts <#${people.alerts}|alerts>`)).body).toContain('now go to');
    await staff.command(events(), people.ann, `declare <#${people.support}|support> sev2 Login failing`);
    await expect.poll(() => staff.rootMessage(), { timeout: 15_000 }).toBeDefined();
    const root = staff.rootMessage()!;
    const isChecklist = (message: { blocks?: unknown[] }) => findButtons((message.blocks ?? []) as never).some((button) => button.action_id === actionIds.toggleStep);
    await expect.poll(() => staff.thread().find(isChecklist), { timeout: 10_000 }).toBeDefined();
    const checklistTs = staff.thread().find(isChecklist)!.ts;
    await staff.click(events(), people.cleo, people.alerts, root.ts, actionIds.draftReply);
    await expect.poll(() => staff.openModal(people.cleo), { timeout: 10_000 }).toBeDefined();
    await staff.submit(events(), people.cleo, draftValues('Stale: we are on it, more soon.'));
    const isCard = (message: { text: string; blocks?: unknown }) => (message.text + JSON.stringify(message.blocks ?? [])).includes('Stale: we are on it');
    await expect.poll(() => staff.thread().find(isCard), { timeout: 10_000 }).toBeDefined();
    const cardTs = staff.thread().find(isCard)!.ts;
    const shown = (ts: string) => JSON.stringify(fake.workspace.findMessage(people.alerts, ts) ?? {});
    expect(shown(root.ts)).toContain(t('en', 'ui.status.open', {}));

    // Slack holds every edit in the alerts channel back (429): the lane queues behind the first one.
    fake.api.faults.rateLimit('chat.update', 120, { forMs: 120_000, channel: people.alerts });
    await staff.click(events(), people.ann, people.alerts, root.ts, actionIds.acknowledge);
    await staff.click(events(), people.ann, people.alerts, checklistTs, actionIds.toggleStep, (value) => (JSON.parse(value) as { s?: string }).s === 'acknowledge');
    await staff.click(events(), people.ben, people.alerts, cardTs, actionIds.approveDraft);
    // A second draft's card is posted in the same lane: it waits behind the held edits too.
    await staff.click(events(), people.cleo, people.alerts, root.ts, actionIds.draftReply);
    await expect.poll(() => staff.openModal(people.cleo), { timeout: 10_000 }).toBeDefined();
    await staff.submit(events(), people.cleo, draftValues('Second: a card queued at the uninstall.'));
    const isSecond = (message: { text: string; blocks?: unknown }) => (message.text + JSON.stringify(message.blocks ?? [])).includes('Second: a card queued');
    await expect.poll(async () => (await prisma().replyDraft.count()), { timeout: 10_000 }).toBe(2);
    await expect.poll(async () => (await prisma().approval.count()), { timeout: 10_000 }).toBe(1);
    await expect.poll(async () => (await prisma().checklistItem.findFirstOrThrow({ where: { stepId: 'acknowledge' } })).doneBy, { timeout: 10_000 }).toBe(people.ann);
    await expect.poll(async () => (await prisma().outboxItem.findFirst({ where: { method: 'chat.update', lastError: 'ratelimited' } }))?.status, { timeout: 15_000 }).toBe('pending');
    fake.workspace.revokeBotTokens();
    await sendToApp(events(), SIGNING_SECRET, 'event', eventCallback(fake.workspace.appIdentity(), { type: 'app_uninstalled' }, { nowMs: Date.now(), eventId: 'Ev0UNINSTS' }));
    await expect.poll(async () => (await prisma().workspace.findUniqueOrThrow({ where: { teamId: A } })).botTokenSealed, { timeout: 10_000 }).toBeNull();
    const stopped = await prisma().outboxItem.findMany({ where: { lastError: 'workspace_uninstalled:app_uninstalled' } });
    expect(stopped.filter((item) => item.method === 'chat.update').length).toBeGreaterThanOrEqual(3);
    fake.api.faults.clear();
    // Slack still shows the state before the stopped edits.
    expect(shown(root.ts)).toContain(t('en', 'ui.status.open', {}));
    expect(staff.thread().filter(isSecond)).toEqual([]);

    // Reinstalled: the alert, the checklist and the card are redrawn from the stored state.
    expect((await installAsAPerson(app.url, world.slack, A, people.ben)).status).toBe(200);
    await expect.poll(() => shown(root.ts), { timeout: 15_000 }).toContain(t('en', 'ui.status.acknowledged', {}));
    await expect.poll(() => shown(checklistTs), { timeout: 10_000 }).toContain(`Done by <@${people.ann}>`);
    await expect.poll(() => shown(cardTs), { timeout: 10_000 }).toContain('Approvals: 1 of 2');
    // The card whose post the uninstall stopped is posted after all, once.
    await expect.poll(() => staff.thread().filter(isSecond).length, { timeout: 10_000 }).toBe(1);
    // The thread lines it stopped (the acknowledgement, the approval…) are listed in one note, not re-sent one by one.
    const isNote = (message: { text: string }) => message.text.startsWith(':information_source: While Firebreak was uninstalled');
    await expect.poll(() => staff.thread().find(isNote), { timeout: 10_000 }).toBeDefined();
    const note = staff.thread().find(isNote)!;
    // Which lines the uninstall caught depends on how far the lane had got (the acknowledgement's line may
    // have gone out before the first held edit): each caught one is listed, and none is sent on its own.
    const stoppedLines = stopped.filter((item) => item.method === 'chat.postMessage' && /:event:\d+:/.test(item.key)).map((item) => (item.payload as { args: { text: string } }).args.text);
    expect(stoppedLines.length).toBeGreaterThan(0);
    for (const line of stoppedLines) {
      expect(note.text).toContain(`• ${line}`);
      expect(staff.thread().filter((message) => message.text === line)).toEqual([]);
    }
    // Closed as redrawn (App Home does not list them as delivery problems), none left stopped.
    expect(await prisma().outboxItem.count({ where: { lastError: 'workspace_uninstalled:app_uninstalled' } })).toBe(0);
    expect(await prisma().outboxItem.count({ where: { lastError: REDRAWN_AFTER_REINSTALL } })).toBeGreaterThanOrEqual(3);
    expect(fake.workspace.messagesIn(people.support)).toEqual([]);

    // Once, whatever reinstalls or restarts follow.
    const updates = await prisma().outboxItem.count({ where: { method: 'chat.update' } });
    expect((await installAsAPerson(app.url, world.slack, A, people.ann)).status).toBe(200);
    await app.close();
    app = await startFirebreak(config, createLogger(config.logLevel, { pretty: false }));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(staff.thread().filter(isNote)).toHaveLength(1);
    expect(staff.thread().filter(isSecond)).toHaveLength(1);
    expect(await prisma().outboxItem.count({ where: { method: 'chat.update' } })).toBe(updates);
    expect(await prisma().auditLog.count({ where: { action: 'redraw_after_reinstall' } })).toBe(1);

    // The incident goes on: the second approval posts the reply, once.
    await staff.click(events(), people.ann, people.alerts, cardTs, actionIds.approveDraft);
    await expect.poll(() => fake.workspace.messagesIn(people.support).filter((message) => message.text.includes('Stale: we are on it')).length, { timeout: 15_000 }).toBe(1);
  }, 120_000);
});
