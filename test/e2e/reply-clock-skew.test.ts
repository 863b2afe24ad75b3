// Slack's clock and this host's disagree: Slack stamps messages 10 minutes behind Firebreak's clock (a
// host whose time sync is off). A reply whose post Slack made but whose answer was lost is looked for
// by its key before posting again; the look-up must start early enough in Slack's time to see it.
// Before: it started at the reply's creation by Firebreak's clock less 5 minutes, after the post's ts,
// missed it, and the approved reply reached the community twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/domain/clock.js';
import { t } from '../../src/i18n/index.js';
import { availableProviders } from '../support/databases.js';
import { declareLoginIncident, draftAndApprove, draftNumbered, startHarness, type Harness } from './harness.js';

/** Slack's clock: 10 minutes behind the wall clock Firebreak reads. */
const SLACK_BEHIND_MS = 10 * 60_000;
const slackClock: Clock = { now: () => Date.now() - SLACK_BEHIND_MS };

describe.each(availableProviders)('a reply whose answer is lost while Slack’s clock runs 10 minutes behind Firebreak’s, on %s', (provider) => {
  let harness: Harness;
  beforeAll(async () => {
    // An unanswered post is looked for 2 s after its attempt (60 s by default), to keep the test short.
    harness = await startHarness({ provider, slackClock, env: { OUTBOX_UNANSWERED_WAIT_SECONDS: '2' } });
    await declareLoginIncident(harness);
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('Slack stores the reply but its answer is lost: the look-up finds it by Slack’s time, the community sees it once, the card says posted', async () => {
    const prisma = harness.app.database.prisma;
    const marker = 'Skewed clocks: we are on it';
    harness.fake.api.faults.loseAnswer('chat.postMessage', { channel: harness.support, times: 1 });
    try {
      const number = await draftAndApprove(harness, `${marker}, updates here within the hour.`);
      const draft = await harness.waitFor('the reply decided', async () => {
        const row = await draftNumbered(harness, number);
        return row.status === 'posted' || row.status === 'unconfirmed' || row.status === 'not_posted' ? row : undefined;
      }, 30_000);
      // Long enough for a second post to land, had the look-up missed the first.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const posted = harness.fake.workspace.messagesIn(harness.support).filter((message) => message.bot_id && message.text.includes(marker));
      expect(posted).toHaveLength(1);
      // The post is stamped by Slack's clock, minutes before Firebreak's reading of the same moment.
      expect(Number(posted[0]!.ts) * 1000).toBeLessThan(Date.now() - SLACK_BEHIND_MS + 60_000);
      expect(draft.status).toBe('posted');
      expect(draft.postedTs).toBe(posted[0]!.ts);
      const item = await prisma.outboxItem.findFirstOrThrow({ where: { key: `reply:${draft.id}:r1` } });
      expect(item).toMatchObject({ status: 'sent', uncertain: true, result: expect.objectContaining({ adopted: true, ts: posted[0]!.ts }) });
      await harness.waitFor('the card says posted', () => harness.thread().find((message) => message.text.startsWith(`Reply #${number}:`))?.text.includes(t('en', 'ui.draft.status.posted', {})));
    } finally {
      harness.fake.api.faults.clear();
    }
  }, 60_000);

  it('/healthz says how far Slack’s clock is from this host’s, as the posts Slack answered measured it', async () => {
    const health = (await (await fetch(`${harness.app.url}/healthz`)).json()) as { slack: { clockOffsetMs?: number } };
    expect(health.slack.clockOffsetMs).toBeGreaterThan(-SLACK_BEHIND_MS - 5_000);
    expect(health.slack.clockOffsetMs).toBeLessThan(-SLACK_BEHIND_MS + 5_000);
  });
});
