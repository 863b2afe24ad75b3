// A member's edit that Slack delivers while the message itself is still being stored (a typo fixed at
// once, a busy moment): the stored message ends with the edited words, scored as edited, never the first
// words with the edit acknowledged and dropped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageEvent } from '../../src/sandbox/slack-payloads.js';
import { availableProviders } from '../support/databases.js';
import { startHarness, type Harness } from './harness.js';

describe.each(availableProviders)('an edit arriving with its message (%s)', (provider) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ provider });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('every message edited as it arrives is stored with its edited text, each counted once', async () => {
    const prisma = h.app.database.prisma;
    const second = Math.floor(Date.now() / 1000);
    const pairs = Array.from({ length: 12 }, (_, index) => ({ user: h.people.members[index % h.people.members.length]!, ts: `${second}.${String(100 + index).padStart(6, '0')}` }));
    await Promise.all(
      pairs.flatMap(({ user, ts }, index) => [
        h.event(messageEvent({ channel: h.support, user, text: `Thanks, all good here ${index}`, ts })),
        h.event({
          type: 'message',
          subtype: 'message_changed',
          channel: h.support,
          hidden: true,
          ts: `${second}.${String(900 + index).padStart(6, '0')}`,
          message: { type: 'message', user, text: `Edited: the app is broken and terrible ${index}`, ts, edited: { user, ts: `${second}.${String(900 + index).padStart(6, '0')}` } },
          previous_message: { type: 'message', user, text: `Thanks, all good here ${index}`, ts },
        }),
      ]),
    );
    await expect.poll(() => prisma.inboundEvent.count(), { timeout: 20_000 }).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stored = await prisma.scoredMessage.findMany({ orderBy: { ts: 'asc' } });
    expect(stored.map((row) => row.text)).toEqual(pairs.map((_, index) => `Edited: the app is broken and terrible ${index}`));
    expect(stored.every((row) => row.label === 'negative')).toBe(true);
    // The bucket counts each message once, as edited.
    const buckets = await prisma.channelBucket.findMany();
    expect(buckets.reduce((sum, bucket) => sum + bucket.messages, 0)).toBe(pairs.length);
    expect(buckets.reduce((sum, bucket) => sum + bucket.negatives, 0)).toBe(pairs.length);
  }, 60_000);

  it('edits and deletions of a stored message arriving together leave it counted once as it ended, and a deleted one erased and uncounted', async () => {
    const prisma = h.app.database.prisma;
    const second = Math.floor(Date.now() / 1000);
    const messages = Array.from({ length: 8 }, (_, index) => ({ user: h.people.members[index % h.people.members.length]!, ts: `${second}.${String(200 + index).padStart(6, '0')}`, deleted: index % 2 === 0 }));
    for (const [index, { user, ts }] of messages.entries()) await h.event(messageEvent({ channel: h.support, user, text: `Thanks, all fine now ${index}`, ts }));
    await expect.poll(() => prisma.scoredMessage.count({ where: { ts: { in: messages.map(({ ts }) => ts) } } }), { timeout: 20_000 }).toBe(messages.length);
    const edit = (user: string, ts: string, text: string, at: number) => {
      const editedTs = `${second}.${String(at).padStart(6, '0')}`;
      return h.event({ type: 'message', subtype: 'message_changed', channel: h.support, hidden: true, ts: editedTs, message: { type: 'message', user, text, ts, edited: { user, ts: editedTs } } });
    };
    await Promise.all(
      messages.flatMap(({ user, ts, deleted }, index) => [
        edit(user, ts, `Actually it is broken and terrible, awful ${index}`, 700 + index),
        edit(user, ts, `Actually it is broken, awful and useless ${index}`, 800 + index),
        ...(deleted ? [h.event({ type: 'message', subtype: 'message_deleted', channel: h.support, hidden: true, ts: `${second}.${String(950 + index).padStart(6, '0')}`, deleted_ts: ts })] : []),
      ]),
    );
    await expect.poll(() => prisma.inboundEvent.count(), { timeout: 20_000 }).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const rows = await prisma.scoredMessage.findMany({ where: { ts: { in: messages.map(({ ts }) => ts) } }, orderBy: { ts: 'asc' } });
    // A deleted message stays deleted, its words erased, whatever edit was stored at the same moment.
    expect(rows.filter((row) => row.deletedAt !== null).map((row) => [row.ts, row.text])).toEqual(messages.filter((m) => m.deleted).map((m) => [m.ts, null]));
    // Every bucket counts exactly the messages stored and not deleted, by the score they ended with.
    const all = await prisma.scoredMessage.findMany({ where: { deletedAt: null } });
    const buckets = await prisma.channelBucket.findMany();
    expect(buckets.reduce((sum, bucket) => sum + bucket.messages, 0)).toBe(all.length);
    expect(buckets.reduce((sum, bucket) => sum + bucket.negatives, 0)).toBe(all.filter((row) => row.label === 'negative').length);
  }, 60_000);
});
