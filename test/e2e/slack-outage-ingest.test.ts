// Acknowledged means stored, when Slack itself is having a bad day: the first message of a channel a
// playbook names by its name is stored only once Slack has told its name. A Slack that answers 500s
// to that look-up is not an answer: the message waits in the inbox and is stored once Slack
// answers, never dropped as "not watched".
import { afterEach, describe, expect, it } from 'vitest';
import { startCrashHarness, type CrashHarness } from '../support/crash-harness.js';
import { availableProviders } from '../support/databases.js';

describe.each(availableProviders)('Slack failing the channel look-up (%s)', (provider) => {
  let harness: CrashHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  // (429s are waited out by the Web API client's Retry-After handling, so they never reached this.)
  it(
    'Slack answering 500s: acknowledged messages of a watched channel are stored once Slack answers again',
    async () => {
      harness = await startCrashHarness({ provider });
      await harness.start();
      harness.fake.api.faults.serverError('conversations.info', { forMs: 8_000 });
      const texts = ['The app is down again', 'I cannot log in, this is awful'];
      for (const [index, text] of texts.entries()) {
        expect((await harness.post(harness.people.members[index]!, text, { eventId: `Ev0OUTAGE${index}` })).status).toBe(200);
      }
      await harness.waitFor(
        'every acknowledged message stored',
        async () => (await harness!.database.prisma.scoredMessage.count()) === texts.length,
        60_000,
      );
      await harness.waitFor('the inbox emptied', async () => (await harness!.database.prisma.inboundEvent.count()) === 0, 30_000);
      expect((await harness.database.prisma.scoredMessage.findMany({ select: { text: true } })).map((row) => row.text).sort()).toEqual([...texts].sort());
      expect(await harness.database.prisma.quarantinedMessage.count()).toBe(0);
    },
    110_000,
  );

  // Slack's `ok: false` answers that describe a passing condition (internal_error, fatal_error…) are not
  // "this channel has no name": remembering them as such dropped the first messages as not watched.
  it(
    'Slack answering internal_error: acknowledged messages of a watched channel are stored once Slack answers again',
    async () => {
      harness = await startCrashHarness({ provider });
      await harness.start();
      harness.fake.api.faults.failWith('conversations.info', 'internal_error', { forMs: 6_000 });
      const text = 'Checkout is broken again, this is awful';
      expect((await harness.post(harness.people.members[0]!, text, { eventId: 'Ev0INTERNAL0' })).status).toBe(200);
      await harness.waitFor('the acknowledged message stored', async () => (await harness!.database.prisma.scoredMessage.count()) === 1, 60_000);
      await harness.waitFor('the inbox emptied', async () => (await harness!.database.prisma.inboundEvent.count()) === 0, 30_000);
      expect(await harness.database.prisma.quarantinedMessage.count()).toBe(0);
    },
    110_000,
  );
});
