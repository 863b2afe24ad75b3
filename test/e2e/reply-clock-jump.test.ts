// Firebreak's clock steps 20 minutes ahead (a VM resumed, an NTP step) after its last measured post and
// before an approved reply is created; the reply's post lands but its answer is lost. The offset the
// earlier posts measured is stale by the jump, and nothing after it measures the new one (the alert
// thread's lines wait out a 429). Before: the look-up started at the reply's creation mapped by that
// offset less 5 minutes, 15 minutes after the landed post, missed it, and the community saw the reply
// twice. Now it starts no later than the latest post answered before the reply was created, which
// landed before it in Slack's time too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../src/i18n/index.js';
import { availableProviders } from '../support/databases.js';
import { declareLoginIncident, draftAndApprove, draftNumbered, startHarness, type Harness } from './harness.js';

const JUMP_MS = 20 * 60_000;

describe.each(availableProviders)('a reply created right after Firebreak’s clock jumped 20 minutes ahead, its answer lost, on %s', (provider) => {
  let harness: Harness;
  /** Firebreak's clock: the wall clock (Slack's too) until the jump. */
  const clock = { shiftMs: 0, now: () => Date.now() + clock.shiftMs };
  beforeAll(async () => {
    // An unanswered post is looked for 2 s after its attempt (60 s by default), to keep the test short.
    harness = await startHarness({ provider, clock, env: { OUTBOX_UNANSWERED_WAIT_SECONDS: '2' } });
    await declareLoginIncident(harness);
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('the look-up starts no later than the last post answered before the reply: it finds the landed post, the community sees it once, the card says posted', async () => {
    const prisma = harness.app.database.prisma;
    const marker = 'Clock jumped: we are on it';
    try {
      const number = await draftAndApprove(harness, `${marker}, updates here within the hour.`, undefined, async () => {
        // Every post so far answered (and measured) by the clock before the jump; then the jump, then the quorum.
        await harness.waitFor('the outbox idle', async () => (await prisma.outboxItem.count({ where: { status: { in: ['pending', 'sending'] } } })) === 0);
        expect(await prisma.outboxItem.count({ where: { method: 'chat.postMessage', status: 'sent' } })).toBeGreaterThan(0);
        clock.shiftMs = JUMP_MS;
        harness.fake.api.faults.loseAnswer('chat.postMessage', { channel: harness.support, times: 1 });
        // The alert thread's lines (approval, quorum, reminders) wait out a 429 meanwhile: no post answered
        // after the jump measures Slack's clock again before the reply's look-up.
        harness.fake.api.faults.rateLimit('chat.postMessage', 60, { channel: harness.alerts, forMs: 60_000 });
      });
      const draft = await harness.waitFor('the reply decided', async () => {
        const row = await draftNumbered(harness, number);
        return row.status === 'posted' || row.status === 'unconfirmed' || row.status === 'not_posted' ? row : undefined;
      }, 30_000);
      // Long enough for a second post to land, had the look-up missed the first.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const posted = harness.fake.workspace.messagesIn(harness.support).filter((message) => message.bot_id && message.text.includes(marker));
      expect(posted).toHaveLength(1);
      const item = await prisma.outboxItem.findFirstOrThrow({ where: { key: `reply:${draft.id}:r1` } });
      // Created by the jumped clock, minutes after the landed post's ts in Slack's (the wall clock).
      expect(item.createdAt.getTime() - Number(posted[0]!.ts) * 1000).toBeGreaterThan(JUMP_MS - 60_000);
      expect(draft.status).toBe('posted');
      expect(draft.postedTs).toBe(posted[0]!.ts);
      expect(item).toMatchObject({ status: 'sent', uncertain: true, result: expect.objectContaining({ adopted: true, ts: posted[0]!.ts }) });
      // The alert thread's lines go out once their Retry-After has passed (moved on, not waited for).
      harness.fake.api.faults.clear();
      clock.shiftMs += 61_000;
      await harness.waitFor('the card says posted', () => harness.thread().find((message) => message.text.startsWith(`Reply #${number}:`))?.text.includes(t('en', 'ui.draft.status.posted', {})));
    } finally {
      harness.fake.api.faults.clear();
    }
  }, 60_000);
});
