// POST /ingest against the real route, Watcher and database: what a source sends is one message per
// message. Forums and social tools give times to the second, so the same author may post twice in one
// second; the source's own message id, when it sends one, is the message's key (a resend is a duplicate,
// a new text an edit); without one, author and text tell messages apart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableProviders } from '../support/databases.js';
import { startHarness, type Harness } from './harness.js';

const TOKEN = 'ingest-token-0123456789abcdef';

describe.each(availableProviders)('POST /ingest keys (%s)', (provider) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ provider, env: { INGEST_TOKEN: TOKEN } });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  const ingest = async (body: unknown) => {
    const response = await fetch(`${h.app.url}/ingest`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const messagesOf = (user: string) => h.app.database.prisma.scoredMessage.findMany({ where: { userId: `forum:${user}` }, orderBy: { ts: 'asc' } });
  /** A whole second some minutes ago, as sources send it. */
  const aSecond = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');

  it('two different texts of one author in one second are two messages; the same item sent again is a duplicate', async () => {
    const second = aSecond(12);
    const burst = [
      { source: 'forum', channel: 'support', user: 'ana', text: 'The checkout is broken, terrible', ts: second },
      { source: 'forum', channel: 'support', user: 'ana', text: 'And now my order vanished, awful', ts: second },
    ];
    expect(await ingest(burst)).toEqual({ status: 202, body: expect.objectContaining({ accepted: 2, scored: 2, duplicates: 0 }) });
    expect(await ingest(burst)).toEqual({ status: 202, body: expect.objectContaining({ accepted: 2, scored: 0, duplicates: 2 }) });
    // Sent one by one, in the other order: still the same two.
    expect((await ingest(burst[1])).body).toMatchObject({ scored: 0, duplicates: 1 });
    expect((await ingest(burst[0])).body).toMatchObject({ scored: 0, duplicates: 1 });
    const stored = await messagesOf('ana');
    expect(stored.map((message) => message.text).sort()).toEqual(['And now my order vanished, awful', 'The checkout is broken, terrible']);
    expect(new Set(stored.map((message) => message.ts.split('.')[0])).size).toBe(1);
  });

  it('a time in seconds written with leading zeros is the same time: stored once, never quarantined', async () => {
    const seconds = Math.floor((Date.now() - 7 * 60_000) / 1000);
    const item = (ts: string) => ({ source: 'forum', channel: 'support', user: 'zed', text: 'Billing double-charged me, terrible', ts });
    expect((await ingest(item(`${seconds}.25`))).body).toMatchObject({ scored: 1 });
    // Some exporters pad epoch seconds to a fixed width: it was quarantined (answered 202), the post lost.
    expect((await ingest(item(`000000${seconds}.25`))).body).toMatchObject({ scored: 0, duplicates: 1, quarantined: 0 });
    expect((await ingest(item(`0${seconds}.250`))).body).toMatchObject({ scored: 0, duplicates: 1, quarantined: 0 });
    expect((await messagesOf('zed')).map((message) => message.ts.split('.')[0])).toEqual([String(seconds)]);
    expect(await h.app.database.prisma.quarantinedMessage.count()).toBe(0);
  });

  it('with the source’s id: same-second posts are kept apart, a resend is a duplicate and a new text edits the message in place', async () => {
    const second = aSecond(9);
    const posts = [
      { source: 'forum', channel: 'support', user: 'bo', id: 'post-1001', text: 'Refund me, this is a scam', ts: second },
      { source: 'forum', channel: 'support', user: 'bo', id: 1002, text: 'Refund me, this is a scam', ts: second },
    ];
    expect((await ingest(posts)).body).toMatchObject({ accepted: 2, scored: 2, duplicates: 0 });
    expect((await ingest(posts[0])).body).toMatchObject({ scored: 0, edited: 0, duplicates: 1 });
    expect(await messagesOf('bo')).toHaveLength(2);

    const edited = { ...posts[0], text: 'Sorry, support answered, all good now, thanks' };
    expect((await ingest(edited)).body).toMatchObject({ scored: 0, edited: 1, duplicates: 0 });
    expect((await ingest(edited)).body).toMatchObject({ edited: 0, duplicates: 1 });
    const stored = await messagesOf('bo');
    expect(stored).toHaveLength(2);
    const texts = stored.map((message) => message.text);
    expect(texts).toContain('Sorry, support answered, all good now, thanks');
    expect(texts).toContain('Refund me, this is a scam');
    expect(stored.find((message) => message.text?.startsWith('Sorry'))?.editedAt).not.toBeNull();
  });

  it('with editedAt: of two edits arriving out of order the later one stays; without it, the last to arrive', async () => {
    const second = aSecond(8);
    const posted = Date.parse(second);
    const post = { source: 'forum', channel: 'support', user: 'eve', id: 'post-2001', text: 'Where is my order?', ts: second };
    expect((await ingest(post)).body).toMatchObject({ scored: 1 });
    const later = { ...post, text: 'Still no order, this is a scam, terrible', editedAt: new Date(posted + 120_000).toISOString() };
    const earlier = { ...post, text: 'Order arrived, thanks, all good', editedAt: new Date(posted + 60_000).toISOString() };
    expect((await ingest(later)).body).toMatchObject({ edited: 1 });
    // The earlier edit, sent again after the later one (a retried batch): acknowledged, changes nothing.
    expect((await ingest(earlier)).body).toMatchObject({ edited: 0, duplicates: 1 });
    expect(await messagesOf('eve')).toEqual([expect.objectContaining({ text: later.text, label: 'negative' })]);
    // The post sent again without editedAt (its first words, a retried batch) is older than the edit stored.
    expect((await ingest(post)).body).toMatchObject({ edited: 0, duplicates: 1 });
    expect((await messagesOf('eve')).map((message) => message.text)).toEqual([later.text]);
    // A source that never sends editedAt has its edits applied as they arrive.
    const untimed = { ...post, id: 'post-2002', text: 'Where is my refund?' };
    expect((await ingest(untimed)).body).toMatchObject({ scored: 1 });
    expect((await ingest({ ...untimed, text: 'Refund arrived, thanks' })).body).toMatchObject({ edited: 1 });
    expect((await ingest({ ...untimed, text: 'Refund arrived after all, thanks' })).body).toMatchObject({ edited: 1 });
    expect((await messagesOf('eve')).map((message) => message.text).sort()).toEqual(['Refund arrived after all, thanks', later.text].sort());
  });

  it('an id that is not one is refused naming the item and the field, and the batch stores nothing', async () => {
    const response = await ingest([
      { source: 'forum', channel: 'support', user: 'cy', id: 'p-1', text: 'fine', ts: aSecond(5) },
      { source: 'forum', channel: 'support', user: 'cy', id: '', text: 'empty id', ts: aSecond(5) },
      { source: 'forum', channel: 'support', user: 'cy', id: { post: 3 }, text: 'object id', ts: aSecond(5) },
      { source: 'forum', channel: 'support', user: 'cy', id: 1.5, text: 'fraction id', ts: aSecond(5) },
    ]);
    expect(response.status).toBe(400);
    const problems = (response.body as { problems: { index: number; field: string; message: string }[] }).problems;
    expect(problems.map((problem) => [problem.index, problem.field])).toEqual([[1, 'id'], [2, 'id'], [3, 'id']]);
    expect(problems[1]?.message).toMatch(/message id/);
    expect(await messagesOf('cy')).toHaveLength(0);
  });
});
