// No Slack call inside a database transaction when Firebreak records Slack's answer or fires a reminder:
// the alert root's record, a public reply's record and an incident reminder each need the playbook's
// user groups, asked of Slack when the answer at hand has expired. While Slack is slow to list them,
// another click commits at once (SQLite's one writer; the incident's row on PostgreSQL) and, on
// PostgreSQL, no transaction of Firebreak's stays open waiting for Slack.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIds } from '../../src/slack/blocks/ids.js';
import { availableProviders } from '../support/databases.js';
import { draftValues, findButtons, playSpike, startHarness, TWO_APPROVER_PLAYBOOK, type Harness, type People } from './harness.js';

/** Slack's user-group list answers this late (within the 1.5 s Firebreak waits for it). */
const SLOW_GROUPS_MS = 1_200;
/** A post Slack answers this late: the group list is dropped meanwhile, so recording its answer asks again. */
const SLOW_POST_MS = 1_000;
/** A click that waits for nothing commits well within this; behind a transaction left open it waits the rest of SLOW_GROUPS_MS. */
const PROMPT_MS = 600;
const REPLY = 'We know the app is failing and we are on it. Updates here within the hour.';

/**
 * Everyone named by Slack ID but whom an unacknowledged incident escalates to: that group is the
 * policy's only one (recording asks for it), and no staff check or checklist owner needs it.
 */
const playbookFor = ({ ann, ben }: People) =>
  TWO_APPROVER_PLAYBOOK.replace('lead: "@community-leads"', `lead: ${ann}`)
    .replace('approvers: ["@community-leads"]', `approvers: [${ann}, ${ben}]`)
    .replace('quorum: 2', 'quorum: 1');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(availableProviders)('a slow Slack while Slack’s answers and reminders are recorded, on %s', (provider) => {
  /** Firebreak's clock: the wall clock, moved on to make a reminder due. */
  const clock = { shiftMs: 0, now: () => Date.now() + clock.shiftMs };
  let h: Harness;
  let root: { ts: string };
  beforeAll(async () => {
    h = await startHarness({ provider, playbook: playbookFor, clock });
  });
  afterAll(async () => {
    await h?.close();
  });

  /** Polls every 20 ms: the probes below must start while Slack is still listing the groups. */
  async function soon<T>(what: string, probe: () => T | undefined): Promise<T> {
    const started = Date.now();
    for (;;) {
      const value = probe();
      if (value !== undefined) return value;
      if (Date.now() - started > 10_000) throw new Error(`timed out waiting for ${what}`);
      await sleep(20);
    }
  }

  /** Slack says the group changed (the list at hand is dropped), and takes its time listing the groups next. */
  async function groupsChangeThenSlackIsSlow(): Promise<void> {
    const group = h.fake.workspace.listUserGroups().find((candidate) => candidate.handle === 'community-leads')!.id;
    const now = Math.floor(Date.now() / 1000);
    await h.event({ type: 'subteam_members_changed', subteam_id: group, team_id: h.fake.workspace.appIdentity().teamId, date_previous_update: now - 60, date_update: now, added_users: [], added_users_count: '0' });
    h.fake.api.faults.delay('usergroups.list', SLOW_GROUPS_MS);
  }

  /** Transactions open for more than `ms` on the test database (PostgreSQL says which sessions are in one). */
  async function transactionsOpenLongerThan(ms: number): Promise<number> {
    const client = new pg.Client({ connectionString: h.database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ open: string }>(
        `SELECT count(*) AS open FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start < clock_timestamp() - make_interval(secs => $1)`,
        [ms / 1000],
      );
      return Number(rows[0]!.open);
    } finally {
      await client.end();
    }
  }

  /**
   * Slack is listing the groups for the record under way: no transaction is
   * open meanwhile (PostgreSQL), and Ann's verdict on the alert (its own transaction, which writes the
   * incident's row) commits at once.
   */
  async function expectNothingHeldWhileSlackLists(): Promise<void> {
    await sleep(200);
    if (provider === 'postgres') expect(await transactionsOpenLongerThan(150)).toBe(0);
    const prisma = h.app.database.prisma;
    const before = await prisma.feedback.count();
    // The other verdict each time: repeating her last one would record nothing new (a repeat is not a verdict).
    const verdict = before % 2 === 0 ? actionIds.realCrisis : actionIds.falseAlarm;
    const clickedAt = Date.now();
    const clicked = h.click(h.people.ann, h.alerts, root.ts, verdict);
    await h.waitFor('the click committed', async () => (await prisma.feedback.count()) > before, 5_000);
    expect(Date.now() - clickedAt).toBeLessThan(PROMPT_MS);
    await clicked;
  }

  it('the alert root posted: recording it while Slack lists the groups holds no transaction, and it is recorded', async () => {
    const prisma = h.app.database.prisma;
    // The first post in the alerts channel is the alert itself.
    h.fake.api.faults.delay('chat.postMessage', SLOW_POST_MS, { channel: h.alerts });
    await playSpike(h);
    await groupsChangeThenSlackIsSlow();
    const listedBefore = h.fake.api.calls('usergroups.list').length;
    root = await soon('the alert', () => h.rootMessage());
    await expectNothingHeldWhileSlackLists();

    const incident = await h.waitFor('the root recorded', () => prisma.incident.findFirst({ where: { rootTs: root.ts } }).then((found) => found ?? undefined), 10_000);
    expect(await prisma.timelineEvent.count({ where: { incidentId: incident.id, kind: 'alert_posted' } })).toBe(1);
    expect(h.fake.api.calls('usergroups.list').length).toBeGreaterThan(listedBefore);
    h.fake.api.faults.clear();
  });

  it('a public reply posted: recording it while Slack lists the groups holds no transaction, and the draft is marked posted', async () => {
    const { ann, ben } = h.people;
    const prisma = h.app.database.prisma;
    await h.click(ann, h.alerts, root.ts, actionIds.draftReply);
    await h.waitFor('the draft modal', () => h.openModal(ann));
    await h.submit(ann, draftValues(REPLY));
    const card = await h.waitFor('the draft card', () => h.thread().find((message) => findButtons(message.blocks ?? []).some((button) => button.action_id === actionIds.approveDraft)));
    h.fake.api.faults.delay('chat.postMessage', SLOW_POST_MS, { channel: h.support });
    await h.click(ben, h.alerts, card.ts, actionIds.approveDraft);
    // The outbox's last gate (quorum on the exact text: it asks for the groups) has let the reply go to Slack.
    await sleep(300);
    await groupsChangeThenSlackIsSlow();
    const listedBefore = h.fake.api.calls('usergroups.list').length;
    await soon('the reply in the channel', () => h.fake.workspace.messagesIn(h.support).find((message) => message.text === REPLY));
    await expectNothingHeldWhileSlackLists();

    await h.waitFor('the draft marked posted', () => prisma.replyDraft.findFirst({ where: { status: 'posted' } }).then((found) => found ?? undefined), 10_000);
    expect(h.fake.api.calls('usergroups.list').length).toBeGreaterThan(listedBefore);
    h.fake.api.faults.clear();
  });

  it('a reminder fired: firing it while Slack lists the groups holds no transaction, and it is posted in the alert thread', async () => {
    const prisma = h.app.database.prisma;
    await h.waitFor('the outbox idle', async () => (await prisma.outboxItem.count({ where: { status: { in: ['pending', 'sending'] } } })) === 0, 10_000);
    const remindersBefore = await prisma.timelineEvent.count({ where: { kind: 'reminder_sent' } });
    // Six minutes on: the checklist step (due after five) is overdue, and the group list at hand has expired.
    clock.shiftMs += 6 * 60_000;
    h.fake.api.faults.delay('usergroups.list', SLOW_GROUPS_MS);
    const listedBefore = h.fake.api.calls('usergroups.list').length;
    const firing = h.app.runtime!.scheduler.runDue();
    await expectNothingHeldWhileSlackLists();

    await firing;
    await h.waitFor('the reminder recorded', async () => (await prisma.timelineEvent.count({ where: { kind: 'reminder_sent' } })) > remindersBefore, 10_000);
    await h.waitFor('the reminder in the alert thread', () => h.thread().find((message) => /^:(alarm_clock|rotating_light):/.test(message.text)), 10_000);
    expect(h.fake.api.calls('usergroups.list').length).toBeGreaterThan(listedBefore);
  });
});
