// Acknowledged means stored, or told: a click the listener guard acknowledges at its 2 s deadline,
// while its decision still waits (here on Slack, slow to name the incident's channel), is kept until
// its listener finishes. The process SIGKILLed in between: Slack never sends that click again, so at
// the next start its person is told, once, in a direct message, and App Home lists it. A slow click
// that does finish leaves nothing behind. `firebreak start` as a child process, on both databases.
import { describe, expect, it } from 'vitest';
import { actionIds } from '../../src/slack/blocks/ids.js';
import { eventCallback } from '../../src/sandbox/slack-payloads.js';
import { sendToApp } from '../../src/sandbox/signing.js';
import { startCrashHarness, type CrashHarness } from '../support/crash-harness.js';
import { availableProviders } from '../support/databases.js';
import { SIGNING_SECRET } from './harness.js';
import { directMessagesTo, findButtons } from '../support/staff-actions.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An incident declared by Ann, its alert posted with its buttons, on a fresh instance (no channel name known yet). */
async function declaredOnFreshInstance(harness: CrashHarness): Promise<{ ts: string }> {
  await harness.start();
  await harness.command(harness.people.ann, `declare <#${harness.support}|support> sev2 Login failing for many members`);
  const root = await harness.waitFor('the alert with its Acknowledge button', () => {
    const alert = harness.rootMessage();
    return alert && findButtons(alert.blocks).some((button) => button.action_id === actionIds.acknowledge) ? alert : undefined;
  });
  // Everything the declare queued sent first: left to the next process (a loaded machine), sending it
  // could ask Slack the channel's name before the test makes Slack slow to answer.
  await harness.waitFor('the declare’s writes sent', async () => (await harness.database.prisma.outboxItem.count({ where: { status: { in: ['pending', 'sending'] } } })) === 0 || undefined);
  await harness.kill();
  await harness.start();
  return root;
}

/** Ben clicks Acknowledge while Slack takes `slowMs` to name the incident's channel (asked before the decision's commit). */
async function slowAcknowledge(harness: CrashHarness, root: { ts: string }, slowMs: number): Promise<number> {
  harness.fake.api.faults.delay('conversations.info', slowMs, { channel: harness.support, forMs: slowMs + 5_000 });
  const started = Date.now();
  const answer = await harness.click(harness.people.ben, harness.alerts, root.ts, actionIds.acknowledge);
  expect(answer.status).toBe(200);
  return Date.now() - started;
}

const unfinishedRows = (harness: CrashHarness) => harness.database.prisma.quarantinedMessage.findMany({ where: { reason: { startsWith: 'interaction_unfinished' } } });

const directMessages = (harness: CrashHarness, user: string) => directMessagesTo(harness.fake, user);

async function openHome(harness: CrashHarness, user: string): Promise<string> {
  const before = JSON.stringify(harness.fake.workspace.homeView(user) ?? null);
  const event = eventCallback(harness.fake.workspace.appIdentity(), { type: 'app_home_opened', user, channel: 'D0HOME', tab: 'home' }, { nowMs: Date.now() });
  const url = `${harness.live.at(-1)!.url}/slack/events`;
  expect((await sendToApp(url, SIGNING_SECRET, 'event', event)).status).toBe(200);
  return harness.waitFor('App Home published', () => {
    const home = JSON.stringify(harness.fake.workspace.homeView(user) ?? null);
    return home !== before && home !== 'null' ? home : undefined;
  });
}

describe.each(availableProviders)('a click acknowledged at the deadline before its decision committed (%s)', (provider) => {
  it('killed before the commit: at the next start the person is told once, and App Home lists it', async () => {
    const harness = await startCrashHarness({ provider });
    try {
      const { ann, ben } = harness.people;
      const root = await declaredOnFreshInstance(harness);
      const waited = await slowAcknowledge(harness, root, 8_000);
      // Acknowledged by the guard's deadline, the decision still waiting on Slack.
      expect(waited).toBeGreaterThanOrEqual(1_900);
      await harness.kill();
      const incident = await harness.database.prisma.incident.findFirstOrThrow();
      expect(incident.leadUserId, 'the click was not committed').not.toBe(ben);
      const left = await unfinishedRows(harness);
      expect(left).toHaveLength(1);
      expect(left[0]!.payload).not.toContain('"actions"');

      await harness.start();
      const notice = await harness.waitFor('the notice to Ben', () => directMessages(harness, ben)[0]);
      expect(notice).toContain('“Acknowledge & lead” click on incident #1');
      expect(notice).toContain('was most likely not done');
      expect(notice).toContain('do it again');
      expect((await harness.database.prisma.incident.findFirstOrThrow()).leadUserId).not.toBe(ben);

      const home = await openHome(harness, ann);
      expect(home).toContain(`A request by ${ben} (action incident.acknowledge) was acknowledged but Firebreak stopped before confirming it was done`);

      // Started twice more: told once.
      await harness.kill();
      await harness.start();
      await harness.kill();
      await harness.start();
      await sleep(3_000);
      expect(directMessages(harness, ben)).toHaveLength(1);
      expect(await unfinishedRows(harness)).toHaveLength(1);
    } finally {
      await harness.close();
    }
  }, 150_000);

  it('a slow click that finishes is kept while it waits, then leaves nothing behind', async () => {
    const harness = await startCrashHarness({ provider });
    try {
      const { ben } = harness.people;
      const root = await declaredOnFreshInstance(harness);
      const waited = await slowAcknowledge(harness, root, 4_000);
      expect(waited).toBeGreaterThanOrEqual(1_900);
      // Acknowledged before its decision committed: kept meanwhile.
      expect(await unfinishedRows(harness)).toHaveLength(1);
      await harness.waitFor('the acknowledgement committed', async () => (await harness.database.prisma.incident.findFirstOrThrow()).leadUserId === ben || undefined);
      await harness.waitFor('nothing left unfinished', async () => (await unfinishedRows(harness)).length === 0 || undefined);
      // A restart tells no one anything.
      await harness.kill();
      await harness.start();
      await sleep(2_000);
      expect(directMessages(harness, ben)).toHaveLength(0);
    } finally {
      await harness.close();
    }
  }, 150_000);
});

// PostgreSQL only: there a held lock keeps the decision's transaction waiting until it gives up (15 s),
// which this test's timing is built on; on SQLite the transaction's start waits for another process's
// lock about 5 s and then fails with DatabaseLockedError (test/e2e/crash.test.ts covers that click).
describe.skipIf(!availableProviders.includes('postgres'))('a click acknowledged at the deadline whose decision then fails (postgres)', () => {
  it('its person is told it was not done, by direct message, and App Home lists it', async () => {
    const harness = await startCrashHarness({ provider: 'postgres' });
    try {
      const { ann, ben } = harness.people;
      const root = await declaredOnFreshInstance(harness);
      const release = await harness.holdWrites();
      try {
        const started = Date.now();
        const answer = await harness.click(ben, harness.alerts, root.ts, actionIds.acknowledge);
        expect(answer.status).toBe(200);
        expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
        // The decision's transaction gives up waiting for the lock after 15 s (INCIDENT_TRANSACTION_TIMEOUT_MS).
        await sleep(16_500 - (Date.now() - started));
      } finally {
        await release();
      }
      const notice = await harness.waitFor('the notice to Ben', () => directMessages(harness, ben)[0]);
      expect(notice).toContain('error on its side');
      expect((await harness.database.prisma.incident.findFirstOrThrow()).leadUserId).not.toBe(ben);
      expect((await unfinishedRows(harness)).map((row) => row.reason)).toEqual(['interaction_unfinished_told']);
      expect(await openHome(harness, ann)).toContain(`A request by ${ben} (action incident.acknowledge) was acknowledged but Firebreak stopped before confirming it was done`);
    } finally {
      await harness.close();
    }
  }, 120_000);
});

// PostgreSQL only, as above. Slack gives up on an answer after 3 s and then shows the person the click
// did not go through; an acknowledgement says it was taken. When even the row that keeps the click (told
// at the next start) cannot be written, the click must not be acknowledged.
describe.skipIf(!availableProviders.includes('postgres'))('a click whose decision and keeping both wait on the database (postgres)', () => {
  it('is not acknowledged, so Slack tells its person it did not go through; killed meanwhile, nothing was claimed', async () => {
    const harness = await startCrashHarness({ provider: 'postgres' });
    try {
      const { ben } = harness.people;
      const root = await declaredOnFreshInstance(harness);
      const release = await harness.holdWrites({ unfinishedToo: true });
      try {
        const started = Date.now();
        const answered = harness.click(ben, harness.alerts, root.ts, actionIds.acknowledge).then(
          (answer) => ({ status: answer.status, afterMs: Date.now() - started }),
          () => null,
        );
        // (Bolt's receiver answers a bare 200 once 3 s have passed, when Slack has given up.)
        const withinSlacksWait = await Promise.race([answered, sleep(2_950).then(() => 'no answer' as const)]);
        expect(withinSlacksWait, 'no acknowledgement within the 3 s Slack waits').toBe('no answer');
        await harness.kill();
      } finally {
        await release();
      }
      expect((await harness.database.prisma.incident.findFirstOrThrow()).leadUserId).not.toBe(ben);
      expect(await unfinishedRows(harness)).toHaveLength(0);
    } finally {
      await harness.close();
    }
  }, 120_000);
});

// A declare slower than 1.5 s answers "Declaring…" before its commit (the result follows through its
// response_url). That answer stores nothing: the request is kept first, so a death before the commit is
// told at the next start rather than leaving the person with "Declaring…" for good.
describe.each(availableProviders)('a /firebreak declare answered "Declaring…" before its commit (%s)', (provider) => {
  it('killed before the commit: at the next start its person is told it was most likely not done', async () => {
    const harness = await startCrashHarness({ provider });
    try {
      const { ann } = harness.people;
      await harness.start();
      // Typed without its name: the declare asks Slack for it before its commit, and Slack is slow.
      harness.fake.api.faults.delay('conversations.info', 8_000, { channel: harness.support, forMs: 13_000 });
      const answer = await harness.command(ann, `declare <#${harness.support}> sev2 Login failing for many members`);
      expect(answer.status).toBe(200);
      expect(answer.body).toContain('Declaring the incident');
      await harness.kill();
      expect(await harness.database.prisma.incident.count(), 'the declare was not committed').toBe(0);
      expect(await unfinishedRows(harness)).toHaveLength(1);

      await harness.start();
      const notice = await harness.waitFor('the notice to Ann', () => directMessages(harness, ann)[0]);
      expect(notice).toContain('Your /firebreak command');
      expect(notice).toContain('was most likely not done');
      expect(notice).toContain('do it again');
    } finally {
      await harness.close();
    }
  }, 120_000);

  it('that then commits leaves nothing behind: a restart tells no one anything', async () => {
    const harness = await startCrashHarness({ provider });
    try {
      const { ann } = harness.people;
      await harness.start();
      harness.fake.api.faults.delay('conversations.info', 3_000, { channel: harness.support, forMs: 8_000 });
      const answer = await harness.command(ann, `declare <#${harness.support}> sev2 Login failing for many members`);
      expect(answer.body).toContain('Declaring the incident');
      await harness.waitFor('the incident', async () => (await harness.database.prisma.incident.count()) === 1 || undefined);
      await harness.waitFor('nothing left unfinished', async () => (await unfinishedRows(harness)).length === 0 || undefined);
      await harness.kill();
      await harness.start();
      await sleep(2_000);
      expect(directMessages(harness, ann)).toHaveLength(0);
    } finally {
      await harness.close();
    }
  }, 120_000);
});
