// The whole product under crashes: `firebreak start` as a child process, killed with SIGKILL at the
// worst moments of a crisis and started again, against a loopback Slack in this process. People act
// through signed requests, as Slack sends them; what counts is what reaches Slack and the database.
import { describe, expect } from 'vitest';
import { actionIds } from '../../src/slack/blocks/ids.js';
import { ACK_DEADLINE_MS } from '../../src/slack/listener-guard.js';
import type { CrashHarness } from '../support/crash-harness.js';
import { crisisTest, settle } from '../support/crisis-test.js';
import { availableProviders } from '../support/databases.js';
import { LEADS_APPROVE_TWO, playbookYaml } from '../support/playbook-yaml.js';
import { directMessagesTo } from '../support/staff-actions.js';
import { draftValues, findButtons } from './harness.js';

/** Acknowledgement after one minute (unacknowledged), checklist step due after two. */
const REMINDING_PLAYBOOK = playbookYaml({
  id: 'crash-support',
  roles: [...LEADS_APPROVE_TWO, 'canResolve: [lead, approvers]'],
  checklist: [{ id: 'status-page', title: { es: 'Actualizar la página de estado', en: 'Update the status page' }, dueAfterMinutes: 2 }],
  reply: { es: 'Sabemos que hay un problema con {{brand}} y ya estamos en ello.', en: 'We know something is wrong with {{brand}} and we are on it.' },
  unacknowledged: { afterMinutes: 1, notify: '["@community-leads"]', repeatEveryMinutes: 60, maxRepeats: 0 },
});


/** Declares an incident, has Cleo draft `text`, and returns the draft card's ts. */
async function declareAndDraft(harness: CrashHarness, text: string): Promise<string> {
  const declared = await harness.command(harness.people.ann, `declare <#${harness.support}|support> sev2 Login failing for many members`);
  expect(declared.status).toBe(200);
  const root = await harness.waitFor('the alert', () => harness.rootMessage());
  await harness.click(harness.people.cleo, harness.alerts, root.ts, actionIds.draftReply);
  await harness.waitFor('the draft modal', () => harness.openModal(harness.people.cleo));
  expect((await harness.submit(harness.people.cleo, draftValues(text))).status).toBe(200);
  const card = await harness.waitFor('the draft card', () =>
    harness.thread().find((message) => findButtons(message.blocks ?? []).some((button) => button.action_id === actionIds.approveDraft)),
  );
  return card.ts;
}

function publicReplies(harness: CrashHarness, text: string) {
  return harness.fake.workspace.messagesIn(harness.support).filter((message) => message.bot_id && message.text.includes(text));
}

const outboxIdle = (harness: CrashHarness) => harness.waitFor('the outbox idle', async () => (await harness.database.prisma.outboxItem.count({ where: { status: { in: ['pending', 'sending'] } } })) === 0);

// Each test runs its own loopback Slack, database and child processes, so the tests of a provider run
// side by side; the Slack fault test does not depend on the database and runs on SQLite only.
describe.each(availableProviders)('SIGKILL during a crisis (%s)', (provider) => {
  const crisis = crisisTest({ provider, playbook: REMINDING_PLAYBOOK });

  crisis('killed with acknowledged messages still waiting to be processed: after the restart every one is stored, once', async (harness) => {
    // Storing the first message of a channel waits for its name from Slack: held, so nothing is processed yet.
    // Every call for a minute, not only the next: start-up's own look-ups (the alerts-channel check) may come first.
    harness.fake.api.faults.delay('conversations.info', 90_000, { forMs: 60_000 });
    const texts = ['The app is down again', 'I cannot log in, this is awful', 'Worst update ever', 'Nothing works since this morning'];
    for (const [index, text] of texts.entries()) {
      const acknowledged = await harness.post(harness.people.members[index % harness.people.members.length]!, text, { eventId: `Ev0KEPT${index}` });
      expect(acknowledged.status).toBe(200);
    }
    await harness.kill();
    expect(await harness.database.prisma.scoredMessage.count()).toBe(0);
    expect(await harness.database.prisma.inboundEvent.count()).toBe(texts.length);

    harness.fake.api.faults.clear();
    await harness.start();
    await harness.waitFor('every acknowledged message stored', async () => (await harness.database.prisma.scoredMessage.count()) === texts.length);
    await harness.waitFor('the inbox emptied', async () => (await harness.database.prisma.inboundEvent.count()) === 0);
    const stored = await harness.database.prisma.scoredMessage.findMany({ select: { text: true } });
    expect(stored.map((message) => message.text).sort()).toEqual([...texts].sort());
  });

  crisis('killed right after the second approval click is acknowledged: after the restart the draft is approved and the reply posted once', async (harness) => {
    const card = await declareAndDraft(harness, 'We know login is failing and we are on it.');
    await harness.click(harness.people.ann, harness.alerts, card, actionIds.approveDraft);
    await harness.waitFor('the first approval', async () => (await harness.database.prisma.approval.count()) === 1);
    const clickedAt = Date.now();
    const acknowledged = await harness.click(harness.people.ben, harness.alerts, card, actionIds.approveDraft);
    const waited = Date.now() - clickedAt;
    expect(acknowledged.status).toBe(200);
    await harness.kill();

    const stored = await harness.database.prisma.approval.count({ where: { voidedAt: null } });
    if (waited < ACK_DEADLINE_MS - 100) {
      // Acknowledged by its listener, i.e. after the commit: in the database, since Slack never sends a click again.
      expect(stored).toBe(2);
    } else if (stored < 2) {
      // A loaded machine: the guard acknowledged it at the deadline, before the commit. Then Ben is told,
      // at the next start, that it was most likely not done, and he clicks again as the notice asks.
      await harness.start();
      const notice = await harness.waitFor('the notice to Ben', () => directMessagesTo(harness.fake, harness.people.ben)[0]);
      expect(notice).toContain('was most likely not done');
      expect((await harness.click(harness.people.ben, harness.alerts, card, actionIds.approveDraft)).status).toBe(200);
    }
    if (harness.live.length === 0) await harness.start();
    const draft = await harness.waitFor('the draft marked posted', async () => (await harness.database.prisma.replyDraft.findFirst({ where: { status: 'posted' } })) ?? undefined);
    await settle();
    expect(publicReplies(harness, 'login is failing')).toHaveLength(1);
    expect(draft.postedTs).toBe(publicReplies(harness, 'login is failing')[0]?.ts);
  });

  // Another process holds SQLite's write lock (a `firebreak` command, a backup) for longer than the store
  // waits for it (about 5 s): the click's decision fails after Slack was answered, and is still told.
  crisis(
    'a click whose decision fails is told to its person, never acknowledged in silence, and the click again works',
    async (harness) => {
      const { ben } = harness.people;
      const card = await declareAndDraft(harness, 'We know login is failing and we are on it.');
      // Nothing else writing meanwhile: the outbox's writes would wait for the lock too.
      await outboxIdle(harness);
      const release = await harness.holdWrites();
      try {
        expect((await harness.click(ben, harness.alerts, card, actionIds.approveDraft)).status).toBe(200);
        const told = await harness.waitFor('the explanation to Ben', () => harness.fake.workspace.ephemeralFor(ben).find((message) => message.text.includes('could not do this')));
        expect(told.text).toContain('Please try again');
      } finally {
        await release();
      }
      expect(await harness.database.prisma.approval.count()).toBe(0);
      await harness.click(ben, harness.alerts, card, actionIds.approveDraft);
      await harness.waitFor('his approval', async () => (await harness.database.prisma.approval.count()) === 1);
    },
    { skip: provider !== 'sqlite' },
  );

  crisis('killed while the public reply is in flight: the post that landed is adopted by its metadata, never posted again', async (harness) => {
    const card = await declareAndDraft(harness, 'Payments are failing; we are on it.');
    await harness.click(harness.people.ann, harness.alerts, card, actionIds.approveDraft);
    await harness.waitFor('the first approval', async () => (await harness.database.prisma.approval.count()) === 1);
    const inFlight = harness.gate.holdNext(harness.support);
    await harness.click(harness.people.ben, harness.alerts, card, actionIds.approveDraft);
    await inFlight;
    const item = await harness.database.prisma.outboxItem.findFirstOrThrow({ where: { channelId: harness.support } });
    expect(item.status).toBe('sending');
    await harness.kill();
    // Slack did the post after all; the instance that asked never heard back.
    await harness.gate.release();
    expect(publicReplies(harness, 'Payments are failing')).toHaveLength(1);

    await harness.start();
    const draft = await harness.waitFor('the draft marked posted', async () => (await harness.database.prisma.replyDraft.findFirst({ where: { status: 'posted' } })) ?? undefined);
    await settle();
    expect(publicReplies(harness, 'Payments are failing')).toHaveLength(1);
    expect(draft.postedTs).toBe(publicReplies(harness, 'Payments are failing')[0]?.ts);
    expect(await harness.database.prisma.outboxItem.findUniqueOrThrow({ where: { id: item.id } })).toMatchObject({ status: 'sent', uncertain: true, result: { adopted: true } });
  });

  crisis('killed while the public reply is in flight, and Slack lands it only after the restart: the new process waits for it, adopts it, never posts again', async (harness) => {
    const card = await declareAndDraft(harness, 'Checkout is failing; we are on it.');
    await harness.click(harness.people.ann, harness.alerts, card, actionIds.approveDraft);
    await harness.waitFor('the first approval', async () => (await harness.database.prisma.approval.count()) === 1);
    const inFlight = harness.gate.holdNext(harness.support);
    await harness.click(harness.people.ben, harness.alerts, card, actionIds.approveDraft);
    await inFlight;
    await harness.kill();
    // The new process is up (a restart under load takes a while: it waits 45 s from the dead call) and
    // has had time to take the post over, while Slack is still doing the dead one's call.
    await harness.start({ OUTBOX_UNANSWERED_WAIT_SECONDS: '45' });
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await harness.gate.release();
    const draft = await harness.waitFor('the draft marked posted', async () => (await harness.database.prisma.replyDraft.findFirst({ where: { status: 'posted' } })) ?? undefined, 75_000);
    await settle();
    expect(publicReplies(harness, 'Checkout is failing')).toHaveLength(1);
    expect(draft.postedTs).toBe(publicReplies(harness, 'Checkout is failing')[0]?.ts);
  });

  crisis('reminders due while the app was down fire once after the restart, marked late, even when killed again while posting one', async (harness) => {
    await harness.command(harness.people.ann, `declare <#${harness.support}|support> sev2 Login failing for many members`);
    await harness.waitFor('the alert', () => harness.rootMessage());
    await outboxIdle(harness);
    await harness.kill();
    const reminders = await harness.database.prisma.reminder.findMany({ where: { status: 'pending', incidentId: { not: null } } });
    expect(reminders.length).toBeGreaterThanOrEqual(2);
    // Down for five minutes: every reminder of the incident came due meanwhile.
    await harness.database.prisma.reminder.updateMany({ where: { id: { in: reminders.map((reminder) => reminder.id) } }, data: { dueAt: new Date(Date.now() - 5 * 60_000) } });

    // The first reminder's message is on the wire when the restarted instance is killed again.
    const inFlight = harness.gate.holdNext(harness.alerts);
    await harness.start();
    await inFlight;
    await harness.kill();
    await harness.gate.release();
    await harness.start();
    await harness.waitFor('every reminder fired', async () => (await harness.database.prisma.reminder.count({ where: { id: { in: reminders.map((r) => r.id) }, status: 'fired' } })) === reminders.length);
    await outboxIdle(harness);
    await settle();

    const fired = await harness.database.prisma.reminder.findMany({ where: { id: { in: reminders.map((reminder) => reminder.id) } } });
    expect(fired.every((reminder) => reminder.late)).toBe(true);
    const posted = harness.outboxMessages(harness.alerts).filter((message) => message.key.startsWith('reminder:'));
    for (const reminder of fired) {
      expect(posted.filter((message) => message.key.startsWith(`reminder:${reminder.key}:`)), reminder.key).toHaveLength(1);
    }
    const keys = harness.outboxMessages(harness.alerts).map((message) => message.key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  crisis('Slack answering 429 for a while, then 500s: replies are delayed, not dropped or doubled', async (harness) => {
    const card = await declareAndDraft(harness, 'First update: we are looking into login.');
    await harness.click(harness.people.ann, harness.alerts, card, actionIds.approveDraft);
    await harness.waitFor('the first approval', async () => (await harness.database.prisma.approval.count()) === 1);
    harness.fake.api.faults.rateLimit('chat.postMessage', 1, { forMs: 3_000 });
    const limitedAt = Date.now();
    await harness.click(harness.people.ben, harness.alerts, card, actionIds.approveDraft);
    await harness.waitFor('the first reply', () => publicReplies(harness, 'First update')[0]);
    expect(Date.now() - limitedAt).toBeGreaterThanOrEqual(2_500);

    const root = harness.rootMessage()!;
    await harness.click(harness.people.cleo, harness.alerts, root.ts, actionIds.draftReply);
    await harness.waitFor('the draft modal', () => harness.openModal(harness.people.cleo));
    await harness.submit(harness.people.cleo, draftValues('Second update: login is fixed.'));
    const second = await harness.waitFor('the second draft card', () =>
      harness.thread().find((message) => message.ts !== card && findButtons(message.blocks ?? []).some((button) => button.action_id === actionIds.approveDraft)),
    );
    await harness.click(harness.people.ann, harness.alerts, second.ts, actionIds.approveDraft);
    await harness.waitFor('the approval', async () => (await harness.database.prisma.approval.count({ where: { voidedAt: null } })) === 3);
    harness.fake.api.faults.serverError('chat.postMessage', { times: 3 });
    await harness.click(harness.people.ben, harness.alerts, second.ts, actionIds.approveDraft);
    await harness.waitFor('the second reply', () => publicReplies(harness, 'Second update')[0]);
    await outboxIdle(harness);
    await settle();

    expect(publicReplies(harness, 'First update')).toHaveLength(1);
    expect(publicReplies(harness, 'Second update')).toHaveLength(1);
    for (const channel of [harness.alerts, harness.support]) {
      const keys = harness.outboxMessages(channel).map((message) => message.key);
      expect(new Set(keys).size).toBe(keys.length);
    }
    expect(await harness.database.prisma.outboxItem.count({ where: { status: { not: 'sent' } } })).toBe(0);
  }, { skip: provider !== 'sqlite' });
});
