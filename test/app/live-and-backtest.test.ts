// One scoring path: the same messages through the live Watcher (over the real store) and through
// the backtest's pipeline (observeMessage in memory) give the same buckets, field by field, the same
// language mix and the same detector state.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Watcher, type CommunityMessage } from '../../src/app/watcher.js';
import { ManualClock } from '../../src/domain/clock.js';
import { bucketStartOf, type ChannelBucket } from '../../src/domain/detection/bucket.js';
import { observeMessage, watchChannel, type ChatMessage } from '../../src/domain/detection/pipeline.js';
import { createStore } from '../../src/store/store.js';
import { availableProviders } from '../support/databases.js';
import { SUPPORT, T0, testDetectorSettings as settings, tsOf } from '../support/watcher-fixture.js';
import { openMigratedDatabase, type MigratedDatabase } from '../store/repositories/migrated-database.js';

const MINUTE = 60_000;
const texts = [
  'Hi all, how do I change my avatar?',
  'The app is broken again, this is terrible',
  'La app no carga, es un desastre total',
  'ok',
  'Worst outage ever, I am furious and nobody answers',
  'gracias',
  'Payments failing, awful service, really angry',
  'Thanks for the help yesterday, great job',
  'fatal',
  'Horrible, broken login again, so frustrating',
  'No funciona el pago, qué vergüenza, horrible',
  'Is the new version out?',
];

/** Eight minutes of a channel turning sour, several authors, two languages, short messages that need the mix's hint. */
function conversation(): ChatMessage[] {
  const messages: ChatMessage[] = [];
  for (let i = 0; i < 96; i += 1) {
    const minute = Math.floor(i / 12);
    const at = T0 + minute * MINUTE + (i % 12) * 4_000 + 1_000;
    // Later minutes are angrier: more of the negative texts.
    const text = texts[(i * (minute + 1)) % texts.length] as string;
    messages.push({ id: tsOf(at), channel: SUPPORT, authorId: `U${i % 7}`, at, text });
  }
  // A latecomer of the first minute, after the detector closed it: stored by the watcher, counted by neither.
  const late = T0 + 30_500;
  messages.push({ id: tsOf(late), channel: SUPPORT, authorId: 'U9', at: late, text: 'This is a disaster, I hate this update' });
  return messages;
}

describe.each(availableProviders)('live watcher and backtest on %s', (provider) => {
  let database: MigratedDatabase;
  beforeAll(async () => {
    database = await openMigratedDatabase(provider);
  });
  afterAll(async () => {
    await database?.dispose();
  });

  it('give identical buckets, language mix and detector state for the same messages', async () => {
    const messages = conversation();

    // Backtest: the in-memory pipeline, closing buckets as time crosses into a new one.
    const replay = watchChannel(SUPPORT, settings);
    const replayed = new Map<number, ChannelBucket>();
    for (const chat of messages) {
      observeMessage(replay, chat, settings);
      for (const bucket of replay.buckets) replayed.set(bucket.start, bucket);
    }

    // Live: the Watcher over the real store, its detection tick run when time crosses into a new bucket.
    const clock = new ManualClock(T0);
    const store = createStore(database.prisma, provider);
    const workspaceId = await store.direct.workspaces.idForTeam('T0LIVE');
    const watcher = new Watcher({
      store,
      clock,
      logger: pino({ level: 'silent' }),
      incidents: { openFromDetection: async () => ({ incidentId: 'inc', opened: true }), escalateFromDetection: async () => ({ incidentId: 'inc', opened: false }) },
      settingsFor: () => settings,
      describeChannel: async () => ({ name: 'support', watchedBy: 'playbook' }),
      isStaff: async () => false,
    });
    let newest = -Infinity;
    for (const chat of messages) {
      const start = bucketStartOf(chat.at, settings.bucketMs);
      if (start > newest) {
        clock.set(chat.at);
        await watcher.tick();
        newest = start;
      }
      const live: CommunityMessage = { workspaceId, channelId: chat.channel, userId: chat.authorId, ts: chat.id, text: chat.text };
      expect((await watcher.ingest(live)).status).toBe('scored');
    }

    const channel = (await store.direct.channels.find(workspaceId, SUPPORT))!;
    const liveBuckets = await store.direct.buckets.since(channel.ref, 0);
    const replayBuckets = [...replayed.values()].sort((a, b) => a.start - b.start);
    expect(liveBuckets.map((bucket) => bucket.start)).toEqual(replayBuckets.map((bucket) => bucket.start));
    expect(liveBuckets).toHaveLength(8);
    for (const [index, live] of liveBuckets.entries()) {
      const replayBucket = replayBuckets[index] as ChannelBucket;
      for (const field of ['start', 'messages', 'negatives', 'positives', 'negativeAuthors', 'negativeAuthorsOverflow', 'termCounts', 'samples'] as const) {
        expect({ start: live.start, field, value: live[field] }).toEqual({ start: live.start, field, value: replayBucket[field] });
      }
    }
    // Not a trivial equality: the series has anger, authors, terms and samples, and the latecomer counted nowhere.
    expect(liveBuckets.reduce((sum, bucket) => sum + bucket.negatives, 0)).toBeGreaterThan(20);
    expect(liveBuckets.some((bucket) => (bucket.samples?.length ?? 0) > 0 && Object.keys(bucket.termCounts ?? {}).length > 0)).toBe(true);
    expect(liveBuckets.reduce((sum, bucket) => sum + bucket.messages, 0)).toBe(messages.length - 1);

    expect(channel.languageMix).toEqual(replay.languageMix);
    expect(channel.detectorState).toEqual(replay.detector);
  });
});
