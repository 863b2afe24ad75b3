// A channel an /ingest source names is the source's text: Slack's channel-name rules do not hold for
// it. Under a playbook pattern (`help-*`, as the shipped playbooks have), a source channel named
// `help-<!channel>` is watched; every message Firebreak posts that names it must show the name inert,
// and a name that would turn or break Firebreak's line around it is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableProviders } from '../support/databases.js';
import { runDigestNow, startHarness, TWO_APPROVER_PLAYBOOK, type Harness } from './harness.js';

const TOKEN = 'ingest-token-0123456789abcdef';
const HOSTILE_CHANNEL = 'help-<!channel><!subteam^S0LEADS>';
/** A live mass mention, user-group ping or link: anything Slack would turn into a notification. */
const LIVE_MARKUP = /<!(?:channel|here|everyone|subteam)/;

describe.each(availableProviders)('a source channel whose name is Slack markup (%s)', (provider) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({
      provider,
      playbook: TWO_APPROVER_PLAYBOOK.replace('channels: [support]', 'channels: [support, help-*]'),
      env: { INGEST_TOKEN: TOKEN, DAILY_DIGEST: 'true' },
    });
    const fortyMinutesAgo = Math.floor((Date.now() - 40 * 60_000) / 1000);
    const response = await fetch(`${harness.app.url}/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ source: 'forum', channel: HOSTILE_CHANNEL, user: 'u1', text: 'The forum checkout is broken and nobody answers, terrible', ts: fortyMinutesAgo }),
    });
    expect(await response.json()).toMatchObject({ scored: 1 });
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
  });

  it('a name holding a direction override or a line separator (which would turn or break the line it is shown in) is refused naming the field', async () => {
    const item = (fields: Record<string, string>) => ({ source: 'forum', channel: 'help-desk', user: 'u2', text: 'Refunds are broken, terrible', ts: Math.floor(Date.now() / 1000) - 60, ...fields });
    const response = await fetch(`${harness.app.url}/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify([item({ channel: 'help-\u202eksed' }), item({ user: 'u2\u2028Resolved by staff' }), item({ source: 'forum\u2066' }), item({ user: 'u2\u0085' })]),
    });
    expect(response.status).toBe(400);
    const { problems } = (await response.json()) as { problems: { index: number; field: string }[] };
    expect(problems.map((problem) => [problem.index, problem.field])).toEqual([[0, 'channel'], [1, 'user'], [2, 'source'], [3, 'user']]);
    expect(await harness.app.database.prisma.scoredMessage.count({ where: { userId: { startsWith: 'forum:u2' } } })).toBe(0);
  });

  it('the unanswered-message reminder names the channel without pinging anyone', async () => {
    await harness.app.runtime!.tick();
    const reminder = await harness.waitFor('the reminder', () => harness.fake.workspace.messagesIn(harness.alerts).find((message) => message.text.includes('The forum checkout is broken')));
    expect(reminder.text).not.toMatch(LIVE_MARKUP);
    expect(reminder.text).toContain('#help-&lt;!channel&gt;&lt;!subteam^S0LEADS&gt;');
  });

  it('the digest lists the channel without pinging anyone', async () => {
    await runDigestNow(harness);
    const digest = await harness.waitFor('the digest posted', () => harness.fake.workspace.messagesIn(harness.alerts).find((message) => message.text.startsWith('Digest')));
    const blocks = JSON.stringify(digest.blocks);
    expect(`${digest.text} ${blocks}`).not.toMatch(LIVE_MARKUP);
    expect(blocks).toContain('#help-&lt;!channel&gt;');
  });
});
