// Acknowledged means stored: an event is kept in the inbox before Slack gets its 200. When the
// database cannot keep it, Slack is not told it arrived (503), so its retry brings it again.
import { afterEach, describe, expect, it } from 'vitest';
import { availableProviders } from '../support/databases.js';
import { messageEvent } from '../../src/sandbox/slack-payloads.js';
import { startHarness, type Harness } from './harness.js';

describe.each(availableProviders)('event inbox (%s)', (provider) => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('an event the database cannot keep is answered 503; Slack’s retry is stored once and leaves the inbox empty', async () => {
    harness = await startHarness({ provider });
    const prisma = harness.app.database.prisma;
    const event = messageEvent({ channel: harness.support, user: harness.people.members[0]!, text: 'The checkout page is broken again', ts: `${Math.floor(Date.now() / 1000)}.000100` });
    await prisma.$executeRawUnsafe('ALTER TABLE "InboundEvent" RENAME TO "InboundEventAway"');
    expect((await harness.event(event, { eventId: 'Ev0INBOX1' })).status).toBe(503);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await prisma.scoredMessage.count()).toBe(0);

    await prisma.$executeRawUnsafe('ALTER TABLE "InboundEventAway" RENAME TO "InboundEvent"');
    expect((await harness.event(event, { eventId: 'Ev0INBOX1', retryNum: 1 })).status).toBe(200);
    await expect.poll(() => prisma.scoredMessage.count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => prisma.inboundEvent.count(), { timeout: 10_000 }).toBe(0);
    expect((await prisma.scoredMessage.findFirstOrThrow()).text).toBe('The checkout page is broken again');
  });
});
