// The watcher's repositories on both databases: JSON columns come back typed, a bucket shared by
// two instances loses no count, and a message is stored once whatever the deliveries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/app/ports/index.js';
import { addToBucket } from '../../../src/domain/detection/bucket.js';
import { defaultDetectorSettings } from '../../../src/domain/detection/settings.js';
import { createStore } from '../../../src/store/store.js';
import { availableProviders } from '../../support/databases.js';
import { openMigratedDatabase, type MigratedDatabase } from './migrated-database.js';

const T0 = Date.UTC(2026, 10, 2, 9, 0, 0);
const sentiment = { language: 'en' as const, label: 'negative' as const, score: -3, comparative: -1, terms: ['broken'] };

describe.each(availableProviders)('channel repositories on %s', (provider) => {
  let database: MigratedDatabase;
  let store: Store;
  let workspaceId: string;
  beforeAll(async () => {
    database = await openMigratedDatabase(provider);
    store = createStore(database.prisma, provider);
    workspaceId = await store.direct.workspaces.idForTeam('T0REPO');
  });
  afterAll(async () => {
    await database?.dispose();
  });

  it('a workspace and a channel are created once, however many ask at the same moment', async () => {
    const ids = await Promise.all([1, 2, 3].map(() => store.direct.workspaces.idForTeam('T0RACE')));
    expect(new Set(ids).size).toBe(1);
    const channels = await Promise.all([1, 2, 3].map(() => store.direct.channels.createOrFind({ workspaceId, channelId: 'C0RACE', name: 'race', watchedBy: 'playbook', source: 'slack' })));
    expect(new Set(channels.map((channel) => channel?.ref)).size).toBe(1);
    expect(channels[0]).toMatchObject({ channelId: 'C0RACE', name: 'race', active: true, watchedBy: 'playbook', detectorState: null, languageMix: null });
  });

  it('gives the detector state and language mix back typed; a state of an unknown version as none', async () => {
    const channel = (await store.direct.channels.createOrFind({ workspaceId, channelId: 'C0JSON', name: 'json', watchedBy: 'playbook', source: 'slack' }))!;
    await store.direct.channels.saveLanguageMix(channel.ref, { en: 2.5, es: 0.98 });
    const state = { version: 2, lastBucketStart: T0, bucketsSeen: 3 };
    await database.prisma.watchedChannel.update({ where: { id: channel.ref }, data: { detectorState: state } });
    expect(await store.direct.channels.find(workspaceId, 'C0JSON')).toMatchObject({ languageMix: { en: 2.5, es: 0.98 }, detectorState: state });
    await database.prisma.watchedChannel.update({ where: { id: channel.ref }, data: { detectorState: { version: 99 } } });
    expect((await store.direct.channels.find(workspaceId, 'C0JSON'))?.detectorState).toBeNull();
  });

  it('a channel a playbook put under watch is stopped and resumed while it is the playbooks’; a command makes it its own', async () => {
    const channel = (await store.direct.channels.createOrFind({ workspaceId, channelId: 'C0FOLLOW', name: 'follow', watchedBy: 'playbook', source: 'slack' }))!;
    const state = { version: 2, lastBucketStart: T0, bucketsSeen: 3 };
    await database.prisma.watchedChannel.update({ where: { id: channel.ref }, data: { detectorState: state } });
    const listed = async () => (await store.direct.channels.watchedByPlaybooks()).find((row) => row.channelId === 'C0FOLLOW');
    expect(await listed()).toEqual({ ref: channel.ref, workspaceId, channelId: 'C0FOLLOW', name: 'follow', active: true });
    // Stopped once (a second instance following the same edit changes nothing), its detector state kept.
    expect(await store.direct.channels.setPlaybookWatch(channel.ref, false)).toBe(true);
    expect(await store.direct.channels.setPlaybookWatch(channel.ref, false)).toBe(false);
    expect(await store.direct.channels.find(workspaceId, 'C0FOLLOW')).toMatchObject({ active: false, watchedBy: 'playbook', detectorState: state });
    expect(await store.direct.channels.setPlaybookWatch(channel.ref, true)).toBe(true);
    // /firebreak unwatch makes it the command's: the playbooks no longer list it nor resume it.
    await store.direct.channels.setWatched({ workspaceId, channelId: 'C0FOLLOW', name: 'follow', active: false });
    expect(await listed()).toBeUndefined();
    expect(await store.direct.channels.setPlaybookWatch(channel.ref, true)).toBe(false);
    expect(await store.direct.channels.find(workspaceId, 'C0FOLLOW')).toMatchObject({ active: false, watchedBy: 'command' });
  });

  it('stores a message once: a second insert of the same ts, even in another transaction, changes nothing', async () => {
    const channel = (await store.direct.channels.createOrFind({ workspaceId, channelId: 'C0ONCE', name: null, watchedBy: 'command', source: 'slack' }))!;
    const message = { channelRef: channel.ref, ts: '1793610000.000100', userId: 'U1', text: 'broken', permalink: null, threadTs: null, sentiment, postedAt: T0 };
    expect(await store.transaction((tx) => tx.scoredMessages.insertIfNew(message, T0))).toBe(true);
    expect(await store.transaction((tx) => tx.scoredMessages.insertIfNew({ ...message, text: 'other' }, T0))).toBe(false);
    expect(await store.direct.scoredMessages.find(channel.ref, message.ts)).toMatchObject({ text: 'broken', label: 'negative', terms: ['broken'], postedAt: T0, deletedAt: null });
  });

  // Several instances share PostgreSQL only; SQLite runs one instance (one client) by design.
  it.runIf(provider === 'postgres')('two instances counting into the same bucket at once lose none of each other’s counts', async () => {
    const other = await database.openAnother();
    const otherStore = createStore(other.prisma, provider);
    const channel = (await store.direct.channels.createOrFind({ workspaceId, channelId: 'C0SHARED', name: null, watchedBy: 'command', source: 'slack' }))!;
    const count = (instance: Store, author: string) =>
      instance.transaction((tx) => tx.buckets.change(channel.ref, T0, (bucket) => addToBucket(bucket, { id: author, authorId: author, at: T0, label: 'negative', score: -2, terms: ['broken'], text: 'broken' }, defaultDetectorSettings)), { timeoutMs: 20_000 });
    // The first count creates the row (two instances creating it at once: one is refused and retries, as the watcher does).
    await count(store, 'U0');
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => count(i % 2 ? otherStore : store, `U${i + 1}`)));
    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
    const applied = 11;
    const [bucket] = await store.direct.buckets.since(channel.ref, T0);
    expect(bucket).toMatchObject({ start: T0, messages: applied, negatives: applied });
    expect(Object.keys(bucket?.negativeAuthors ?? {})).toHaveLength(applied);
    expect(await store.direct.buckets.countsSince(channel.ref, T0)).toEqual([{ start: T0, messages: applied, negatives: applied }]);
  });
});
