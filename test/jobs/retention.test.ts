import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { applyRetention, registerRetentionJob, RETENTION_JOB_KIND, type RetentionOutcome } from '../../src/jobs/retention.js';
import { createScheduler } from '../../src/jobs/scheduler.js';
import { createStore } from '../../src/store/store.js';
import { availableProviders } from '../support/databases.js';
import { openMigratedDatabase, type MigratedDatabase } from '../store/repositories/migrated-database.js';

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.UTC(2026, 10, 21, 2, 0, 0);

describe.each(availableProviders)('data retention on %s', (provider) => {
  let database: MigratedDatabase;
  let channelRef: string;
  beforeAll(async () => {
    database = await openMigratedDatabase(provider);
    const workspace = await database.prisma.workspace.create({ data: { teamId: 'T0FIREBRK' } });
    channelRef = (await database.prisma.watchedChannel.create({ data: { workspaceId: workspace.id, channelId: 'C0COMMUNITY' } })).id;
    const message = (ts: string, daysAgo: number, text: string) => ({
      channelRef,
      ts,
      userId: 'U0ALICE',
      text,
      language: 'en',
      label: 'negative',
      score: -3,
      comparative: -0.5,
      terms: ['refund'],
      postedAt: new Date(NOW - daysAgo * DAY),
    });
    await database.prisma.scoredMessage.createMany({
      data: [message('1.000001', 45, 'I want a refund, this is a scam'), message('1.000002', 31, 'still broken'), message('1.000003', 29, 'please fix the login')],
    });
    const bucket = (daysAgo: number) => ({
      channelRef,
      start: new Date(NOW - daysAgo * DAY),
      messages: 4,
      negatives: 3,
      data: { counts: { negative: 3, neutral: 1 }, samples: [{ id: 'm1', authorId: 'U0ALICE', score: -3, text: 'I want a refund' }] },
    });
    await database.prisma.channelBucket.createMany({ data: [bucket(45), bucket(29)] });
  });
  afterAll(() => database.dispose());

  it('erases message text older than the retention period, keeps scores and bucket counts', async () => {
    const outcome = await applyRetention(createStore(database.prisma).direct, { now: NOW, retentionDays: 30 });
    expect(outcome).toMatchObject({ messagesErased: 2, bucketsScrubbed: 1, scrubbedThrough: NOW - 30 * DAY });
    const messages = await database.prisma.scoredMessage.findMany({ orderBy: { ts: 'asc' } });
    expect(messages.map((row) => [row.text, row.textErasedAt?.getTime() ?? null, row.score, row.label])).toEqual([
      [null, NOW, -3, 'negative'],
      [null, NOW, -3, 'negative'],
      ['please fix the login', null, -3, 'negative'],
    ]);
    const buckets = await database.prisma.channelBucket.findMany({ orderBy: { start: 'asc' } });
    expect(buckets.map((row) => [row.messages, row.negatives, row.data])).toEqual([
      [4, 3, { counts: { negative: 3, neutral: 1 } }],
      [4, 3, { counts: { negative: 3, neutral: 1 }, samples: [{ id: 'm1', authorId: 'U0ALICE', score: -3, text: 'I want a refund' }] }],
    ]);
    expect((await applyRetention(createStore(database.prisma).direct, { now: NOW, retentionDays: 30 })).messagesErased).toBe(0);
  });

  it('runs daily in the team’s time zone through the scheduler, carrying where it stopped', async () => {
    const clock = new ManualClock(NOW);
    const outcomes: RetentionOutcome[] = [];
    const scheduler = createScheduler({ store: createStore(database.prisma), clock, logger: pino({ level: 'silent' }), timeZone: 'Europe/Madrid' });
    registerRetentionJob(scheduler, { retentionDays: 28, repositoriesIn: (tx) => tx, onDone: (outcome) => outcomes.push(outcome) });
    await scheduler.start();
    await scheduler.stop();
    const first = await database.prisma.reminder.findFirstOrThrow({ where: { kind: RETENTION_JOB_KIND, status: 'pending' } });
    expect(first.dueAt.toISOString()).toBe('2026-11-21T02:30:00.000Z'); // 03:30 in Madrid
    clock.set(first.dueAt.getTime());
    expect(await scheduler.runDue()).toBe(1);
    expect(outcomes).toMatchObject([{ messagesErased: 1 }]);
    const next = await database.prisma.reminder.findFirstOrThrow({ where: { kind: RETENTION_JOB_KIND, status: 'pending' } });
    expect(next.dueAt.toISOString()).toBe('2026-11-22T02:30:00.000Z');
    expect(next.payload).toEqual({ scrubbedThrough: first.dueAt.getTime() - 28 * DAY });
  });
});
