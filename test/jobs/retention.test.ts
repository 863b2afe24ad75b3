import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedbackService } from '../../src/app/feedback.js';
import { ManualClock } from '../../src/domain/clock.js';
import { learnCorrections } from '../../src/domain/sentiment/corrections.js';
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

  it('deletes quarantined messages older than the retention period: their raw payloads quote members', async () => {
    const kept = (daysAgo: number, text: string) => ({
      at: new Date(NOW - daysAgo * DAY),
      source: 'slack',
      channelId: 'C0COMMUNITY',
      reason: 'malformed_event',
      error: 'event.text is not a string',
      payload: JSON.stringify({ event: { text, user: 'U0ALICE' } }),
    });
    await database.prisma.quarantinedMessage.createMany({ data: [kept(31, 'my card number is 4111'), kept(29, 'call me on 555 0100')] });
    const outcome = await applyRetention(createStore(database.prisma).direct, { now: NOW, retentionDays: 30 });
    expect(outcome.quarantinePruned).toBe(1);
    expect((await database.prisma.quarantinedMessage.findMany()).map((row) => row.payload)).toEqual([expect.stringContaining('555 0100')]);
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

describe.each(availableProviders)('retention of staff feedback on %s', (provider) => {
  let database: MigratedDatabase;
  afterAll(() => database?.dispose());

  it('erases the message text of old feedback, keeps what was learnt, and undo still unlearns exactly', async () => {
    database = await openMigratedDatabase(provider);
    const workspaceId = (await database.prisma.workspace.create({ data: { teamId: 'T0FEEDBK' } })).id;
    const clock = new ManualClock(NOW - 40 * DAY);
    const service = new FeedbackService({ store: createStore(database.prisma), clock });
    const give = async (text: string, value: 'negative' | 'not_negative') => {
      const outcome = await service.give({ workspaceId, userId: 'U0STAFF', channelId: 'C0GAME', text, via: 'shortcut', verdict: { target: 'message', value } });
      if (!outcome.ok) throw new Error(outcome.refusal);
      return outcome.feedback;
    };
    const old = ['that boss fight was a kill fest, alice', 'we are going to kill it tonight with bob', 'gonna kill the raid later'];
    for (const text of old) await give(text, 'not_negative');
    await give('the update is fine but nothing loads', 'negative');
    clock.set(NOW - 2 * DAY);
    const recent = await give('kill streak of twelve, what a match', 'not_negative');
    // A feedback audit entry from before audits stopped quoting the message.
    await database.prisma.auditLog.create({ data: { at: new Date(NOW - 40 * DAY), userId: 'U0STAFF', action: 'feedback_given', outcome: 'accepted', text: 'we are going to kill it tonight with bob' } });
    const before = await service.lexicon(workspaceId);

    const outcome = await applyRetention(createStore(database.prisma).direct, { now: NOW, retentionDays: 30 });
    expect(outcome).toMatchObject({ feedbackTextsErased: 4, feedbackAuditTextsErased: 1 });
    const rows = await database.prisma.feedback.findMany({ orderBy: { at: 'asc' } });
    expect(rows.map((row) => row.text)).toEqual([null, null, null, null, recent.text]);
    // Nothing of the community's words is kept but the lexicon's own words: no names, no topics.
    const kept = JSON.stringify(rows.slice(0, 4).map((row) => row.features));
    for (const word of ['alice', 'bob', 'boss', 'raid', 'tonight', 'update', 'loads']) expect(kept).not.toContain(word);
    expect(rows.slice(0, 3).every((row) => (row.features as { terms: string[] }).terms.includes('kill'))).toBe(true);
    expect(await database.prisma.auditLog.count({ where: { text: { not: null }, action: { in: ['feedback_given', 'feedback_undone'] } } })).toBe(0);
    expect((await applyRetention(createStore(database.prisma).direct, { now: NOW, retentionDays: 30 })).feedbackTextsErased).toBe(0);

    // What was learnt stays; undoing an erased one learns again from what was kept, exactly as from the texts.
    expect(await service.lexicon(workspaceId)).toEqual(before);
    await service.undo(rows[1]!.id, 'U0STAFF');
    const without = learnCorrections([
      { text: old[0]!, label: 'not-negative' },
      { text: old[2]!, label: 'not-negative' },
      { text: 'the update is fine but nothing loads', label: 'negative' },
      { text: recent.text!, label: 'not-negative' },
    ]);
    expect((await service.lexicon(workspaceId)).learnt).toEqual(without);
  });
});
