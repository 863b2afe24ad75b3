// A member who edits a message twice: Slack may deliver the two message_changed events out of order (the
// first edit retried after the second arrived). The stored message ends with the member's latest words and
// their score, counted once in its bucket; the older edit is acknowledged and recorded, never applied.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageEvent } from '../../src/sandbox/slack-payloads.js';
import { availableProviders } from '../support/databases.js';
import { startHarness, type Harness } from './harness.js';

const OLDER = (n: number) => `Thanks, it works great now, love it ${n}`;
const NEWER = (n: number) => `No, it is still broken, terrible and awful ${n}`;

describe.each(availableProviders)('edits delivered out of order (%s)', (provider) => {
  let h: Harness;
  let second: number;
  let next = 0;
  beforeAll(async () => {
    h = await startHarness({ provider });
    second = Math.floor(Date.now() / 1000);
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  const ts = (micros: number) => `${second}.${String(micros).padStart(6, '0')}`;
  /** Slack's message_changed; `editedTs` undefined: a payload without `edited` (older events). */
  const edit = (user: string, messageTs: string, text: string, editedTs: string | undefined) => ({
    type: 'message',
    subtype: 'message_changed',
    channel: h.support,
    hidden: true,
    ts: editedTs ?? ts(990_000 + (next += 1)),
    message: { type: 'message', user, text, ts: messageTs, ...(editedTs ? { edited: { user, ts: editedTs } } : {}) },
  });
  const settled = async () => {
    await expect.poll(() => h.app.database.prisma.inboundEvent.count(), { timeout: 20_000 }).toBe(0);
  };
  const counts = async () => {
    const buckets = await h.app.database.prisma.channelBucket.findMany();
    return { messages: buckets.reduce((sum, bucket) => sum + bucket.messages, 0), negatives: buckets.reduce((sum, bucket) => sum + bucket.negatives, 0) };
  };
  const row = (messageTs: string) => h.app.database.prisma.scoredMessage.findFirstOrThrow({ where: { ts: messageTs } });
  const posted = async (user: string, messageTs: string, text: string) => {
    await h.event(messageEvent({ channel: h.support, user, text, ts: messageTs }));
    await expect.poll(async () => (await h.app.database.prisma.scoredMessage.findFirst({ where: { ts: messageTs } }))?.text, { timeout: 20_000 }).toBe(text);
  };

  it('the newer edit delivered first, the older retried after it: the newer words and score stay, counted once', async () => {
    const prisma = h.app.database.prisma;
    const user = h.people.members[0]!;
    const messageTs = ts(100);
    const before = await counts();
    await posted(user, messageTs, 'Hello, quick question about the app');
    await h.event(edit(user, messageTs, NEWER(1), ts(300)));
    await expect.poll(async () => (await row(messageTs)).text, { timeout: 20_000 }).toBe(NEWER(1));
    // The first edit, retried by Slack after the second was delivered.
    const olderEventId = 'Ev0OLDEREDIT1';
    const response = await h.event(edit(user, messageTs, OLDER(1), ts(200)), { eventId: olderEventId, retryNum: 1 });
    expect(response.status).toBe(200);
    await settled();
    // Acknowledged and recorded as delivered: a replay of it is a duplicate too.
    await expect.poll(() => prisma.processedEvent.count({ where: { eventId: olderEventId } }), { timeout: 20_000 }).toBe(1);
    await h.event(edit(user, messageTs, OLDER(1), ts(200)), { eventId: olderEventId, retryNum: 2 });
    await settled();
    const stored = await row(messageTs);
    expect({ text: stored.text, label: stored.label, editedTs: stored.editedTs }).toEqual({ text: NEWER(1), label: 'negative', editedTs: ts(300) });
    expect(stored.score).toBeLessThan(0);
    expect(await counts()).toEqual({ messages: before.messages + 1, negatives: before.negatives + 1 });
  }, 60_000);

  it('the two edits in Slack’s order: the newer words win', async () => {
    const user = h.people.members[1 % h.people.members.length]!;
    const messageTs = ts(400);
    const before = await counts();
    await posted(user, messageTs, 'Hello, another quick question');
    await h.event(edit(user, messageTs, OLDER(2), ts(500)));
    await expect.poll(async () => (await row(messageTs)).text, { timeout: 20_000 }).toBe(OLDER(2));
    await h.event(edit(user, messageTs, NEWER(2), ts(600)));
    await expect.poll(async () => (await row(messageTs)).text, { timeout: 20_000 }).toBe(NEWER(2));
    await settled();
    const stored = await row(messageTs);
    expect({ label: stored.label, editedTs: stored.editedTs }).toEqual({ label: 'negative', editedTs: ts(600) });
    expect(await counts()).toEqual({ messages: before.messages + 1, negatives: before.negatives + 1 });
  }, 60_000);

  it('an edit stored before its message keeps its time: an older edit and the message arriving after it change nothing', async () => {
    const user = h.people.members[2 % h.people.members.length]!;
    const messageTs = ts(700);
    const before = await counts();
    await h.event(edit(user, messageTs, NEWER(3), ts(900)));
    await expect.poll(async () => (await h.app.database.prisma.scoredMessage.findFirst({ where: { ts: messageTs } }))?.text, { timeout: 20_000 }).toBe(NEWER(3));
    await h.event(edit(user, messageTs, OLDER(3), ts(800)));
    await settled();
    await h.event(messageEvent({ channel: h.support, user, text: 'Hello, the first words', ts: messageTs }));
    await settled();
    const stored = await row(messageTs);
    expect({ text: stored.text, label: stored.label, editedTs: stored.editedTs }).toEqual({ text: NEWER(3), label: 'negative', editedTs: ts(900) });
    expect(await counts()).toEqual({ messages: before.messages + 1, negatives: before.negatives + 1 });
  }, 60_000);

  it('edits without their own time (older payloads) are applied in the order they arrive', async () => {
    const user = h.people.members[3 % h.people.members.length]!;
    const messageTs = ts(1000);
    const before = await counts();
    await posted(user, messageTs, 'Hello, one more question');
    await h.event(edit(user, messageTs, NEWER(4), undefined));
    await expect.poll(async () => (await row(messageTs)).text, { timeout: 20_000 }).toBe(NEWER(4));
    await h.event(edit(user, messageTs, OLDER(4), undefined));
    await expect.poll(async () => (await row(messageTs)).text, { timeout: 20_000 }).toBe(OLDER(4));
    await settled();
    const stored = await row(messageTs);
    expect({ label: stored.label, editedTs: stored.editedTs }).toEqual({ label: 'positive', editedTs: null });
    expect(await counts()).toEqual({ messages: before.messages + 1, negatives: before.negatives });
  }, 60_000);

  it('an edit whose own time is not a Slack ts is acknowledged; applied in arrival order until an edit’s time is stored', async () => {
    const user = h.people.members[4 % h.people.members.length]!;
    const messageTs = ts(1500);
    await posted(user, messageTs, 'Hello, a last question');
    const malformed = [{ user, ts: { evil: true } }, { user, ts: 1 }, 'yesterday', null];
    const untimedEdit = (text: string, edited: unknown) => {
      const payload = edit(user, messageTs, text, undefined);
      return h.event({ ...payload, message: { ...payload.message, edited } });
    };
    for (const [index, edited] of malformed.entries()) {
      expect((await untimedEdit(`${OLDER(5)} ${index}`, edited)).status).toBe(200);
      await expect.poll(async () => (await row(messageTs)).text, { timeout: 20_000 }).toBe(`${OLDER(5)} ${index}`);
    }
    await h.event(edit(user, messageTs, NEWER(5), ts(1700)));
    await expect.poll(async () => (await row(messageTs)).text, { timeout: 20_000 }).toBe(NEWER(5));
    // Once an edit's time is stored, a change without one (or with one that is not a ts) shows older words.
    for (const [index, edited] of malformed.entries()) expect((await untimedEdit(`${OLDER(6)} ${index}`, edited)).status).toBe(200);
    await h.event(edit(user, messageTs, NEWER(6), ts(1600)));
    await settled();
    expect(await row(messageTs)).toMatchObject({ text: NEWER(5), editedTs: ts(1700) });
  }, 60_000);

  it('a late change without `edited` after the member edited (the first words’ unfurl, retried) leaves the edit', async () => {
    const user = h.people.members[5 % h.people.members.length]!;
    const messageTs = ts(1800);
    const before = await counts();
    const first = 'Thanks, the new login page https://example.com/login works great';
    await posted(user, messageTs, first);
    await h.event(edit(user, messageTs, NEWER(7), ts(1900)));
    await expect.poll(async () => (await row(messageTs)).text, { timeout: 20_000 }).toBe(NEWER(7));
    // Slack's message_changed for the link's unfurl of the first words: no `edited`, delivered late.
    const response = await h.event(edit(user, messageTs, first, undefined), { eventId: 'Ev0LATEUNFURL', retryNum: 1 });
    expect(response.status).toBe(200);
    await settled();
    expect(await row(messageTs)).toMatchObject({ text: NEWER(7), label: 'negative', editedTs: ts(1900) });
    expect(await counts()).toEqual({ messages: before.messages + 1, negatives: before.negatives + 1 });
  }, 60_000);

  it('two edits of each message racing each other: every message ends with its newer edit, counted once', async () => {
    const prisma = h.app.database.prisma;
    const messages = Array.from({ length: 8 }, (_, index) => ({ user: h.people.members[index % h.people.members.length]!, ts: ts(2000 + index) }));
    const before = await counts();
    for (const [index, { user, ts: messageTs }] of messages.entries()) await posted(user, messageTs, `Hello, question number ${index}`);
    await Promise.all(
      messages.flatMap(({ user, ts: messageTs }, index) => [
        h.event(edit(user, messageTs, NEWER(10 + index), ts(4000 + index))),
        h.event(edit(user, messageTs, OLDER(10 + index), ts(3000 + index))),
      ]),
    );
    await settled();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const rows = await prisma.scoredMessage.findMany({ where: { ts: { in: messages.map((message) => message.ts) } }, orderBy: { ts: 'asc' } });
    expect(rows.map((stored) => [stored.text, stored.editedTs])).toEqual(messages.map((_, index) => [NEWER(10 + index), ts(4000 + index)]));
    expect(await counts()).toEqual({ messages: before.messages + messages.length, negatives: before.negatives + messages.length });
  }, 60_000);
});
