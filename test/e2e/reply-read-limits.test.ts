// Public replies when Slack limits history reads as it does for apps not approved for its Marketplace
// (conversations.history and conversations.replies: one call a minute, 15 messages a page, 429 with
// Retry-After 60 otherwise). A reply is never posted twice, never without its thread parent's check, never
// lost; its waits are rescheduled in the database and stall nothing else; staff see why it waits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../src/i18n/index.js';
import type { Clock } from '../../src/domain/clock.js';
import { availableProviders } from '../support/databases.js';
import { busyChannelAfter, declareLoginIncident, draftAndApprove, draftNumbered, startHarness, type Harness } from './harness.js';

/** The wall clock, moved ahead on demand: minutes of Retry-After pass in a moment, for Firebreak and Slack alike. */
class JumpingClock implements Clock {
  private offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
  jumpTo(at: number): void {
    if (at > this.now()) this.offset += at - this.now();
  }
}

describe.each(availableProviders)('public replies under Slack’s read limits for unlisted apps, on %s', (provider) => {
  let harness: Harness;
  const clock = new JumpingClock();
  let skipping: NodeJS.Timeout | undefined;

  beforeAll(async () => {
    harness = await startHarness({ provider, clock, slackClock: clock, env: { OUTBOX_UNANSWERED_WAIT_SECONDS: '2' } });
    await declareLoginIncident(harness);
    harness.fake.api.faults.limitReadsLikeUnlistedApp();
  });
  afterAll(async () => {
    stopSkipping();
    await harness?.close();
  });

  const prisma = () => harness.app.database.prisma;
  const publicReplies = (text: string) => harness.fake.workspace.messagesIn(harness.support).filter((message) => message.bot_id && message.text.includes(text));
  const replyItem = async (number: number) => prisma().outboxItem.findFirstOrThrow({ where: { key: `reply:${(await draftNumbered(harness, number)).id}:r1` } });

  /** Whenever a write waits out a rate-limited read, the clock jumps to its retry: the wait passes at once. */
  function skipReadWaits(): void {
    skipping = setInterval(() => {
      void prisma()
        // Any rate-limited wait (as Firebreak before this change marked it, too), so a test fails on behaviour.
        .outboxItem.findFirst({ where: { status: 'pending', OR: [{ lastError: { startsWith: 'waiting_for_read:' } }, { lastError: 'ratelimited' }] }, orderBy: { nextAttemptAt: 'asc' } })
        .then((waiting) => {
          if (waiting) clock.jumpTo(waiting.nextAttemptAt.getTime() + 10);
        })
        .catch(() => undefined);
    }, 100);
  }
  function stopSkipping(): void {
    if (skipping) clearInterval(skipping);
    skipping = undefined;
  }

  it('a look-up Slack rate-limits waits in the database, lets the channel’s other replies and the alert thread go, and is said in the thread', async () => {
    const waiting = 'Waiting look-up: we are on it';
    const stop = busyChannelAfter(harness, waiting, 40);
    harness.fake.api.faults.loseAnswer('chat.postMessage', { channel: harness.support, times: 1 });
    try {
      const number = await draftAndApprove(harness, `${waiting}, updates here within the hour.`);
      // The look-up read one page of 15, then Slack said wait a minute: the wait is a row, not a sleep.
      const parked = await harness.waitFor('the look-up rescheduled', async () => {
        const item = await replyItem(number);
        return item.status === 'pending' && item.lastError === 'waiting_for_read:lookup' ? item : undefined;
      });
      expect(parked.nextAttemptAt.getTime()).toBeGreaterThan(clock.now() + 50_000);
      expect(parked.readProgress).toMatchObject({ read: 'lookup', messagesRead: 15, cursor: expect.any(String) });
      const told = t('en', 'preflight.waiting.lookup', { draftNumber: number, channel: `<#${harness.support}>`, minutes: 15 });
      await harness.waitFor('the thread told why it waits', () => harness.thread().find((message) => message.text === told));

      // Another reply to the same channel goes out meanwhile (before: it queued behind the waiting one).
      const other = 'Meanwhile: the login page is back for most of you';
      const otherNumber = await draftAndApprove(harness, `${other}.`);
      await harness.waitFor('the other reply posted', async () => (await draftNumbered(harness, otherNumber)).status === 'posted', 20_000);
      expect(publicReplies(other)).toHaveLength(1);
      expect((await replyItem(number)).status).toBe('pending');
    } finally {
      stop();
    }
    // Minutes pass: the look-up resumes from its cursor, finds the first attempt's post and adopts it.
    skipReadWaits();
    try {
      const number = (await prisma().replyDraft.count()) - 1;
      await harness.waitFor('the waiting reply adopted', async () => (await draftNumbered(harness, number)).status === 'posted', 30_000);
      expect(publicReplies(waiting)).toHaveLength(1);
      expect(await replyItem(number)).toMatchObject({ status: 'sent', uncertain: true, result: expect.objectContaining({ adopted: true, ts: publicReplies(waiting)[0]!.ts }) });
    } finally {
      stopSkipping();
    }
  }, 90_000);

  it('after each 429 the look-up resumes from its cursor, reading each page once, and still finds the post among 100 messages', async () => {
    const marker = 'Resumed look-up: we are on it';
    const stop = busyChannelAfter(harness, marker, 100);
    harness.fake.api.faults.loseAnswer('chat.postMessage', { channel: harness.support, times: 1 });
    skipReadWaits();
    try {
      const since = harness.fake.api.calls().length;
      const number = await draftAndApprove(harness, `${marker}, updates here within the hour.`);
      // Before: every retry started again from page 1, read one page, was limited, and never got further.
      await harness.waitFor('the draft posted', async () => (await draftNumbered(harness, number)).status === 'posted', 120_000).catch(async (error: unknown) => {
        const { status, lastError, readProgress, nextAttemptAt } = await replyItem(number);
        throw new Error(`${String(error)}; the reply is ${JSON.stringify({ status, lastError, readProgress, dueInMs: nextAttemptAt.getTime() - clock.now() })}`);
      });
      expect(publicReplies(marker)).toHaveLength(1);
      expect(await replyItem(number)).toMatchObject({ status: 'sent', uncertain: true, result: expect.objectContaining({ adopted: true }) });
      const pages = harness.fake.api
        .calls('conversations.history')
        .filter((call) => call.status === 200 && call.args['channel'] === harness.support && harness.fake.api.calls().indexOf(call) >= since);
      // 101 messages since the attempt at 15 a page: 7 pages, each read once.
      expect(pages.length).toBeLessThanOrEqual(7);
      expect(pages.filter((call) => call.args['cursor'] === undefined)).toHaveLength(1);
      expect(new Set(pages.map((call) => call.args['cursor'])).size).toBe(pages.length);
    } finally {
      stop();
      stopSkipping();
    }
  }, 180_000);

  it('a member’s message Firebreak saw deleted holds the reply to it without asking Slack', async () => {
    const member = harness.people.members[0]!;
    const question = harness.fake.workspace.postMessage({ user_id: member }, harness.support, { text: 'Can I get a refund for the downtime?' });
    const marker = 'Known deleted parent: refunds are coming';
    const number = await draftAndApprove(harness, `${marker}, we will write to you.`, question.ts, async () => {
      // Slack told Firebreak of the deletion (the message is still in this loopback Slack, as if its read lagged).
      const deletion = { type: 'message', subtype: 'message_deleted', channel: harness.support, ts: `${Math.floor(Date.now() / 1000)}.999000`, deleted_ts: question.ts, hidden: true };
      expect((await harness.event(deletion)).status).toBe(200);
      await harness.waitFor('the deletion recorded', async () => (await prisma().scoredMessage.findFirst({ where: { ts: question.ts, deletedAt: { not: null } } })) ?? undefined);
    });
    await harness.waitFor('the reply held', async () => (await replyItem(number)).status === 'failed', 20_000);
    expect(await replyItem(number)).toMatchObject({ lastError: 'held:parent_deleted' });
    const told = t('en', 'preflight.held', { draftNumber: number, reason: t('en', 'preflight.hold.parent_deleted', { channel: `<#${harness.support}>` }) });
    await harness.waitFor('the thread told', () => harness.thread().find((message) => message.text === told));
    expect(harness.fake.api.calls('conversations.replies').filter((call) => call.args['ts'] === question.ts)).toEqual([]);
    expect(publicReplies(marker)).toEqual([]);
  }, 60_000);

  it('a parent check Slack rate-limits waits, is said in the thread and posts after the check; one Slack never allows is held with the reason', async () => {
    const member = harness.people.members[1]!;
    const question = harness.fake.workspace.postMessage({ user_id: member }, harness.support, { text: 'Is my data safe?' });
    const marker = 'Checked parent: your data is safe';
    harness.fake.api.faults.rateLimit('conversations.replies', 60, { times: 1 });
    skipReadWaits();
    try {
      const number = await draftAndApprove(harness, `${marker}, we are on it.`, question.ts);
      await harness.waitFor('the reply posted', async () => (await draftNumbered(harness, number)).status === 'posted', 30_000);
      const told = t('en', 'preflight.waiting.parent', { draftNumber: number, channel: `<#${harness.support}>`, minutes: 15 });
      await harness.waitFor('the thread told why it waited', () => harness.thread().find((message) => message.text === told));
      const checks = harness.fake.api.calls('conversations.replies').filter((call) => call.args['ts'] === question.ts);
      expect(checks.map((call) => call.status)).toEqual([429, 200]);
      const posted = publicReplies(marker);
      expect(posted).toHaveLength(1);
      expect(posted[0]!.thread_ts).toBe(question.ts);
      // Never posted before its check passed.
      const post = harness.fake.api.calls('chat.postMessage').find((call) => String(call.args['text']).includes(marker))!;
      expect(post.at).toBeGreaterThanOrEqual(checks[1]!.at);
    } finally {
      stopSkipping();
    }

    const another = harness.fake.workspace.postMessage({ user_id: member }, harness.support, { text: 'And my password?' });
    const refused = 'Never checked parent: change your password';
    harness.fake.api.faults.rateLimit('conversations.replies', 60, { forMs: 24 * 3_600_000 });
    skipReadWaits();
    try {
      const number = await draftAndApprove(harness, `${refused}, just in case.`, another.ts);
      await harness.waitFor('the reply held', async () => (await replyItem(number)).status === 'failed', 60_000);
      expect(await replyItem(number)).toMatchObject({ lastError: 'held:parent_unchecked' });
      const told = t('en', 'preflight.held', { draftNumber: number, reason: t('en', 'preflight.hold.parent_unchecked', { channel: `<#${harness.support}>` }) });
      await harness.waitFor('the thread told', () => harness.thread().find((message) => message.text === told));
      expect(publicReplies(refused)).toEqual([]);
      expect((await draftNumbered(harness, number)).status).toBe('not_posted');
    } finally {
      stopSkipping();
      harness.fake.api.faults.clear();
      harness.fake.api.faults.limitReadsLikeUnlistedApp();
    }
  }, 120_000);
});
