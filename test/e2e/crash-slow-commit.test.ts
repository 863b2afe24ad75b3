// Acknowledged means stored, even when the database is slow to commit: `firebreak start` as a child
// process, a click or command acknowledged while its write waits for the database (a busy PostgreSQL,
// another instance's long transaction, SQLite's writer lock), and the process SIGKILLed as soon as the
// acknowledgement arrives. Slack never sends an acknowledged request again, so its effect must already
// be in the database.
import { describe, expect, it } from 'vitest';
import { actionIds, callbackIds, inputIds, postMortemInputIds } from '../../src/slack/blocks/ids.js';
import { isoDay } from '../../src/slack/blocks/postmortem.js';
import type { AppResponse } from '../../src/sandbox/signing.js';
import { startCrashHarness, type CrashHarness } from '../support/crash-harness.js';
import { crisisTest } from '../support/crisis-test.js';
import { availableProviders } from '../support/databases.js';
import { findButtons, spikeMessages } from './harness.js';

const DAY = 86_400_000;
/** How long the test holds the database's writes: well under the 2 s after which a listener is acknowledged for it. */
const SLOW_COMMIT_MS = 900;

/** Sends a request while writes are held; releases them after SLOW_COMMIT_MS; kills the instance the moment the answer arrives. */
async function acknowledgedThenKilled(harness: CrashHarness, send: () => Promise<AppResponse>): Promise<AppResponse> {
  const release = await harness.holdWrites();
  const released = new Promise<void>((resolve) => setTimeout(() => void release().then(resolve), SLOW_COMMIT_MS));
  const answer = await send();
  await harness.kill();
  await released;
  return answer;
}

const text = (value: string) => ({ type: 'plain_text_input', value });

// PostgreSQL only: there a held lock is a slow commit, with no limit but the transaction's own timeout.
// SQLite (a single instance: the only other writers are a CLI command, a backup, another program) waits
// for another process's lock too, without blocking, but gives up after about 5 s (DatabaseLockedError):
// test/e2e/crash.test.ts covers a click whose decision fails that way.
describe.skipIf(!availableProviders.includes('postgres'))('SIGKILL right after an acknowledgement, the commit slow (postgres)', () => {
  const provider = 'postgres';
  const crisis = crisisTest({ provider });

  // A declare slower than 1.5 s (a loaded machine) answers "Declaring…" before its commit, by design (the
  // result follows through its response_url): that answer does not say it is stored, so the attempt is
  // run again on a fresh instance, and only an answer that says the incident is declared is judged.
  it.concurrent(
    'a /firebreak declare that was acknowledged has opened its incident',
    async () => {
      for (let attempt = 1; ; attempt++) {
        const harness = await startCrashHarness({ provider });
        try {
          await harness.start();
          const answer = await acknowledgedThenKilled(harness, () => harness.command(harness.people.ann, `declare <#${harness.support}|support> sev2 Login failing for many members`));
          expect(answer.status).toBe(200);
          if (answer.body.includes('Declaring the incident')) {
            if (attempt < 3) continue;
            throw new Error('every attempt answered "Declaring…" (the commit took over 1.5 s): too slow a machine to judge this case');
          }
          expect(await harness.database.prisma.incident.count({ where: { channelId: harness.support } })).toBe(1);

          // After the restart its alert is posted, once.
          await harness.start();
          await harness.waitFor('the alert', () => harness.rootMessage());
          await new Promise((resolve) => setTimeout(resolve, 1_500));
          expect(harness.outboxMessages(harness.alerts).filter((message) => message.key.endsWith(':root'))).toHaveLength(1);
          return;
        } finally {
          await harness.close();
        }
      }
    },
    150_000,
  );

  crisis('a sentiment mark that was acknowledged is stored', async (harness) => {
    const { ann } = harness.people;
    const member = harness.people.members[0] as string;
    const text = 'honestly the new lobby music is sick';
    const ts = `${Math.floor(Date.now() / 1000)}.000100`;
    expect((await harness.post(member, text, { ts })).status).toBe(200);
    await harness.waitFor('the message stored', async () => (await harness.database.prisma.scoredMessage.count()) === 1 || undefined);
    await harness.shortcut(ann, callbackIds.markSentimentShortcut, { ts, text, user: member });
    await harness.waitFor('the modal', () => harness.openModal(ann)?.callback_id === callbackIds.markSentimentModal || undefined);
    const answer = await acknowledgedThenKilled(harness, () =>
      harness.submit(ann, { [inputIds.sentimentVerdict]: { [inputIds.sentimentVerdict]: { type: 'radio_buttons', selected_option: { value: 'not_negative' } } } }),
    );
    expect(answer.status).toBe(200);
    expect(await harness.database.prisma.feedback.count({ where: { via: 'shortcut', messageTs: ts } })).toBe(1);
  });

  crisis('a post-mortem approval that was acknowledged is in the post-mortem', async (harness) => {
    const { ann, ben, sam } = harness.people;
    const prisma = harness.database.prisma;
    const threadWith = (actionId: string) => harness.thread().filter((message) => findButtons(message.blocks ?? []).some((button) => button.action_id === actionId));
    await harness.command(ann, `declare <#${harness.support}|support> sev2 Payments failing`);
    const root = await harness.waitFor('the alert', () => harness.rootMessage());
    // Its one checklist step is required before it can be resolved.
    const checklist = await harness.waitFor('the checklist', () => harness.fake.workspace.messagesIn(harness.alerts).find((message) => message.thread_ts === root.ts && findButtons(message.blocks ?? []).some((button) => button.action_id === actionIds.toggleStep)) ?? harness.fake.workspace.messagesIn(harness.alerts).find((message) => findButtons(message.blocks ?? []).some((button) => button.action_id === actionIds.toggleStep)));
    await harness.click(ann, harness.alerts, checklist.ts, actionIds.toggleStep);
    await harness.waitFor('the step ticked', async () => (await prisma.checklistItem.count({ where: { doneAt: { not: null } } })) === 1);
    const resolved = await harness.command(ann, 'resolve 1 The card processor is back');
    expect(resolved.body).not.toMatch(/cannot|can't|refus/i);
    const invite = await harness.waitFor('the post-mortem invitation', () => threadWith(actionIds.openPostMortem)[0]);
    await harness.click(ann, harness.alerts, invite.ts, actionIds.openPostMortem);
    await harness.waitFor('the post-mortem modal', () => harness.openModal(ann));
    const submitted = await harness.submit(ann, {
      summary: { summary: text('Card payments failed because the processor was down.') },
      impact: { impact: text('Card payments failed for 40 minutes.') },
      whatHappened: { whatHappened: text('The card processor went down.') },
      whatWentWell: { whatWentWell: text('Detection was quick.') },
      whatToImprove: { whatToImprove: text('Watch the processor status page.') },
      'question.lessons': { 'question.lessons': text('Tell members sooner.') },
      [postMortemInputIds.actionItem(0, 'text')]: { [postMortemInputIds.actionItem(0, 'text')]: text('Alert on card processor errors') },
      [postMortemInputIds.actionItem(0, 'owner')]: { [postMortemInputIds.actionItem(0, 'owner')]: { type: 'users_select', selected_user: sam } },
      [postMortemInputIds.actionItem(0, 'dueAt')]: { [postMortemInputIds.actionItem(0, 'dueAt')]: { type: 'datepicker', selected_date: isoDay(Date.now() + 7 * DAY, 'UTC') } },
      [postMortemInputIds.intent]: { [postMortemInputIds.intent]: { type: 'radio_buttons', selected_option: { value: 'submit' } } },
    });
    expect(submitted.body).not.toContain('errors');
    const review = await harness.waitFor('the review request', () => threadWith(actionIds.approvePostMortem)[0]);
    const reviewsBefore = ((await prisma.postMortem.findFirstOrThrow()).reviews as unknown[]).length;

    const answer = await acknowledgedThenKilled(harness, () => harness.click(ben, harness.alerts, review.ts, actionIds.approvePostMortem));
    expect(answer.status).toBe(200);
    const reviews = (await prisma.postMortem.findFirstOrThrow()).reviews as { reviewerUserId?: string; decision?: string }[];
    expect(reviews).toHaveLength(reviewsBefore + 1);
    expect(JSON.stringify(reviews.at(-1))).toContain(ben);

    // Cleo approves too: published, its action item is reminded; it comes due; its owner marks it done.
    await harness.start();
    await harness.click(harness.people.cleo, harness.alerts, review.ts, actionIds.approvePostMortem);
    await harness.waitFor('published', async () => (await prisma.postMortem.findFirstOrThrow()).status === 'published');
    const item = await prisma.actionItem.findFirstOrThrow();
    await prisma.reminder.update({ where: { key: `postmortem:action:${item.id}` }, data: { dueAt: new Date(Date.now() - 1_000) } });
    const reminder = await harness.waitFor('the action item reminder', () => threadWith(actionIds.actionItemDone)[0], 45_000);
    const done = await acknowledgedThenKilled(harness, () => harness.click(sam, harness.alerts, reminder.ts, actionIds.actionItemDone));
    expect(done.status).toBe(200);
    expect((await prisma.actionItem.findFirstOrThrow()).doneAt).not.toBeNull();
  });

  crisis('staff feedback on a detected alert that was acknowledged is stored: Real crisis, False alarm, a sample’s verdict, Undo', async (harness) => {
    const { ann, ben, cleo } = harness.people;
    const prisma = harness.database.prisma;
    // The detector raises the alert on the leader's tick: the spike goes in first (a live tick would close
    // its minutes before their messages arrive), then an instance that ticks every second raises it.
    const spike = spikeMessages(harness.people.members);
    for (const { user, text, atMs } of spike) expect((await harness.post(user, text, { atMs })).status).toBe(200);
    await harness.waitFor('the spike scored', async () => (await prisma.scoredMessage.count()) === spike.length || undefined);
    await harness.kill();
    await harness.start({ DETECTION_INTERVAL_SECONDS: '1' });
    const alertWithFeedback = () => {
      const alert = harness.rootMessage();
      const shown = findButtons(alert?.blocks ?? []).map((button) => button.action_id);
      return shown.includes(actionIds.realCrisis) && shown.includes(actionIds.sampleNotNegative) ? alert : undefined;
    };
    const root = await harness.waitFor('the detected alert with its feedback buttons', alertWithFeedback, 45_000);
    // The clicks go to instances that do not tick, so only the click writes while writes are held.
    await harness.kill();
    await harness.start();

    for (const [user, actionId, verdict] of [[ann, actionIds.realCrisis, 'real_crisis'], [ben, actionIds.falseAlarm, 'false_alarm']] as const) {
      const answer = await acknowledgedThenKilled(harness, () => harness.click(user, harness.alerts, root.ts, actionId));
      expect(answer.status).toBe(200);
      expect(await prisma.feedback.count({ where: { userId: user, target: 'alert', verdict } }), `${verdict} stored`).toBe(1);
      await harness.start();
    }

    const sample = await acknowledgedThenKilled(harness, () => harness.click(cleo, harness.alerts, root.ts, actionIds.sampleNotNegative));
    expect(sample.status).toBe(200);
    expect(await prisma.feedback.count({ where: { userId: cleo, via: 'sample_button', verdict: 'not_negative' } }), 'the sample verdict stored').toBe(1);

    // Undo is on the confirmation of a click that was answered in full.
    await harness.start();
    await harness.click(cleo, harness.alerts, root.ts, actionIds.sampleNegative);
    const given = await harness.waitFor('the negative verdict', async () => (await prisma.feedback.findFirst({ where: { userId: cleo, verdict: 'negative' } })) ?? undefined);
    const undo = await acknowledgedThenKilled(harness, () => harness.clickEphemeral(cleo, actionIds.undoFeedback, { match: (value) => value.includes(given.id) }));
    expect(undo.status).toBe(200);
    expect((await prisma.feedback.findUniqueOrThrow({ where: { id: given.id } })).undoneAt, 'the undo stored').not.toBeNull();
  }, { timeoutMs: 150_000 });
});
