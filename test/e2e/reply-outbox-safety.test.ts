// A public reply the outbox cannot be sure about is held for staff, never posted twice nor out of place:
// the look-up for an earlier attempt reads every message since it (a busy channel included) and holds
// the reply when it cannot read them all; a reply to a member's message deleted meanwhile is held.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../src/i18n/index.js';
import { availableProviders } from '../support/databases.js';
import { busyChannelAfter, declareLoginIncident, draftAndApprove, draftNumbered, startHarness, type Harness } from './harness.js';

describe.each(availableProviders)('public replies the outbox is unsure about, through Slack on %s', (provider) => {
  let harness: Harness;
  beforeAll(async () => {
    // An unanswered post is looked for 2 s after its attempt (60 s by default), to keep the test short.
    harness = await startHarness({ provider, env: { OUTBOX_UNANSWERED_WAIT_SECONDS: '2' } });
    await declareLoginIncident(harness);
  });
  afterAll(async () => {
    await harness?.close();
  });

  const prisma = () => harness.app.database.prisma;
  const publicReplies = (text: string) => harness.fake.workspace.messagesIn(harness.support).filter((message) => message.bot_id && message.text.includes(text));

  it('Slack posts the reply but its answer is lost, and 1,200 messages follow it: the look-up reads them all and the community sees it once', async () => {
    const marker = 'Busy channel: we are on it';
    const stop = busyChannelAfter(harness, marker, 1_200);
    harness.fake.api.faults.loseAnswer('chat.postMessage', { channel: harness.support, times: 1 });
    try {
      const number = await draftAndApprove(harness, `${marker}, updates here within the hour.`);
      await harness.waitFor('the draft posted', async () => (await draftNumbered(harness, number)).status === 'posted', 30_000);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      // Before: the look-up read the 1,000 newest messages only, missed it, and posted it again.
      expect(publicReplies(marker)).toHaveLength(1);
      const item = await prisma().outboxItem.findFirstOrThrow({ where: { key: `reply:${(await draftNumbered(harness, number)).id}:r1` } });
      expect(item).toMatchObject({ status: 'sent', uncertain: true, result: expect.objectContaining({ adopted: true, ts: publicReplies(marker)[0]!.ts }) });
    } finally {
      stop();
      harness.fake.api.faults.clear();
    }
  }, 60_000);

  it('more messages since the lost answer than the look-up reads (over 10,000): the reply is held, not posted again, and the thread says what to do', async () => {
    const marker = 'Flooded channel: we are on it';
    const stop = busyChannelAfter(harness, marker, 10_050);
    harness.fake.api.faults.loseAnswer('chat.postMessage', { channel: harness.support, times: 1 });
    try {
      const number = await draftAndApprove(harness, `${marker}, updates here within the hour.`);
      await harness.waitFor('the reply held', async () => (await draftNumbered(harness, number)).status === 'unconfirmed', 60_000);
      const told = t('en', 'preflight.held', { draftNumber: number, reason: t('en', 'preflight.hold.lookup_incomplete', { channel: `<#${harness.support}>` }) });
      await harness.waitFor('the thread told', () => harness.thread().find((message) => message.text === told));
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      // Only the first attempt's post, which Slack did make: before, the look-up gave up and posted again.
      expect(publicReplies(marker)).toHaveLength(1);
      const item = await prisma().outboxItem.findFirstOrThrow({ where: { key: `reply:${(await draftNumbered(harness, number)).id}:r1` } });
      expect(item).toMatchObject({ status: 'failed', lastError: 'held:lookup_incomplete', uncertain: true });
      const card = harness.thread().find((message) => message.text.startsWith(`Reply #${number}:`))!;
      expect(card.text).toContain(t('en', 'ui.draft.status.unconfirmed', {}));
    } finally {
      stop();
      harness.fake.api.faults.clear();
    }
  }, 120_000);

  it('the look-up after a lost answer is rate limited: it waits out Retry-After and still finds the post; when Slack refuses the look-up, the reply is held', async () => {
    const limited = 'Rate limited look-up: we are on it';
    harness.fake.api.faults.loseAnswer('chat.postMessage', { channel: harness.support, times: 1 });
    harness.fake.api.faults.rateLimit('conversations.history', 1, { times: 2 });
    try {
      const number = await draftAndApprove(harness, `${limited}, updates here within the hour.`);
      await harness.waitFor('the draft posted', async () => (await draftNumbered(harness, number)).status === 'posted', 30_000);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(publicReplies(limited)).toHaveLength(1);
      const item = await prisma().outboxItem.findFirstOrThrow({ where: { key: `reply:${(await draftNumbered(harness, number)).id}:r1` } });
      expect(item).toMatchObject({ status: 'sent', uncertain: true, result: expect.objectContaining({ adopted: true }) });
    } finally {
      harness.fake.api.faults.clear();
    }

    const refused = 'Refused look-up: we are on it';
    harness.fake.api.faults.loseAnswer('chat.postMessage', { channel: harness.support, times: 1 });
    harness.fake.api.faults.failWith('conversations.history', 'missing_scope', { forMs: 20_000 });
    try {
      const number = await draftAndApprove(harness, `${refused}, updates here within the hour.`);
      await harness.waitFor('the reply held', async () => (await draftNumbered(harness, number)).status === 'unconfirmed', 30_000);
      const told = t('en', 'preflight.held', { draftNumber: number, reason: t('en', 'preflight.hold.lookup_failed', { channel: `<#${harness.support}>` }) });
      // Before: said as "Slack refused a write (chat.postMessage): missing_scope", which Slack had not.
      await harness.waitFor('the thread told', () => harness.thread().find((message) => message.text === told));
      expect(publicReplies(refused)).toHaveLength(1);
    } finally {
      harness.fake.api.faults.clear();
    }
  }, 90_000);

  it('the member’s message a reply answers is deleted before it is posted: held with the reason, nothing posted in its thread', async () => {
    const { workspace } = harness.fake;
    const member = harness.people.members[0]!;
    for (const withReplies of [false, true]) {
      const question = workspace.postMessage({ user_id: member }, harness.support, { text: `Is my account safe? (${withReplies ? 'thread' : 'alone'})` });
      // A parent with replies stays as a tombstone when deleted; one without is gone.
      if (withReplies) workspace.postMessage({ user_id: harness.people.members[1]! }, harness.support, { text: 'Same question here', thread_ts: question.ts });
      const marker = `Deleted parent ${withReplies ? 'with replies' : 'alone'}: your account is safe`;
      // Deleted after the first approval, before the quorum sends it.
      const number = await draftAndApprove(harness, `${marker}, we are on it.`, question.ts, () => workspace.deleteMessage({ user_id: member }, harness.support, question.ts));
      await harness.waitFor('the reply not posted', async () => (await draftNumbered(harness, number)).status === 'not_posted', 30_000);
      const told = t('en', 'preflight.held', { draftNumber: number, reason: t('en', 'preflight.hold.parent_deleted', { channel: `<#${harness.support}>` }) });
      await harness.waitFor('the thread told', () => harness.thread().find((message) => message.text === told));
      // Before: Slack took the reply (invisible, or under "This message was deleted.") and the card said posted.
      expect(harness.fake.api.calls('chat.postMessage').filter((call) => String(call.args['text']).includes(marker))).toEqual([]);
      const item = await prisma().outboxItem.findFirstOrThrow({ where: { key: `reply:${(await draftNumbered(harness, number)).id}:r1` } });
      expect(item).toMatchObject({ status: 'failed', lastError: 'held:parent_deleted' });
    }
  }, 90_000);
});
