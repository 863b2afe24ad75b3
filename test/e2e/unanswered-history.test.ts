// The unanswered-message reminder is about members waiting now. A message Firebreak first sees days
// after it was posted (a member editing an old message of a channel watched since, a source sending
// its history to /ingest) is history: it must not ping the leads as "no answer for over 30 min".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableProviders } from '../support/databases.js';
import { startHarness, type Harness } from './harness.js';

const TOKEN = 'ingest-token-0123456789abcdef';
const DAY = 86_400_000;
const secondsTs = (ms: number, micros = '000100') => `${Math.floor(ms / 1000)}.${micros}`;

describe.each(availableProviders)('the unanswered-message reminder and old messages (%s)', (provider) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ provider, env: { INGEST_TOKEN: TOKEN } });
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
  });

  const reminders = () => harness.fake.workspace.messagesIn(harness.alerts).filter((message) => message.text.includes('no answer'));

  it('reminds of a member waiting now, not of messages first seen days after they were posted', async () => {
    const member = harness.people.members[0]!;
    const now = Date.now();
    // A member edits a message of three days ago, from before Firebreak watched #support.
    const oldTs = secondsTs(now - 3 * DAY);
    await harness.event({
      type: 'message',
      subtype: 'message_changed',
      channel: harness.support,
      ts: secondsTs(now, '998000'),
      hidden: true,
      message: { type: 'message', user: member, text: 'Edited: the old checkout bug was terrible and awful', ts: oldTs, edited: { user: member, ts: secondsTs(now, '998000') } },
    });
    // A forum sends its last week of posts, and one from forty minutes ago.
    const posts = [7, 5, 2].map((days, index) => ({ source: 'forum', channel: 'support', user: `old${index}`, text: `Backfilled ${days} days: refunds are broken, terrible`, ts: Math.floor((now - days * DAY) / 1000) }));
    posts.push({ source: 'forum', channel: 'support', user: 'new', text: 'Just now: my refund is broken, terrible', ts: Math.floor((now - 40 * 60_000) / 1000) });
    const response = await fetch(`${harness.app.url}/ingest`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(posts) });
    expect(await response.json()).toMatchObject({ scored: 4 });
    await harness.waitFor('the edit stored', async () => (await harness.app.database.prisma.scoredMessage.count({ where: { label: 'negative' } })) === 5);

    await harness.app.runtime!.tick();
    const reminder = await harness.waitFor('the reminder', () => reminders()[0]);
    expect(reminder.text).toContain('Just now: my refund is broken');
    expect(reminder.text).toMatch(/1 negative message in #support/);
    expect(reminder.text).not.toMatch(/old checkout bug|Backfilled/);

    // Later runs bring up none of the history either.
    await harness.app.runtime!.tick();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(reminders()).toHaveLength(1);
  });
});
