import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySlackRequest } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventDelivery } from '../../../src/sandbox/slack-api/index.js';
import { startEventDelivery } from '../../../src/sandbox/slack-api/index.js';
import type { RunningBoltApp } from '../../support/bolt-app.js';
import { startBoltApp } from '../../support/bolt-app.js';
import type { SeededFakeSlack } from '../../support/fake-slack.js';
import { startSeededFakeSlack } from '../../support/fake-slack.js';

const secret = 'delivery-secret';

describe('event delivery to a real Bolt app', () => {
  let fake: SeededFakeSlack;
  let bolt: RunningBoltApp;
  let delivery: EventDelivery;
  const seen: { type: string; user?: string; text?: string; reaction?: string }[] = [];

  afterEach(async () => {
    delivery.stop();
    await bolt.stop();
    await fake.close();
    seen.length = 0;
  });

  async function start() {
    fake = await startSeededFakeSlack();
    bolt = await startBoltApp(fake, secret, (app) => {
      app.message(async ({ message }) => {
        const m = message as { user?: string; text?: string };
        seen.push({ type: 'message', ...(m.user ? { user: m.user } : {}), ...(m.text ? { text: m.text } : {}) });
      });
      app.event('app_mention', async ({ event, client }) => {
        seen.push({ type: 'app_mention', user: event.user ?? '', text: event.text });
        await client.chat.postMessage({ channel: event.channel, thread_ts: event.ts, text: 'Looking into it' });
      });
      app.event('reaction_added', async ({ event }) => {
        seen.push({ type: 'reaction_added', user: event.user, reaction: event.reaction });
      });
    });
    delivery = startEventDelivery({ workspace: fake.workspace, requestUrl: bolt.eventsUrl, signingSecret: secret, retryDelaysMs: [10, 10, 10] });
  }

  it('delivers what members do in channels the app is in, and nothing from elsewhere', async () => {
    await start();
    const { community, random, alice, bob } = fake.ids;
    const botUser = fake.workspace.bot.user_id;
    const mention = fake.workspace.postMessage({ user_id: alice }, community, { text: `<@${botUser}> the checkout is broken` });
    fake.workspace.postMessage({ user_id: bob }, random, { text: 'not for the app' });
    fake.workspace.addReaction({ user_id: bob }, community, mention.ts, 'eyes');
    await fake.api.waitForCall('chat.postMessage');
    await delivery.idle();
    // Bolt acknowledges first and runs listeners after, so wait for them too.
    await expect.poll(() => seen.length).toBe(3);

    expect(seen).toEqual(
      expect.arrayContaining([
        { type: 'message', user: alice, text: `<@${botUser}> the checkout is broken` },
        { type: 'app_mention', user: alice, text: `<@${botUser}> the checkout is broken` },
        { type: 'reaction_added', user: bob, reaction: 'eyes' },
      ]),
    );
    expect(seen).toHaveLength(3); // not the #random message, and Bolt drops the app's own reply
    const types = delivery.attempts().map((a) => `${a.type}:${String(a.status)}`);
    expect(types.sort()).toEqual(['app_mention:200', 'message:200', 'message:200', 'reaction_added:200']);
    expect(fake.workspace.replies({ user_id: alice }, community, mention.ts).map((m) => m.text)).toEqual([mention.text, 'Looking into it']);
  });
});

describe('event delivery retries', () => {
  const servers: ReturnType<typeof createServer>[] = [];
  let fake: SeededFakeSlack;
  let delivery: EventDelivery;

  afterEach(async () => {
    delivery.stop();
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    servers.length = 0;
    await fake.close();
  });

  /** An app that answers with the given statuses in turn (or hangs for 'hang'). */
  async function flakyApp(answers: (number | 'hang')[]) {
    const received: { headers: IncomingHttpHeaders; body: string }[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        const answer = answers[received.length - 1] ?? 200;
        if (answer === 'hang') return setTimeout(() => res.writeHead(200).end(), 2000);
        res.writeHead(answer).end();
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`, received };
  }

  it('retries a failed or slow delivery with the same event_id and X-Slack-Retry-Num, signed each time', async () => {
    fake = await startSeededFakeSlack();
    const app = await flakyApp([500, 'hang', 200]);
    delivery = startEventDelivery({ workspace: fake.workspace, requestUrl: app.url, signingSecret: secret, retryDelaysMs: [10, 10, 10], timeoutMs: 800, includeOwnMessages: false });
    fake.workspace.postMessage({ user_id: fake.ids.alice }, fake.ids.community, { text: 'hello' });
    await delivery.idle();

    expect(delivery.attempts().map((a) => [a.retryNum, a.status])).toEqual([[0, 500], [1, 'timeout'], [2, 200]]);
    expect(app.received.map((r) => r.headers['x-slack-retry-num'])).toEqual([undefined, '1', '2']);
    expect(app.received.map((r) => r.headers['x-slack-retry-reason'])).toEqual([undefined, 'http_timeout', 'http_timeout']);
    const eventIds = app.received.map((r) => (JSON.parse(r.body) as { event_id: string }).event_id);
    expect(new Set(eventIds).size).toBe(1);
    for (const { headers, body } of app.received) {
      expect(() =>
        verifySlackRequest({
          signingSecret: secret,
          body,
          headers: { 'x-slack-signature': String(headers['x-slack-signature']), 'x-slack-request-timestamp': Number(headers['x-slack-request-timestamp']) },
        }),
      ).not.toThrow();
    }
  });

  it('gives up after the last retry and says so', async () => {
    fake = await startSeededFakeSlack();
    const app = await flakyApp([503, 503, 503, 503]);
    delivery = startEventDelivery({ workspace: fake.workspace, requestUrl: app.url, signingSecret: secret, retryDelaysMs: [5, 5, 5], includeOwnMessages: false });
    const gaveUp: string[] = [];
    delivery.events.on('gave_up', (envelope) => gaveUp.push(envelope.event.type));
    fake.workspace.postMessage({ user_id: fake.ids.alice }, fake.ids.community, { text: 'hello' });
    await delivery.idle();
    expect(delivery.attempts()).toHaveLength(4);
    expect(gaveUp).toEqual(['message']);
  });

  it('delivers a member\'s edit as message_changed and a deletion as message_deleted', async () => {
    fake = await startSeededFakeSlack();
    const app = await flakyApp([]);
    delivery = startEventDelivery({ workspace: fake.workspace, requestUrl: app.url, signingSecret: secret, includeOwnMessages: false });
    const alice = { user_id: fake.ids.alice };
    const posted = fake.workspace.postMessage(alice, fake.ids.community, { text: 'this is fine' });
    fake.workspace.updateMessage(alice, fake.ids.community, posted.ts, { text: 'this is a SCAM' });
    fake.workspace.deleteMessage(alice, fake.ids.community, posted.ts);
    await delivery.idle();
    const events = app.received.map((r) => (JSON.parse(r.body) as { event: Record<string, unknown> }).event);
    expect(events.map((e) => e['subtype'] ?? 'new')).toEqual(['new', 'message_changed', 'message_deleted']);
    expect(events[1]).toMatchObject({ hidden: true, channel: fake.ids.community, message: { ts: posted.ts, text: 'this is a SCAM', edited: { user: fake.ids.alice, ts: events[1]!['ts'] } }, previous_message: { text: 'this is fine' } });
    // The edit's own ts (what tells two edits delivered out of order apart) is after the message's.
    expect(Number(events[1]!['ts'])).toBeGreaterThan(Number(posted.ts));
    expect(events[2]).toMatchObject({ deleted_ts: posted.ts, previous_message: { text: 'this is a SCAM' } });
  });

  it('stops retrying when stopped', async () => {
    fake = await startSeededFakeSlack();
    const app = await flakyApp([500]);
    delivery = startEventDelivery({ workspace: fake.workspace, requestUrl: app.url, signingSecret: secret, retryDelaysMs: [60_000], includeOwnMessages: false });
    fake.workspace.postMessage({ user_id: fake.ids.alice }, fake.ids.community, { text: 'hello' });
    await expect.poll(() => delivery.attempts().length).toBe(1);
    delivery.stop();
    await delivery.idle();
    expect(app.received).toHaveLength(1);
  });
});
