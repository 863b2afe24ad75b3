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

  it('a malformed event whose ids carry a NUL byte is kept in the quarantine, not answered 503 for Slack to resend for ever', async () => {
    harness = await startHarness({ provider });
    const prisma = harness.app.database.prisma;
    const event = messageEvent({ channel: harness.support, user: harness.people.members[0]!, text: 'Nobody answers \u0000 support', ts: `${Math.floor(Date.now() / 1000)}.000200` });
    // PostgreSQL refuses a NUL byte in any text: the row must be written without it.
    expect((await harness.event(event, { eventId: 'Ev0\u0000NUL' })).status).toBe(200);
    const kept = await prisma.quarantinedMessage.findFirstOrThrow({ where: { reason: 'malformed_event' } });
    expect(kept).toMatchObject({ eventId: 'Ev0NUL', error: 'event_id is not an id', channelId: harness.support });
    expect(kept.payload).toContain('Nobody answers');
  });
});

// An event whose processing failed is replayed by the inbox's sweep; the replay must still do its
// work. Edits, deletions and thread notes were deduplicated on their event id in a commit of their
// own before the work: the replay found the id taken and dropped the event, acknowledged and lost.
describe.each(availableProviders)('an event replayed after a failed attempt still does its work (%s)', (provider) => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  /** Runs `send` while `table` is away, waits for the attempt to fail, brings the table back. */
  async function failingOnce(table: string, send: () => Promise<unknown>): Promise<void> {
    const prisma = harness!.app.database.prisma;
    await prisma.$executeRawUnsafe(`ALTER TABLE "${table}" RENAME TO "${table}Away"`);
    try {
      await send();
      await expect.poll(async () => (await prisma.inboundEvent.findMany()).some((event) => event.lastError !== null), { timeout: 10_000 }).toBe(true);
    } finally {
      await prisma.$executeRawUnsafe(`ALTER TABLE "${table}Away" RENAME TO "${table}"`);
    }
  }

  it('a member’s deletion that failed once still erases the message when replayed', async () => {
    harness = await startHarness({ provider });
    const prisma = harness.app.database.prisma;
    const { ts } = await harness.post(harness.people.members[0]!, 'My card number is 4111 1111 1111 1111, the checkout is broken', Date.now());
    await expect.poll(() => prisma.scoredMessage.count(), { timeout: 10_000 }).toBe(1);
    const deletion = { type: 'message', subtype: 'message_deleted', channel: harness.support, ts: `${Math.floor(Date.now() / 1000)}.999000`, deleted_ts: ts, hidden: true, previous_message: { type: 'message', user: harness.people.members[0], text: 'My card number…', ts } };
    await failingOnce('ScoredMessage', () => harness!.event(deletion, { eventId: 'Ev0DELETE1' }));

    await expect.poll(() => prisma.inboundEvent.count(), { timeout: 25_000 }).toBe(0);
    const stored = await prisma.scoredMessage.findFirstOrThrow();
    expect(stored.deletedAt).not.toBeNull();
    expect(stored.text).toBeNull();
  }, 60_000);

  it('an edit that failed once is applied when replayed', async () => {
    harness = await startHarness({ provider });
    const prisma = harness.app.database.prisma;
    const member = harness.people.members[1]!;
    const { ts } = await harness.post(member, 'The app is great today', Date.now());
    await expect.poll(() => prisma.scoredMessage.count(), { timeout: 10_000 }).toBe(1);
    const edit = { type: 'message', subtype: 'message_changed', channel: harness.support, ts: `${Math.floor(Date.now() / 1000)}.998000`, hidden: true, message: { type: 'message', user: member, text: 'The app is broken again, this is terrible', ts, edited: { user: member, ts: `${Math.floor(Date.now() / 1000)}.998000` } }, previous_message: { type: 'message', user: member, text: 'The app is great today', ts } };
    await failingOnce('ScoredMessage', () => harness!.event(edit, { eventId: 'Ev0EDIT1' }));

    await expect.poll(() => prisma.inboundEvent.count(), { timeout: 25_000 }).toBe(0);
    expect((await prisma.scoredMessage.findFirstOrThrow()).text).toBe('The app is broken again, this is terrible');
  }, 60_000);

  it('a note written in the incident thread that failed once reaches the timeline when replayed, once', async () => {
    harness = await startHarness({ provider });
    const prisma = harness.app.database.prisma;
    await harness.command(harness.people.ann, `declare <#${harness.support}|support> sev2 Login rumours spreading`);
    const root = await harness.waitFor('the alert', () => harness!.rootMessage());
    // The thread is the incident's once its root's ts is stored.
    await expect.poll(() => prisma.incident.count({ where: { rootTs: root.ts } }), { timeout: 10_000 }).toBe(1);
    const note = { type: 'message', channel: harness.alerts, user: harness.people.ann, text: 'note: payments team paged', ts: `${Math.floor(Date.now() / 1000)}.997000`, thread_ts: root.ts, channel_type: 'channel' };
    await failingOnce('TimelineEvent', () => harness!.event(note, { eventId: 'Ev0NOTE1' }));

    await expect.poll(() => prisma.inboundEvent.count(), { timeout: 25_000 }).toBe(0);
    await expect.poll(() => prisma.timelineEvent.count({ where: { kind: 'note_added' } }), { timeout: 10_000 }).toBe(1);
    // Slack's own retry of the same delivery adds nothing.
    await harness.event(note, { eventId: 'Ev0NOTE1', retryNum: 1 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await prisma.timelineEvent.count({ where: { kind: 'note_added' } })).toBe(1);
  }, 60_000);
});

// Slack does not promise order: a message event it retries (it was answered 503) can land after the
// member deleted that message, and an edit can land after the deletion. Either way a message its
// author deleted stays deleted: its text is never stored, scored or quoted.
describe.each(availableProviders)('a deleted message stays deleted whatever order Slack delivers in (%s)', (provider) => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  const deletionOf = (channel: string, ts: string) => ({ type: 'message', subtype: 'message_deleted', channel, ts: `${Math.floor(Date.now() / 1000)}.999000`, deleted_ts: ts, hidden: true });

  it('a message whose first delivery failed and whose deletion arrived first is not stored when Slack retries it', async () => {
    harness = await startHarness({ provider });
    const prisma = harness.app.database.prisma;
    const ts = `${Math.floor(Date.now() / 1000)}.000100`;
    const event = messageEvent({ channel: harness.support, user: harness.people.members[0]!, text: 'My card number is 4111 1111 1111 1111, the checkout is broken', ts });
    await prisma.$executeRawUnsafe('ALTER TABLE "InboundEvent" RENAME TO "InboundEventAway"');
    expect((await harness.event(event, { eventId: 'Ev0LATE1' })).status).toBe(503);
    await prisma.$executeRawUnsafe('ALTER TABLE "InboundEventAway" RENAME TO "InboundEvent"');
    expect((await harness.event(deletionOf(harness.support, ts), { eventId: 'Ev0LATEDEL' })).status).toBe(200);
    await expect.poll(() => prisma.inboundEvent.count(), { timeout: 10_000 }).toBe(0);

    expect((await harness.event(event, { eventId: 'Ev0LATE1', retryNum: 1 })).status).toBe(200);
    await expect.poll(() => prisma.inboundEvent.count(), { timeout: 10_000 }).toBe(0);
    const rows = await prisma.scoredMessage.findMany({ where: { ts } });
    expect(rows.map((row) => ({ text: row.text, deleted: row.deletedAt !== null }))).toEqual(rows.length ? [{ text: null, deleted: true }] : []);
    // Nothing of it counts towards detection either.
    const buckets = await prisma.channelBucket.findMany();
    expect(buckets.reduce((sum, bucket) => sum + bucket.messages, 0)).toBe(0);
  });

  it('an edit delivered after the deletion does not bring the text back', async () => {
    harness = await startHarness({ provider });
    const prisma = harness.app.database.prisma;
    const member = harness.people.members[1]!;
    const { ts } = await harness.post(member, 'The app is broken again, this is terrible', Date.now());
    await expect.poll(() => prisma.scoredMessage.count(), { timeout: 10_000 }).toBe(1);
    await harness.event(deletionOf(harness.support, ts), { eventId: 'Ev0DEL2' });
    await expect.poll(async () => (await prisma.scoredMessage.findFirstOrThrow()).deletedAt !== null, { timeout: 10_000 }).toBe(true);

    const edit = { type: 'message', subtype: 'message_changed', channel: harness.support, ts: `${Math.floor(Date.now() / 1000)}.998000`, hidden: true, message: { type: 'message', user: member, text: 'My phone is +34 600 123 456, call me, this is awful', ts, edited: { user: member, ts: `${Math.floor(Date.now() / 1000)}.990000` } } };
    expect((await harness.event(edit, { eventId: 'Ev0EDIT2' })).status).toBe(200);
    await expect.poll(() => prisma.inboundEvent.count(), { timeout: 10_000 }).toBe(0);
    const stored = await prisma.scoredMessage.findFirstOrThrow();
    expect({ text: stored.text, deleted: stored.deletedAt !== null }).toEqual({ text: null, deleted: true });
    const buckets = await prisma.channelBucket.findMany();
    expect(buckets.reduce((sum, bucket) => sum + bucket.messages, 0)).toBe(0);
  });
});
