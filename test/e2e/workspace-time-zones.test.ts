// Each workspace's wall clock, end to end: the real Firebreak with its clock injected, two workspaces
// installed through OAuth behind one loopback Slack (Mexico City and Madrid, chosen in App Home), and a
// single-token install. An action item is due and chased at 17:00 on its workspace's wall clock, and
// `firebreak postmortem export` shows the workspace's times; the single-token install keeps TEAM_TIMEZONE.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { ManualClock } from '../../src/domain/clock.js';
import { createLogger } from '../../src/logger.js';
import { startFirebreak, type RunningFirebreak } from '../../src/main.js';
import { sendToApp, type AppResponse } from '../../src/sandbox/signing.js';
import { eventCallback, viewBlockActions, viewSubmission, type ViewPayload } from '../../src/sandbox/slack-payloads.js';
import { actionItemFingerprint } from '../../src/domain/postmortems/index.js';
import { actionIds, postMortemInputIds } from '../../src/slack/blocks/ids.js';
import { runCli, testEnvironment } from '../support/cli.js';
import type { E2eCommunity } from '../support/community.js';
import { availableProviders } from '../support/databases.js';
import { findButtons, type AlertsMessage } from '../support/staff-actions.js';
import { installAsAPerson, seedTeam, startTwoTeamsWorld, TEAM_A as A, TEAM_B as B, type TwoTeamsWorld } from '../support/two-teams.js';
import { waitFor, type Probe } from '../support/wait-for.js';
import { startHarness, TWO_APPROVER_PLAYBOOK, type Harness } from './harness.js';

const SIGNING_SECRET = 'workspace-tz-signing-secret-0123456789';
/** The server's zone: neither workspace's, so a time shown in it is told apart at once. */
const TEAM_TIMEZONE = 'Asia/Tokyo';
/** Monday 7 December 2026, 03:00 UTC: still Sunday 21:00 in Mexico City; 04:00 in Madrid, 12:00 in Tokyo (no DST in December). */
const DECLARED_AT = Date.UTC(2026, 11, 7, 3, 0);
const DUE_DAY = '2026-12-10';
/** Firebreak was down over the due day: its reminders fire late, on 12 December at 03:00 UTC. */
const LATE_AT = Date.UTC(2026, 11, 12, 3, 0);

/** What staff do in one workspace, whichever way Firebreak is installed there. */
interface Desk {
  people: E2eCommunity;
  command(user: string, text: string): Promise<AppResponse>;
  click(user: string, channel: string, messageTs: string, actionId: string): Promise<AppResponse>;
  submit(user: string, values: Record<string, Record<string, unknown>>): Promise<AppResponse>;
  openModal(user: string): ViewPayload | undefined;
  rootMessage(): { ts: string } | undefined;
  thread(): AlertsMessage[];
}

/**
 * Polls until `probe` answers. Firebreak's clock moves a second per poll meanwhile, as it would while
 * people click (the outbox spaces posts to one channel a second apart by that clock).
 */
const waitAsClockRuns = <T>(clock: ManualClock, what: string, probe: Probe<T>): Promise<T> => waitFor(what, probe, { betweenPolls: () => clock.advance(1_000) });

const text = (value: string) => ({ type: 'plain_text_input', value });

type InputBlock = { type: string; block_id: string; element: { type: string; action_id: string; initial_value?: string; initial_user?: string; initial_date?: string; initial_option?: { value: string } } };
/** What `view` submits when nobody touches it (its initial values), with `typed` texts changed, kept as a draft. */
function formValues(view: ViewPayload, typed: Record<string, string> = {}): Record<string, Record<string, unknown>> {
  const values: Record<string, Record<string, unknown>> = {};
  for (const { block_id: blockId, element } of (view.blocks as InputBlock[]).filter((block) => block.type === 'input')) {
    const state =
      element.type === 'users_select' ? { selected_user: element.initial_user ?? null }
      : element.type === 'datepicker' ? { selected_date: element.initial_date ?? null }
      : element.type === 'radio_buttons' ? { selected_option: element.initial_option ?? null }
      : { value: typed[blockId] ?? element.initial_value ?? null };
    values[blockId] = { [element.action_id]: { type: element.type, ...state } };
  }
  values[postMortemInputIds.intent] = { [postMortemInputIds.intent]: { type: 'radio_buttons', selected_option: { value: 'save' } } };
  return values;
}

/**
 * Declares an incident in #support, leads it, ticks its step, resolves it, writes the post-mortem with
 * one action item due on DUE_DAY, and has it approved and published. Returns the incident's id and its
 * action item's reminder key.
 */
async function publishWithActionItem(app: RunningFirebreak, clock: ManualClock, desk: Desk, incidentWhere: Record<string, unknown>): Promise<{ incidentId: string; reminderKey: string }> {
  const prisma = app.database.prisma;
  const { ann, ben, cleo, sam, support, alerts } = desk.people;
  clock.set(DECLARED_AT);
  expect((await desk.command(ann, `declare <#${support}|support> sev2 Login failing for many members`)).status).toBe(200);
  const root = await waitAsClockRuns(clock, 'the alert', () => desk.rootMessage());
  const incident = await waitAsClockRuns(clock, 'the root recorded', () => prisma.incident.findFirst({ where: { ...incidentWhere, rootTs: { not: null } } }));
  await desk.click(ann, alerts, root.ts, actionIds.acknowledge);
  await waitAsClockRuns(clock, 'the lead', () => prisma.incident.findFirst({ where: { id: incident.id, leadUserId: ann } }));
  const withButton = (actionId: string) => desk.thread().find((message) => findButtons(message.blocks ?? []).some((button) => button.action_id === actionId));
  const checklist = await waitAsClockRuns(clock, 'the checklist', () => withButton(actionIds.toggleStep));
  await desk.click(ann, alerts, checklist.ts, actionIds.toggleStep);
  await waitAsClockRuns(clock, 'the step ticked', () => prisma.checklistItem.findFirst({ where: { incidentId: incident.id, doneAt: { not: null } } }));
  expect((await desk.command(ann, `resolve ${incident.number} Login works again`)).status).toBe(200);
  const invite = await waitAsClockRuns(clock, 'the post-mortem invitation', () => withButton(actionIds.openPostMortem));
  await desk.click(ann, alerts, invite.ts, actionIds.openPostMortem);
  await waitAsClockRuns(clock, 'the post-mortem modal', () => desk.openModal(ann));
  const item = (part: 'text' | 'owner' | 'dueAt') => postMortemInputIds.actionItem(0, part);
  const submitted = await desk.submit(ann, {
    summary: { summary: text('Logins failed for an hour.') },
    impact: { impact: text('Members could not log in.') },
    whatHappened: { whatHappened: text('A certificate expired.') },
    'question.lessons': { 'question.lessons': text('Alert before certificates expire.') },
    [item('text')]: { [item('text')]: text('Alert 14 days before a certificate expires') },
    [item('owner')]: { [item('owner')]: { type: 'users_select', selected_user: sam } },
    [item('dueAt')]: { [item('dueAt')]: { type: 'datepicker', selected_date: DUE_DAY } },
    [postMortemInputIds.intent]: { [postMortemInputIds.intent]: { type: 'radio_buttons', selected_option: { value: 'submit' } } },
  });
  expect(submitted.body).not.toContain('errors');
  const review = await waitAsClockRuns(clock, 'the review request', () => withButton(actionIds.approvePostMortem));
  await desk.click(ben, alerts, review.ts, actionIds.approvePostMortem);
  await waitAsClockRuns(clock, 'ben approved', async () => ((await prisma.postMortem.findUniqueOrThrow({ where: { incidentId: incident.id } })).reviews as unknown[]).length === 1);
  await desk.click(cleo, alerts, review.ts, actionIds.approvePostMortem);
  await waitAsClockRuns(clock, 'published', () => prisma.postMortem.findFirst({ where: { incidentId: incident.id, status: 'published' } }));
  const actionItem = await prisma.actionItem.findFirstOrThrow({ where: { postMortem: { incidentId: incident.id } } });
  return { incidentId: incident.id, reminderKey: `postmortem:action:${actionItem.id}` };
}

/** Fires every due reminder at LATE_AT, and waits for the action item's reminder in the thread. */
async function fireLate(app: RunningFirebreak, clock: ManualClock, desks: readonly Desk[]): Promise<void> {
  clock.set(LATE_AT);
  await app.runtime!.scheduler.runDue();
  for (const desk of desks) await waitAsClockRuns(clock, 'the action item reminded', () => desk.thread().find((message) => findButtons(message.blocks ?? []).some((button) => button.action_id === actionIds.actionItemDone)));
}

describe.each(availableProviders)('each workspace’s wall clock with OAuth installs (%s)', (provider) => {
  const clock = new ManualClock(DECLARED_AT);
  let world: TwoTeamsWorld;
  let app: RunningFirebreak;
  let cliEnv: NodeJS.ProcessEnv;
  const desks: Record<string, Desk> = {};
  const published: Record<string, { incidentId: string; reminderKey: string }> = {};
  let events: string;
  const fakes: Record<string, ReturnType<typeof seedTeam>['fake']> = {};
  /** Ann picks her workspace's time zone in App Home. */
  const chooseZone: Record<string, (zone: string) => Promise<void>> = {};
  /** The zone each workspace chooses in App Home. */
  const ZONES: Record<string, string> = { [A]: 'America/Mexico_City', [B]: 'Europe/Madrid' };

  beforeAll(async () => {
    world = await startTwoTeamsWorld({ provider, signingSecret: SIGNING_SECRET, clientId: '1111.3333', playbooks: { 'e2e-support.yaml': TWO_APPROVER_PLAYBOOK } });
    const env = { ...world.oauthEnv, TEAM_TIMEZONE, LOG_LEVEL: 'silent' };
    cliEnv = testEnvironment(env);
    const config = loadConfig({ ...env, PORT: '0', HOST: '127.0.0.1', DETECTION_INTERVAL_SECONDS: '3600', BRAND_NAME: 'Acme', SUPPORT_CONTACT: 'help@acme.test' });
    app = await startFirebreak(config, createLogger(config.logLevel, { pretty: false }), { clock });
    events = `${app.url}/slack/events`;

    for (const teamId of [A, B]) {
      const { fake, people, staff } = seedTeam(world.slack.team(teamId), SIGNING_SECRET);
      fakes[teamId] = fake;
      desks[teamId] = {
        people,
        command: (user, line) => staff.command(events, user, line),
        click: (user, channel, ts, actionId) => staff.click(events, user, channel, ts, actionId),
        submit: (user, values) => staff.submit(events, user, values),
        openModal: (user) => staff.openModal(user),
        rootMessage: () => staff.rootMessage(),
        thread: () => staff.thread(),
      };
      // Ann installs Firebreak in her workspace (the install page, Allow on Slack's page, the redirect).
      expect((await installAsAPerson(app.url, world.slack, teamId, people.ann)).status).toBe(200);
      expect((await desks[teamId].command(people.ann, `alerts <#${people.alerts}|alerts>`)).body).toContain(`<#${people.alerts}>`);
      // …and chooses its time zone in App Home.
      chooseZone[teamId] = async (zone: string) => {
        const eventToApp = (body: { type: string } & Record<string, unknown>) => sendToApp(events, SIGNING_SECRET, 'event', eventCallback(fake.workspace.appIdentity(), body, { nowMs: Date.now() }));
        const published = fake.api.calls('views.publish').length;
        await eventToApp({ type: 'app_home_opened', user: people.ann, channel: 'D0HOME', tab: 'home' });
        const home = await waitAsClockRuns(clock, 'App Home', () => fake.api.calls('views.publish').slice(published).find((call) => call.args['user_id'] === people.ann && call.status === 200));
        const view = (home.response as { view: { id: string; blocks: unknown[] } }).view;
        await sendToApp(
          events,
          SIGNING_SECRET,
          'interaction',
          viewBlockActions(fake.workspace.appIdentity(), {
            user: { id: people.ann, name: 'ann' },
            view: { id: view.id, type: 'home', blocks: view.blocks } as never,
            actions: [{ block_id: 'workspace_settings', action_id: actionIds.settingsTimeZone, type: 'static_select', selected_option: { text: { type: 'plain_text', text: zone }, value: zone } } as never],
            triggerId: fake.workspace.issueTrigger(people.ann),
            nowMs: Date.now(),
          }),
        );
        await waitAsClockRuns(clock, `${teamId} time zone saved`, async () => (await app.database.prisma.workspace.findUniqueOrThrow({ where: { teamId } })).timeZone === zone);
      };
      await chooseZone[teamId](ZONES[teamId]!);
    }
  }, 120_000);

  afterAll(async () => {
    await world?.close(app);
  });

  it('an action item is due at 17:00 on its workspace’s wall clock, and chased at 17:00 there after a late reminder', async () => {
    for (const teamId of [A, B]) published[teamId] = await publishWithActionItem(app, clock, desks[teamId]!, { workspace: { teamId } });
    const reminderAt = async (teamId: string) => (await app.database.prisma.reminder.findUniqueOrThrow({ where: { key: published[teamId]!.reminderKey } })).dueAt.toISOString();
    // 17:00 on 10 December in Mexico City (UTC-6) and in Madrid (UTC+1); not 17:00 in Tokyo (08:00 UTC).
    expect(await reminderAt(A)).toBe('2026-12-10T23:00:00.000Z');
    expect(await reminderAt(B)).toBe('2026-12-10T16:00:00.000Z');

    await fireLate(app, clock, [desks[A]!, desks[B]!]);
    // Fired at 03:00 UTC on the 12th (21:00 on the 11th in Mexico City, 04:00 on the 12th in Madrid):
    // the next reminder is the next 17:00 there at least half a day on, not 24 hours after the late one.
    expect(await reminderAt(A)).toBe('2026-12-12T23:00:00.000Z');
    expect(await reminderAt(B)).toBe('2026-12-12T16:00:00.000Z');
    const slackCalls = [A, B].flatMap((teamId) => world.slack.team(teamId).api.calls('chat.postMessage'));
    expect(slackCalls.filter((call) => call.status !== 200)).toEqual([]);
  }, 120_000);

  it('`firebreak postmortem export` and `list` show each incident in its workspace’s time zone; --time-zone still wins', async () => {
    const exportOf = async (incidentId: string, ...extra: string[]) => {
      const result = await runCli(['postmortem', 'export', incidentId, ...extra], { env: cliEnv });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      return result.stdout;
    };
    const mexico = await exportOf(published[A]!.incidentId);
    expect(mexico).toContain('_Times in America/Mexico_City._');
    expect(mexico).toContain('- **Detected:** 2026-12-06 21:00 (America/Mexico_City)');
    expect(mexico).toMatch(/\| Alert 14 days before a certificate expires \| .* \| 2026-12-10 \| Open \|/);
    const madrid = await exportOf(published[B]!.incidentId);
    expect(madrid).toContain('_Times in Europe/Madrid._');
    expect(madrid).toContain('- **Detected:** 2026-12-07 04:00 (Europe/Madrid)');
    expect(madrid).toMatch(/\| Alert 14 days before a certificate expires \| .* \| 2026-12-10 \| Open \|/);
    for (const markdown of [mexico, madrid]) expect(markdown).not.toContain(TEAM_TIMEZONE);
    // Asked for, another zone is used: Tokyo's day is already the 11th when Mexico City's item is due.
    const tokyo = await exportOf(published[A]!.incidentId, '--time-zone', TEAM_TIMEZONE);
    expect(tokyo).toContain('- **Detected:** 2026-12-07 12:00 (Asia/Tokyo)');
    expect(tokyo).toMatch(/\| 2026-12-11 \| Open \|/);

    // The list's days are each workspace's calendar days: A's incident was resolved on Sunday evening
    // in Mexico City (Monday in UTC and Tokyo), due five days later, published the same evening.
    const listed = await runCli(['postmortem', 'list'], { env: cliEnv });
    expect(listed.stderr).toBe('');
    const lines = listed.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines.filter((line) => /^#1 +published +2026-12-06 +2026-12-11 +2026-12-06 /.test(line))).toHaveLength(1);
    expect(lines.filter((line) => /^#1 +published +2026-12-07 +2026-12-12 +2026-12-07 /.test(line))).toHaveLength(1);
  }, 60_000);
  it('a change of the workspace’s zone while the post-mortem form is open does not make its untouched action items edited', async () => {
    const desk = desks[B]!;
    const prisma = app.database.prisma;
    const { ann, sam, support, alerts } = desk.people;
    expect((await desk.command(ann, `declare <#${support}|support> sev3 Search is slow`)).status).toBe(200);
    const incident = await waitAsClockRuns(clock, 'the incident', () => prisma.incident.findFirst({ where: { workspace: { teamId: B }, status: { not: 'resolved' }, rootTs: { not: null } } }));
    // This incident's thread (desk.thread() is the workspace's first incident's).
    const withButton = (actionId: string) =>
      fakes[B]!.workspace.messagesIn(alerts).find((message) => message.thread_ts === incident.rootTs && findButtons(message.blocks ?? []).some((button) => button.action_id === actionId));
    await desk.click(ann, alerts, incident.rootTs!, actionIds.acknowledge);
    await waitAsClockRuns(clock, 'the lead', () => prisma.incident.findFirst({ where: { id: incident.id, leadUserId: ann } }));
    const checklist = await waitAsClockRuns(clock, 'the checklist', () => withButton(actionIds.toggleStep));
    await desk.click(ann, alerts, checklist.ts, actionIds.toggleStep);
    await waitAsClockRuns(clock, 'the step ticked', () => prisma.checklistItem.findFirst({ where: { incidentId: incident.id, doneAt: { not: null } } }));
    expect((await desk.command(ann, `resolve ${incident.number} Search is fast again`)).status).toBe(200);
    await waitAsClockRuns(clock, 'the post-mortem', () => prisma.postMortem.findUnique({ where: { incidentId: incident.id } }));
    const open = async () => {
      const before = desk.openModal(ann)?.id;
      const invite = await waitAsClockRuns(clock, 'the invitation', () => withButton(actionIds.openPostMortem));
      await desk.click(ann, alerts, invite.ts, actionIds.openPostMortem);
      return waitAsClockRuns(clock, 'the modal', () => {
        const view = desk.openModal(ann);
        return view && view.id !== before ? view : undefined;
      });
    };
    const item = (part: 'text' | 'owner' | 'dueAt') => postMortemInputIds.actionItem(0, part);
    const first = formValues(await open(), { summary: 'Search timed out.' });
    first[item('text')] = { [item('text')]: text('Load-test search monthly') };
    first[item('owner')] = { [item('owner')]: { type: 'users_select', selected_user: sam } };
    first[item('dueAt')] = { [item('dueAt')]: { type: 'datepicker', selected_date: '2026-12-20' } };
    expect((await desk.submit(ann, first)).body).not.toContain('errors');
    const dueAt = async () => (await prisma.actionItem.findFirstOrThrow({ where: { postMortem: { incidentId: incident.id } } })).dueAt.toISOString();
    // 17:00 on 20 December in Madrid.
    expect(await dueAt()).toBe('2026-12-20T16:00:00.000Z');

    // Ann's form shows the 20th; meanwhile the workspace moves to Tokyo's wall clock. Her save, the item untouched, leaves it as it is.
    const form = await open();
    await chooseZone[B]!('Asia/Tokyo');
    expect((await desk.submit(ann, formValues(form, { whatWentWell: 'Alerts fired at once.' }))).body).not.toContain('errors');
    expect(await dueAt()).toBe('2026-12-20T16:00:00.000Z');

    // A form opened before forms remembered days (its items' fingerprints are instants) still saves.
    await chooseZone[B]!(ZONES[B]!);
    const older = await open();
    const ref = JSON.parse(older.private_metadata ?? '{}') as { i: string; a: string[]; s: { f: Record<string, string>; q?: Record<string, string>; x: string[]; z?: string } };
    const stored = await prisma.actionItem.findFirstOrThrow({ where: { postMortem: { incidentId: incident.id } } });
    const legacy = { i: ref.i, a: ref.a, s: { f: ref.s.f, ...(ref.s.q ? { q: ref.s.q } : {}), x: [actionItemFingerprint({ text: stored.text, ownerUserId: stored.ownerUserId, dueAt: stored.dueAt.getTime() })] } };
    const { workspace } = fakes[B]!;
    const sent = await sendToApp(
      events,
      SIGNING_SECRET,
      'interaction',
      viewSubmission(workspace.appIdentity(), { user: { id: ann, name: 'ann' }, view: { ...older, private_metadata: JSON.stringify(legacy) }, values: formValues(older, { whatToImprove: 'Cache search results.' }), triggerId: workspace.issueTrigger(ann) }),
    );
    expect(sent.body).not.toContain('errors');
    workspace.closeView(older.id);
    const saved = await prisma.postMortem.findUniqueOrThrow({ where: { incidentId: incident.id } });
    expect((saved.fields as { whatToImprove: string }).whatToImprove).toBe('Cache search results.');
    expect(await dueAt()).toBe('2026-12-20T16:00:00.000Z');
  }, 120_000);
});

describe.each(availableProviders)('a single-token install keeps TEAM_TIMEZONE (%s)', (provider) => {
  const clock = new ManualClock(DECLARED_AT);
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness({ provider, clock, env: { TEAM_TIMEZONE } });
  }, 120_000);
  afterAll(async () => {
    await harness?.close();
  });

  it('action items are due and chased at 17:00 Tokyo time, and the export shows Tokyo times, whatever a workspace row says', async () => {
    const desk: Desk = {
      people: { ...harness.people, support: harness.support, alerts: harness.alerts },
      command: (user, line) => harness.command(user, line),
      click: (user, channel, ts, actionId) => harness.click(user, channel, ts, actionId),
      submit: (user, values) => harness.submit(user, values),
      openModal: (user) => harness.openModal(user),
      rootMessage: () => harness.rootMessage(),
      thread: () => harness.thread(),
    };
    const prisma = harness.app.database.prisma;
    const { incidentId, reminderKey } = await publishWithActionItem(harness.app, clock, desk, {});
    const reminderAt = async () => (await prisma.reminder.findUniqueOrThrow({ where: { key: reminderKey } })).dueAt.toISOString();
    // 17:00 on 10 December in Tokyo (UTC+9).
    expect(await reminderAt()).toBe('2026-12-10T08:00:00.000Z');
    // A zone left on the workspace row (say, from an earlier OAuth setup) counts only with OAuth installs.
    await prisma.workspace.updateMany({ data: { timeZone: 'Europe/Madrid' } });
    await fireLate(harness.app, clock, [desk]);
    // Fired at 12:00 on the 12th in Tokyo: the next 17:00 there at least half a day on is the 13th's.
    expect(await reminderAt()).toBe('2026-12-13T08:00:00.000Z');

    const exported = await runCli(['postmortem', 'export', incidentId], { env: testEnvironment({ DATABASE_URL: harness.database.url, TEAM_TIMEZONE, LOG_LEVEL: 'silent' }) });
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain('_Times in Asia/Tokyo._');
    expect(exported.stdout).toContain('- **Detected:** 2026-12-07 12:00 (Asia/Tokyo)');
    expect(exported.stdout).toMatch(/\| Alert 14 days before a certificate expires \| .* \| 2026-12-10 \| Open \|/);
  }, 120_000);
});
