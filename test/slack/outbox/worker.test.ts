// The outbox worker against the loopback Slack (real WebClient, real HTTP) on both databases.
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '../../../src/domain/clock.js';
import { createMetrics } from '../../../src/metrics.js';
import {
  createOutboxWebClient,
  createOutboxWorker,
  OUTBOX_METADATA_EVENT_TYPE,
  startOutboxWorker,
  type OutboxFailure,
  type SentOutboxItem,
} from '../../../src/slack/outbox/index.js';
import { claimOutboxItem, enqueueSlackWrite, findSendable, outboxStats, renewOutboxClaim, type OutboxResult } from '../../../src/store/repositories/outbox.js';
import type { Repositories } from '../../../src/app/ports/index.js';
import { createStore } from '../../../src/store/store.js';
import { startAnswerLosingProxy } from '../../support/answer-losing-proxy.js';
import { availableProviders } from '../../support/databases.js';
import { countingOpenTransactions } from '../../support/open-transactions.js';
import { startSeededFakeSlack, type SeededFakeSlack } from '../../support/fake-slack.js';
import { openMigratedDatabase, type MigratedDatabase } from '../../store/repositories/migrated-database.js';

const logger = pino({ level: 'silent' });

describe.each(availableProviders)('outbox worker on %s', (provider) => {
  let database: MigratedDatabase;
  let fake: SeededFakeSlack;
  let clock: ManualClock;
  const sent: SentOutboxItem[] = [];
  const failures: OutboxFailure[] = [];

  beforeAll(async () => {
    database = await openMigratedDatabase(provider);
  });
  afterAll(() => database.dispose());

  beforeEach(async () => {
    clock = new ManualClock(Date.UTC(2026, 10, 21, 12, 0, 0));
    fake = await startSeededFakeSlack({ clock });
    sent.length = 0;
    failures.length = 0;
    await database.prisma.outboxItem.deleteMany();
    await database.prisma.processedEvent.deleteMany();
  });
  afterEach(() => fake.close());

  /** A marker row written in the handler's transaction; a second one for the same id fails like a duplicate insert. */
  async function recordMarker(tx: Repositories, eventId: string): Promise<void> {
    if (!(await tx.processedEvents.recordOnce(eventId, clock.now()))) throw new Error(`marker ${eventId} written twice`);
  }

  function worker(options: { client?: ReturnType<typeof createOutboxWebClient>; random?: () => number } = {}) {
    return createOutboxWorker({
      store: createStore(database.prisma),
      client: options.client ?? createOutboxWebClient({ token: fake.botToken, apiUrl: fake.apiUrl }),
      clock,
      logger,
      random: options.random ?? (() => 0.5),
      backoff: { baseMs: 1_000, maxMs: 60_000 },
      afterSend: {
        // The kind of handler the app registers: store the posted ts, here as a marker row in the same transaction.
        'test.posted': async (tx, item) => {
          sent.push(item);
          await recordMarker(tx, `posted:${item.key}:${item.result.ts}`);
        },
      },
      onFailed: async (tx, failure) => {
        failures.push(failure);
        await recordMarker(tx, `failed:${failure.key}`);
      },
    });
  }

  const enqueue = (write: Parameters<typeof enqueueSlackWrite>[1]) => database.prisma.$transaction((tx) => enqueueSlackWrite(tx, { now: clock.now(), ...write }));
  const item = (key: string) => database.prisma.outboxItem.findUniqueOrThrow({ where: { key } });
  const posts = () => fake.api.calls('chat.postMessage').filter((call) => call.status === 200);
  const messagesWithKey = (channel: string, key: string) =>
    fake.workspace.messagesIn(channel).filter((message) => {
      const metadata = message.metadata as { event_type?: string; event_payload?: { key?: string } } | undefined;
      return metadata?.event_type === OUTBOX_METADATA_EVENT_TYPE && metadata.event_payload?.key === key;
    });

  it('enqueues once per key, and only when the caller’s transaction commits', async () => {
    const write = { key: 'incident:1:root', method: 'chat.postMessage', payload: { channel: fake.ids.staffRoom, text: 'Incident #1' } };
    expect(await enqueue(write)).toBe(true);
    expect(await enqueue({ ...write, payload: { channel: fake.ids.staffRoom, text: 'changed' } })).toBe(false);
    await expect(
      database.prisma.$transaction(async (tx) => {
        await enqueueSlackWrite(tx, { ...write, key: 'incident:2:root' });
        throw new Error('the state change was refused');
      }),
    ).rejects.toThrow('refused');
    const rows = await database.prisma.outboxItem.findMany();
    expect(rows.map((row) => row.key)).toEqual(['incident:1:root']);
    expect(rows[0]?.payload).toMatchObject({ args: { text: 'Incident #1' } });
    await expect(enqueue({ ...write, key: 'x', payload: { channel: 'C1', text: 'x', metadata: {} } })).rejects.toMatchObject({ code: 'input_invalid' });
  });

  it('two transactions enqueueing the same key at once both commit, with one item', async () => {
    const other = await database.openAnother();
    const write = (prisma: typeof database.prisma, text: string) =>
      prisma.$transaction(async (tx) => {
        const added = await enqueueSlackWrite(tx, { key: 'same-effect', method: 'chat.postMessage', payload: { channel: fake.ids.staffRoom, text }, now: clock.now() });
        await tx.processedEvent.create({ data: { eventId: `tx-${text}`, receivedAt: new Date(clock.now()) } });
        return added;
      });
    const outcomes = await Promise.all([write(database.prisma, 'a'), write(provider === 'postgres' ? other.prisma : database.prisma, 'b')]);
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    expect(await database.prisma.outboxItem.count()).toBe(1);
    expect(await database.prisma.processedEvent.count({ where: { eventId: { startsWith: 'tx-' } } })).toBe(2);
  });

  it('posts with the key in metadata, records ts and channel, and runs afterSend in the transaction that marks it sent', async () => {
    await enqueue({ key: 'incident:1:root', method: 'chat.postMessage', payload: { channel: fake.ids.staffRoom, text: 'Incident #1' }, record: { kind: 'test.posted', incidentId: 'i1' } });
    expect(await worker().runOnce()).toBe(1);
    const row = await item('incident:1:root');
    expect(row.status).toBe('sent');
    const result = row.result as unknown as OutboxResult;
    expect(result).toMatchObject({ ok: true, channel: fake.ids.staffRoom });
    expect(messagesWithKey(fake.ids.staffRoom, 'incident:1:root').map((message) => message.ts)).toEqual([result.ts]);
    expect(sent).toMatchObject([{ key: 'incident:1:root', record: { kind: 'test.posted', incidentId: 'i1' }, result: { ts: result.ts } }]);
    expect(await database.prisma.processedEvent.count({ where: { eventId: `posted:incident:1:root:${result.ts}` } })).toBe(1);
    expect(await worker().runOnce()).toBe(0);
  });

  it('prepare asks what the handlers need before their transaction, never in it, and hands it to afterSend and onFailed; a failed one is retried', async () => {
    const store = createStore(database.prisma);
    const { store: counted, open: openNow } = countingOpenTransactions(store);
    const preparedWith: { key: string; open: number }[] = [];
    const handed: (string | undefined)[] = [];
    let slackSlow = true;
    const outbox = createOutboxWorker({
      store: counted,
      client: createOutboxWebClient({ token: fake.botToken, apiUrl: fake.apiUrl }),
      clock,
      logger,
      random: () => 0.5,
      backoff: { baseMs: 1_000, maxMs: 60_000 },
      // Stands for a look-up in Slack (user groups): once it fails, as a Slack that did not answer.
      prepare: async (item) => {
        preparedWith.push({ key: item.key, open: openNow() });
        if (slackSlow) {
          slackSlow = false;
          throw new Error('Slack did not list the user groups');
        }
        return `asked for ${item.key}`;
      },
      afterSend: { 'test.posted': async (_tx, _item, prepared) => void handed.push(prepared) },
      onFailed: async (_tx, _failure, prepared) => void handed.push(prepared),
    });
    await enqueue({ key: 'root', method: 'chat.postMessage', payload: { channel: fake.ids.staffRoom, text: 'Incident #1' }, record: { kind: 'test.posted', incidentId: 'i1' } });
    await outbox.runOnce();
    // Slack's answer is kept; recording it waits for the look-up.
    expect(await item('root')).toMatchObject({ status: 'pending', lastError: 'after_send: Slack did not list the user groups' });
    clock.advance(1_000);
    expect(await outbox.runOnce()).toBe(1);
    expect((await item('root')).status).toBe('sent');
    fake.api.faults.failWith('chat.postMessage', 'channel_not_found', { times: 1 });
    await enqueue({ key: 'gone', method: 'chat.postMessage', payload: { channel: fake.ids.staffRoom, text: 'Nowhere' } });
    clock.advance(1_000);
    await outbox.runOnce();
    expect((await item('gone')).status).toBe('failed');
    expect(handed).toEqual(['asked for root', 'asked for gone']);
    expect(preparedWith).toEqual([{ key: 'root', open: 0 }, { key: 'root', open: 0 }, { key: 'gone', open: 0 }]);
    // The retry only recorded Slack's answer: posted once.
    expect(messagesWithKey(fake.ids.staffRoom, 'root')).toHaveLength(1);
  });

  it('a thread reply waits for its root and is sent with the root’s ts; an update acts on the posted message', async () => {
    await database.prisma.$transaction(async (tx) => {
      await enqueueSlackWrite(tx, { key: 'root', method: 'chat.postMessage', payload: { channel: fake.ids.staffRoom, text: 'root' }, now: clock.now() });
      await enqueueSlackWrite(tx, { key: 'reply', method: 'chat.postMessage', payload: { channel: fake.ids.staffRoom, text: 'reply' }, threadOf: 'root', now: clock.now() });
      await enqueueSlackWrite(tx, { key: 'root:v2', method: 'chat.update', payload: { text: 'root, updated' }, messageOf: 'root', now: clock.now() });
    });
    const outbox = worker();
    expect(await outbox.runOnce()).toBe(1);
    const rootTs = ((await item('root')).result as unknown as OutboxResult).ts;
    expect((await item('reply')).status).toBe('pending');
    clock.advance(1_000);
    expect(await outbox.runOnce()).toBe(1);
    expect(fake.api.calls('chat.postMessage')[1]?.args).toMatchObject({ text: 'reply', thread_ts: rootTs });
    expect(await outbox.runOnce()).toBe(1);
    expect(fake.api.calls('chat.update')[0]?.args).toMatchObject({ channel: fake.ids.staffRoom, ts: rootTs, text: 'root, updated' });
    expect(fake.workspace.findMessage(fake.ids.staffRoom, rootTs!)?.text).toBe('root, updated');
  });

  it('429: waits for Retry-After, then sends once', async () => {
    fake.api.faults.rateLimit('chat.postMessage', 2, { times: 1 });
    await enqueue({ key: 'reply', method: 'chat.postMessage', payload: { channel: fake.ids.community, text: 'We are on it' } });
    const outbox = worker();
    await outbox.runOnce();
    let row = await item('reply');
    expect(row).toMatchObject({ status: 'pending', lastError: 'ratelimited', uncertain: false });
    expect(row.nextAttemptAt.getTime()).toBe(clock.now() + 2_000);
    clock.advance(1_999);
    expect(await outbox.runOnce()).toBe(0);
    clock.advance(1);
    expect(await outbox.runOnce()).toBe(1);
    row = await item('reply');
    expect(row.status).toBe('sent');
    expect(posts()).toHaveLength(1);
    expect(fake.api.calls('conversations.history')).toHaveLength(0);
  });

  it('429 for a whole minute: keeps waiting, drops nothing', async () => {
    fake.api.faults.rateLimit('chat.postMessage', 7, { forMs: 60_000 });
    await enqueue({ key: 'reply', method: 'chat.postMessage', payload: { channel: fake.ids.community, text: 'We are on it' } });
    const outbox = worker();
    for (let second = 0; second <= 70; second += 1) {
      await outbox.runOnce();
      clock.advance(1_000);
    }
    expect((await item('reply')).status).toBe('sent');
    expect(posts()).toHaveLength(1);
    // One attempt per Retry-After, not one per scan.
    expect(fake.api.calls('chat.postMessage').length).toBeLessThanOrEqual(60 / 7 + 2);
  });

  it('500: retries with backoff, looks for an earlier post first, and posts once', async () => {
    fake.api.faults.serverError('chat.postMessage', { times: 2 });
    await enqueue({ key: 'reply', method: 'chat.postMessage', payload: { channel: fake.ids.community, text: 'We are on it' } });
    const outbox = worker();
    await outbox.runOnce();
    let row = await item('reply');
    expect(row).toMatchObject({ status: 'pending', lastError: 'http_500', uncertain: true });
    // attempt 1, jitter 0.5: half of 1 s fixed plus a quarter
    expect(row.nextAttemptAt.getTime() - clock.now()).toBe(750);
    clock.advance(750);
    await outbox.runOnce();
    row = await item('reply');
    expect(row.nextAttemptAt.getTime() - clock.now()).toBe(1_500);
    clock.advance(1_500);
    expect(await outbox.runOnce()).toBe(1);
    expect((await item('reply')).status).toBe('sent');
    expect(posts()).toHaveLength(1);
    expect(fake.api.calls('conversations.history').length).toBeGreaterThanOrEqual(2);
    expect(fake.api.calls('conversations.history')[0]?.args).toMatchObject({ channel: fake.ids.community, include_all_metadata: 'true' });
  });

  it('a permanent error stops the item and its thread, and is reported in a transaction', async () => {
    fake.api.faults.failWith('chat.postMessage', 'not_in_channel', { times: 1 });
    await database.prisma.$transaction(async (tx) => {
      await enqueueSlackWrite(tx, { key: 'root', method: 'chat.postMessage', payload: { channel: fake.ids.staffRoom, text: 'root' }, incidentId: 'inc-1', now: clock.now() });
      await enqueueSlackWrite(tx, { key: 'reply', method: 'chat.postMessage', payload: { channel: fake.ids.staffRoom, text: 'reply' }, threadOf: 'root', now: clock.now() });
    });
    const outbox = worker();
    await outbox.runOnce();
    await outbox.runOnce();
    expect(await item('root')).toMatchObject({ status: 'failed', lastError: 'not_in_channel', attempts: 1 });
    expect(await item('reply')).toMatchObject({ status: 'failed', lastError: 'dependency_failed' });
    expect(failures).toMatchObject([
      { key: 'root', error: 'not_in_channel', incidentId: 'inc-1', channelId: fake.ids.staffRoom },
      { key: 'reply', error: 'dependency_failed' },
    ]);
    expect(await database.prisma.processedEvent.count({ where: { eventId: { startsWith: 'failed:' } } })).toBe(2);
    clock.advance(3_600_000);
    expect(await outbox.runOnce()).toBe(0);
    expect(fake.api.calls('chat.postMessage')).toHaveLength(1);
  });

  it('an ambiguous failure (the post landed, the answer was lost) is followed by a look-up that adopts the message', async () => {
    const proxy = await startAnswerLosingProxy(fake.origin, 'drop');
    try {
      await enqueue({ key: 'reply', method: 'chat.postMessage', payload: { channel: fake.ids.community, text: 'We are on it' }, record: { kind: 'test.posted' } });
      const outbox = worker({ client: createOutboxWebClient({ token: fake.botToken, apiUrl: `${proxy.origin}/api/` }) });
      await outbox.runOnce();
      const row = await item('reply');
      expect(row).toMatchObject({ status: 'pending', uncertain: true });
      expect(row.lastError).toMatch(/^network_/);
      expect(messagesWithKey(fake.ids.community, 'reply')).toHaveLength(1);
      // Slack never answered: it may still be posting, so nothing is looked up or posted for a minute.
      expect(row.nextAttemptAt.getTime()).toBe(clock.now() + 60_000);
      clock.advance(59_999);
      expect(await outbox.runOnce()).toBe(0);
      clock.advance(1);
      expect(await outbox.runOnce()).toBe(1);
      const [posted] = messagesWithKey(fake.ids.community, 'reply');
      expect(await item('reply')).toMatchObject({ status: 'sent', result: { ts: posted?.ts, adopted: true } });
      expect(messagesWithKey(fake.ids.community, 'reply')).toHaveLength(1);
      expect(fake.api.calls('chat.postMessage')).toHaveLength(1);
      expect(sent).toMatchObject([{ key: 'reply', result: { ts: posted?.ts, adopted: true } }]);
    } finally {
      await proxy.close();
    }
  });

  it('a look-up Slack rate-limits (one read a minute, 15 a page) survives a restart: a new worker resumes from the stored cursor, reads each page once, and adopts the post', async () => {
    const proxy = await startAnswerLosingProxy(fake.origin, 'drop');
    try {
      await enqueue({ key: 'reply', method: 'chat.postMessage', payload: { channel: fake.ids.community, text: 'We are on it' }, record: { kind: 'test.posted' } });
      const first = worker({ client: createOutboxWebClient({ token: fake.botToken, apiUrl: `${proxy.origin}/api/` }) });
      await first.runOnce();
      // 50 member messages land after the post whose answer was lost.
      for (let index = 0; index < 50; index += 1) fake.workspace.postMessage({ user_id: fake.ids.alice }, fake.ids.community, { text: `chatter ${index}` });
    } finally {
      await proxy.close();
    }
    fake.api.faults.limitReadsLikeUnlistedApp();
    clock.advance(60_000);
    await worker().runOnce();
    const waiting = await item('reply');
    expect(waiting).toMatchObject({ status: 'pending', lastError: 'waiting_for_read:lookup', readProgress: { read: 'lookup', messagesRead: 15, cursor: expect.any(String) } });
    expect(waiting.nextAttemptAt.getTime()).toBe(clock.now() + 60_000);
    // The process is gone; the wait is in the row. Another worker takes it up when it is due, and not before.
    const second = worker();
    clock.advance(59_999);
    expect(await second.runOnce()).toBe(0);
    for (let minute = 0; minute < 6 && (await item('reply')).status !== 'sent'; minute += 1) {
      clock.advance(60_000);
      await second.runOnce();
    }
    expect(await item('reply')).toMatchObject({ status: 'sent', result: { adopted: true } });
    const pages = fake.api.calls('conversations.history').filter((call) => call.status === 200);
    // 51 messages at 15 a page: 4 reads, each page once (before: page 1 again after every 429, never done).
    expect(pages).toHaveLength(4);
    expect(new Set(pages.map((call) => call.args['cursor'] ?? 'first')).size).toBe(4);
    expect(messagesWithKey(fake.ids.community, 'reply')).toHaveLength(1);
    expect(fake.api.calls('chat.postMessage')).toHaveLength(1);
  });

  it('a claimer that died mid-send: after its lease the item is reclaimed, found in the thread, and not posted again', async () => {
    await database.prisma.$transaction(async (tx) => {
      await enqueueSlackWrite(tx, { key: 'root', method: 'chat.postMessage', payload: { channel: fake.ids.staffRoom, text: 'root' }, now: clock.now() });
      await enqueueSlackWrite(tx, { key: 'reply', method: 'chat.postMessage', payload: { channel: fake.ids.staffRoom, text: 'reply' }, threadOf: 'root', now: clock.now() });
    });
    const outbox = worker();
    await outbox.runOnce();
    clock.advance(1_000);
    // Another instance claims the reply, posts it, and is killed before it records Slack's answer.
    const [candidate] = await findSendable(database.prisma, clock.now());
    const claimed = await claimOutboxItem(database.prisma, candidate!.item, { workerId: 'killed-instance', now: clock.now(), leaseMs: 60_000 });
    const rootTs = ((await item('root')).result as unknown as OutboxResult).ts!;
    const client = createOutboxWebClient({ token: fake.botToken, apiUrl: fake.apiUrl });
    await client.chat.postMessage({ channel: fake.ids.staffRoom, text: 'reply', thread_ts: rootTs, metadata: { event_type: OUTBOX_METADATA_EVENT_TYPE, event_payload: { key: claimed!.key } } });
    clock.advance(30_000);
    expect(await outbox.runOnce()).toBe(0);
    clock.advance(30_000);
    expect(await outbox.runOnce()).toBe(1);
    expect(await item('reply')).toMatchObject({ status: 'sent', uncertain: true, attempts: 2, result: { adopted: true } });
    expect(messagesWithKey(fake.ids.staffRoom, 'reply')).toHaveLength(1);
    expect(fake.api.calls('conversations.replies')[0]?.args).toMatchObject({ ts: rootTs, include_all_metadata: 'true' });
  });

  it('an item claimed by a process of this machine that is gone is taken over at once, without waiting out the claim; a post once it has surely landed', async () => {
    await enqueue({ key: 'notice', method: 'chat.postEphemeral', payload: { channel: fake.ids.community, user: fake.ids.carol, text: 'Incident #1' } });
    await enqueue({ key: 'reply', method: 'chat.postMessage', payload: { channel: fake.ids.staffRoom, text: 'reply' } });
    const gone = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    await new Promise((resolve) => gone.once('exit', resolve));
    for (const { item: candidate } of await findSendable(database.prisma, clock.now())) {
      await claimOutboxItem(database.prisma, candidate, { workerId: `${hostname()}:${gone.pid}:0badc0de`, now: clock.now(), leaseMs: 60_000 });
    }
    expect(await worker().runOnce()).toBe(1);
    expect(await item('notice')).toMatchObject({ status: 'sent', uncertain: true, attempts: 2 });
    // The dead claimer's post may still be in flight at Slack: looked for only once it has surely landed.
    expect(await item('reply')).toMatchObject({ status: 'sending', attempts: 1 });
    clock.advance(59_999);
    expect(await worker().runOnce()).toBe(0);
    clock.advance(1);
    expect(await worker().runOnce()).toBe(1);
    expect(await item('reply')).toMatchObject({ status: 'sent', uncertain: true, attempts: 2 });
    expect(fake.api.calls('conversations.history')).toHaveLength(1);
    expect(messagesWithKey(fake.ids.staffRoom, 'reply')).toHaveLength(1);
  });

  it('a claimer that overran its claim cannot renew it once another has taken the item over', async () => {
    await enqueue({ key: 'slow', method: 'chat.postMessage', payload: { channel: fake.ids.community, text: 'slow' } });
    const [candidate] = await findSendable(database.prisma, clock.now());
    const first = await claimOutboxItem(database.prisma, candidate!.item, { workerId: 'slow-instance', now: clock.now(), leaseMs: 60_000 });
    expect(await renewOutboxClaim(database.prisma, first!, clock.now() + 60_000)).toBe(true);
    clock.advance(120_001);
    const [expired] = await findSendable(database.prisma, clock.now());
    const second = await claimOutboxItem(database.prisma, expired!.item, { workerId: 'other-instance', now: clock.now(), leaseMs: 60_000 });
    expect(second).toMatchObject({ lockedBy: 'other-instance', uncertain: true, attempts: 2 });
    expect(await renewOutboxClaim(database.prisma, first!, clock.now() + 60_000)).toBe(false);
  });

  it('paces chat.postMessage to one per second per channel, channels in parallel', async () => {
    for (const [index, channel] of [fake.ids.community, fake.ids.community, fake.ids.community, fake.ids.staffRoom].entries()) {
      await enqueue({ key: `m${index}`, method: 'chat.postMessage', payload: { channel, text: `m${index}` } });
    }
    const outbox = worker();
    expect(await outbox.runOnce()).toBe(2);
    expect(await outbox.runOnce()).toBe(0);
    clock.advance(999);
    expect(await outbox.runOnce()).toBe(0);
    clock.advance(1);
    expect(await outbox.runOnce()).toBe(1);
    clock.advance(1_000);
    expect(await outbox.runOnce()).toBe(1);
    const community = posts().filter((call) => call.args['channel'] === fake.ids.community);
    expect(community.map((call) => call.args['text'])).toEqual(['m0', 'm1', 'm2']);
    expect(community.map((call) => call.at - community[0]!.at)).toEqual([0, 1_000, 2_000]);
  });

  it('outboxStats: depth and the oldest unsent item’s age; metrics count calls and errors by method', async () => {
    expect(await outboxStats(database.prisma, clock)).toEqual({ depth: 0, oldestPendingAgeSeconds: 0 });
    fake.api.faults.serverError('chat.postMessage', { times: 1 });
    await enqueue({ key: 'a', method: 'chat.postMessage', payload: { channel: fake.ids.community, text: 'a' } });
    clock.advance(5_000);
    await enqueue({ key: 'b', method: 'chat.postMessage', payload: { channel: fake.ids.staffRoom, text: 'b' } });
    clock.advance(10_000);
    expect(await outboxStats(database.prisma, clock)).toEqual({ depth: 2, oldestPendingAgeSeconds: 15 });
    const metrics = createMetrics({ defaultMetrics: false });
    // One lane at a time, oldest first: the injected 500 hits "a".
    const outbox = createOutboxWorker({ store: createStore(database.prisma), client: createOutboxWebClient({ token: fake.botToken, apiUrl: fake.apiUrl }), clock, logger, metrics, concurrency: 1 });
    metrics.setSources({ outbox: () => outboxStats(database.prisma, clock) });
    await outbox.runOnce();
    const text = await metrics.render();
    expect(text).toContain('firebreak_outbox_depth 1');
    expect(text).toContain('firebreak_outbox_oldest_pending_age_seconds 15');
    expect(text).toContain('firebreak_slack_api_calls_total{method="chat.postMessage"} 2');
    expect(text).toContain('firebreak_slack_api_errors_total{method="chat.postMessage",error="http_500"} 1');
    expect(text).toContain('firebreak_outbox_items_total{method="chat.postMessage",outcome="sent"} 1');
  });
});

describe('outbox worker loop', () => {
  it('started, it sends what is enqueued once woken, and stops after the send in flight', async () => {
    const database = await openMigratedDatabase('sqlite');
    const fake = await startSeededFakeSlack();
    try {
      const worker = startOutboxWorker({
        store: createStore(database.prisma),
        client: createOutboxWebClient({ token: fake.botToken, apiUrl: fake.apiUrl }),
        clock: systemClock,
        logger,
        pollMs: 60_000,
      });
      await database.prisma.$transaction((tx) => enqueueSlackWrite(tx, { key: 'woken', method: 'chat.postMessage', payload: { channel: fake.ids.community, text: 'hello' } }));
      worker.wake();
      await fake.api.waitForCall('chat.postMessage', (call) => call.args['text'] === 'hello');
      await worker.stop();
      expect((await database.prisma.outboxItem.findUniqueOrThrow({ where: { key: 'woken' } })).status).toBe('sent');
    } finally {
      await fake.close();
      await database.dispose();
    }
  });
});

describe.each(availableProviders)('two outbox workers on one %s database', (provider) => {
  let database: MigratedDatabase;
  let fake: SeededFakeSlack;
  beforeAll(async () => {
    database = await openMigratedDatabase(provider);
    fake = await startSeededFakeSlack();
  });
  afterAll(async () => {
    await fake.close();
    await database.dispose();
  });

  it('never send the same item, and keep each channel’s order', async () => {
    const bot = fake.workspace.bot.user_id;
    const channels = Array.from({ length: 6 }, (_, index) => fake.workspace.addChannel({ name: `lane-${index}`, members: [bot] }).id);
    const keys: string[] = [];
    await database.prisma.$transaction(async (tx) => {
      for (let index = 0; index < 48; index += 1) {
        const channel = channels[index % channels.length]!;
        keys.push(`item-${index}`);
        await enqueueSlackWrite(tx, { key: `item-${index}`, method: 'chat.postMessage', payload: { channel, text: `item-${index}` } });
      }
    });
    const other = await database.openAnother();
    const make = (prisma: typeof database.prisma, workerId: string) =>
      createOutboxWorker({
        store: createStore(prisma),
        client: createOutboxWebClient({ token: fake.botToken, apiUrl: fake.apiUrl }),
        clock: systemClock,
        logger,
        workerId,
        postIntervalMs: 0,
      });
    const workers = [make(database.prisma, 'instance-a'), make(other.prisma, 'instance-b')];
    const remaining = () => database.prisma.outboxItem.count({ where: { status: { not: 'sent' } } });
    while ((await remaining()) > 0) await Promise.all(workers.map((worker) => worker.runOnce()));

    const claims = new Set((await database.prisma.outboxItem.findMany()).map((row) => row.attempts));
    expect([...claims]).toEqual([1]);
    expect(fake.api.calls('chat.postMessage')).toHaveLength(48);
    for (const [lane, channel] of channels.entries()) {
      const texts = fake.workspace.messagesIn(channel).map((message) => message.text);
      expect(texts).toEqual(keys.filter((_, index) => index % channels.length === lane));
    }
  });
});
