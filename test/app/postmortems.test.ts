// The post-mortem service over a real (migrated) database: metrics from the stored timeline and
// buckets, exports and their refusals, and the effects of a new post-mortem (thread messages, reminders).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { baselineBandOf, PostMortemService, POSTMORTEM_REMINDER_KIND, type PostMortemViews } from '../../src/app/postmortems.js';
import { ManualClock } from '../../src/domain/clock.js';
import { createPostMortem, renderPostMortemMarkdown } from '../../src/domain/postmortems/index.js';
import { FirebreakError } from '../../src/errors.js';
import { appendTimeline, loadIncident } from '../../src/store/repositories/incidents.js';
import { loadPostMortem } from '../../src/store/repositories/postmortems.js';
import { createStore, repositoriesOn } from '../../src/store/store.js';
import { SAMPLE_START, sampleExportInput } from '../fixtures/postmortems/sample-incident.js';
import { openMigratedDatabase, type MigratedDatabase } from '../store/repositories/migrated-database.js';
import { availableProviders } from '../support/databases.js';
import { bucketRow, seedSampleIncident, TEN_MINUTES } from './postmortem-seed.js';

const MINUTE = 60_000;
const at = (minutes: number) => SAMPLE_START + minutes * MINUTE;

const views: PostMortemViews = {
  invite: (pm, c) => ({ text: `invite ${pm.ownerUserId} #${c.incidentNumber}` }),
  reviewRequest: (pm, c) => ({ text: `review #${c.incidentNumber} round ${pm.round}` }),
  changesRequested: (_pm, c, change) => ({ text: `changes #${c.incidentNumber} by ${change.reviewerUserId}` }),
  published: (_pm, c) => ({ text: `published #${c.incidentNumber}` }),
  reviewerDeactivated: (_pm, c, change) => ({ text: `reviewer ${change.userId} deactivated #${c.incidentNumber}` }),
  reviewClosed: (pm, c) => ({ text: `review #${c.incidentNumber} round ${pm.round} closed` }),
  reminder: (_pm, c, r) => ({ text: `${r.reason} #${c.incidentNumber} ${r.subject}` }),
};

describe('baselineBandOf', () => {
  it('is the pooled share plus or minus two binomial deviations for a bucket of the usual size', () => {
    const band = baselineBandOf(Array.from({ length: 20 }, () => ({ messages: 100, negatives: 10 })), null)!;
    expect(band.lower).toBeCloseTo(0.04, 6);
    expect(band.upper).toBeCloseTo(0.16, 6);
  });

  it('tolerates at least five points around a perfectly calm history', () => {
    expect(baselineBandOf(Array.from({ length: 10 }, () => ({ messages: 3, negatives: 0 })), null)).toEqual({ lower: 0, upper: 0.05 });
  });

  it("falls back to detection's learned share when the history is thin, and knows nothing without either", () => {
    const band = baselineBandOf([{ messages: 50, negatives: 40 }], 0.2)!;
    expect(band.upper).toBeCloseTo(0.2 + 2 * Math.sqrt((0.2 * 0.8) / 50), 6);
    expect(baselineBandOf([{ messages: 50, negatives: 40 }, { messages: 0, negatives: 0 }], null)).toBeNull();
  });
});

describe.each(availableProviders)('PostMortemService on %s', (provider) => {
  let db: MigratedDatabase;
  let clock: ManualClock;
  let service: PostMortemService;

  beforeEach(async () => {
    db = await openMigratedDatabase(provider);
    clock = new ManualClock(at(60 * 72));
    service = new PostMortemService({ store: createStore(db.prisma), clock, views, bucketMs: TEN_MINUTES });
  });
  afterEach(async () => {
    await db.dispose();
  });

  it('computes every metric of a stored incident from its timeline and its channel buckets', async () => {
    await seedSampleIncident(db.prisma);
    const metrics = await service.metrics('inc-2026-0042');
    expect(metrics).toMatchObject({
      firstAbnormalAt: at(-10),
      timeToDetectMs: 20 * MINUTE,
      timeToAcknowledgeMs: 6 * MINUTE,
      timeToFirstReplyMs: 20 * MINUTE + 12_000,
      timeToResolveMs: 85 * MINUTE,
      // The calm day before puts the band at 4–16 %: 14:30 (22 %) is the last abnormal bucket, 14:40 (13 %) is back.
      recoveredAt: at(70),
      timeToRecoveryMs: 80 * MINUTE,
      peakNegativeRatio: 0.61,
      membersAffected: 10,
      repliesPosted: 1,
      reopenCount: 0,
    });
  });

  it('a reopened incident has no time to resolve until it is resolved again, and counts the reopening', async () => {
    await seedSampleIncident(db.prisma);
    const resolvedAgainAt = at(200);
    await appendTimeline(db.prisma, [{ incidentId: 'inc-2026-0042', at: at(120), kind: 'reopened', actorUserId: 'UANA', text: 'Logins failing again', data: {} }]);
    const reopened = await service.metrics('inc-2026-0042');
    expect(reopened.timeToResolveMs).toBeNull();
    expect(reopened.reopenCount).toBe(1);
    await appendTimeline(db.prisma, [{ incidentId: 'inc-2026-0042', at: resolvedAgainAt, kind: 'resolved', actorUserId: 'UANA', text: 'Fixed for good', data: {} }]);
    const resolved = await service.metrics('inc-2026-0042');
    expect(resolved.timeToResolveMs).toBe(resolvedAgainAt - at(10));
    expect(resolved.reopenCount).toBe(1);
  });

  it('missing phases stay null: no watched channel means no buckets, no recovery, no peak, no members', async () => {
    await seedSampleIncident(db.prisma, { withChannel: false });
    const metrics = await service.metrics('inc-2026-0042');
    expect(metrics).toMatchObject({ timeToRecoveryMs: null, recoveredAt: null, peakNegativeRatio: null, membersAffected: null });
    // What the timeline shows is still measured.
    expect(metrics.timeToAcknowledgeMs).toBe(6 * MINUTE);
  });

  it('a channel still angry when the buckets end has not recovered', async () => {
    const { channelRef } = await seedSampleIncident(db.prisma);
    await db.prisma.channelBucket.deleteMany({ where: { channelRef: channelRef!, start: { gte: new Date(at(70)) } } });
    await db.prisma.channelBucket.create({ data: bucketRow(channelRef!, at(70), 40, ['U11']) });
    const metrics = await service.metrics('inc-2026-0042');
    expect(metrics.timeToRecoveryMs).toBeNull();
    expect(metrics.membersAffected).toBe(11);
  });

  it('aggregates median and p90 over the incidents detected in a period, drills left out', async () => {
    await seedSampleIncident(db.prisma);
    const period = { from: at(-60), to: at(60 * 24) };
    const one = await service.aggregate(period);
    expect(one.incidents).toBe(1);
    expect(one.timeToAcknowledgeMs).toEqual({ count: 1, median: 6 * MINUTE, p90: 6 * MINUTE });
    expect(one.timeToRecoveryMs).toEqual({ count: 1, median: 80 * MINUTE, p90: 80 * MINUTE });
    // A second incident, acknowledged after 16 minutes, never replied to; and a drill.
    const base = (await loadIncident(db.prisma, 'inc-2026-0042'))!;
    for (const [id, number, drill] of [['inc-b', 50, false], ['inc-drill', 51, true]] as const) {
      await db.prisma.incident.create({
        data: { id, workspaceId: base.workspaceId, number, channelId: 'C0OTHER', status: 'resolved', severity: 'sev3', playbookId: 'p', playbookHash: 'h', title: 't', locale: 'en', alertChannelId: 'C0ALERTS', drill, detection: {}, openedAt: new Date(at(100)), detectedAt: new Date(at(100)) },
      });
      await appendTimeline(db.prisma, [
        { incidentId: id, at: at(116), kind: 'acknowledged', actorUserId: 'UANA', text: null, data: {} },
        { incidentId: id, at: at(160), kind: 'resolved', actorUserId: 'UANA', text: 'ok', data: {} },
      ]);
    }
    const two = await service.aggregate(period);
    expect(two.incidents).toBe(2);
    expect(two.timeToAcknowledgeMs).toEqual({ count: 2, median: 11 * MINUTE, p90: 15 * MINUTE });
    expect(two.timeToFirstReplyMs.count).toBe(1);
    expect(two.repliesPosted).toBe(1);
    expect((await service.aggregate({ ...period, includeDrills: true })).incidents).toBe(3);
    expect((await service.aggregate({ from: at(60 * 24), to: at(60 * 48) })).incidents).toBe(0);
  });

  it('exports the stored post-mortem like the golden file, with its own metrics and the staff as ids', async () => {
    await seedSampleIncident(db.prisma);
    const markdown = await service.exportMarkdown('#42', { timeZone: 'UTC' });
    const golden = renderPostMortemMarkdown({ ...sampleExportInput('en'), userNames: {} });
    expect(markdown).toBe(golden);
    const json = await service.exportJson('inc-2026-0042');
    expect(json.pseudonymised).toBe(true);
    expect(JSON.stringify(json)).not.toContain('dana.k');
    expect((await service.exportJson('42', { includeMemberIdentities: true })).pseudonymised).toBe(false);
  });

  it('refuses clearly: an unknown incident, and an incident without a post-mortem', async () => {
    await seedSampleIncident(db.prisma, { withPostMortem: false });
    await expect(service.exportMarkdown('999')).rejects.toThrow(/There is no incident "999"/);
    await expect(service.exportMarkdown('nope')).rejects.toBeInstanceOf(FirebreakError);
    await expect(service.exportMarkdown('42')).rejects.toThrow(/Incident #42 \(inc-2026-0042\) has no post-mortem/);
  });

  it("carries out a new post-mortem's effects: the invitation in the incident thread and its due-date reminder", async () => {
    await seedSampleIncident(db.prisma, { withPostMortem: false });
    const incident = (await loadIncident(db.prisma, 'inc-2026-0042'))!;
    const created = createPostMortem({ incidentId: 'inc-2026-0042', ownerUserId: 'UANA' }, { questions: [], dueAfterMs: 2 * 86_400_000, reviewerUserIds: ['ULUIS'], requiredFields: ['summary'] }, clock);
    await db.prisma.$transaction(async (tx) => {
      const { insertPostMortem } = await import('../../src/store/repositories/postmortems.js');
      await insertPostMortem(tx, created.postMortem);
      await service.applyEffects(repositoriesOn(tx), incident, created.postMortem, created.effects);
    });
    const outbox = await db.prisma.outboxItem.findMany();
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ key: 'postmortem:inc-2026-0042:invite', method: 'chat.postMessage', channelId: 'C0ALERTS', incidentId: 'inc-2026-0042' });
    expect(outbox[0]!.payload).toMatchObject({ args: { channel: 'C0ALERTS', text: 'invite UANA #42' }, threadOf: 'incident:inc-2026-0042:root' });
    const reminder = await db.prisma.reminder.findUniqueOrThrow({ where: { key: 'postmortem:inc-2026-0042:due' } });
    expect(reminder.kind).toBe(POSTMORTEM_REMINDER_KIND);
    expect(reminder.dueAt.getTime()).toBe(clock.now() + 2 * 86_400_000);

    // Due while still a draft: the owner is reminded in the thread; once submitted, not any more.
    await db.prisma.$transaction((tx) => service.fireReminder(repositoriesOn(tx), { key: reminder.key, payload: reminder.payload as Record<string, unknown>, late: false }));
    expect((await db.prisma.outboxItem.findMany({ where: { key: { startsWith: 'reminder:' } } })).map((item) => (item.payload as { args: { text: string } }).args.text)).toEqual(['postmortem_due #42 post-mortem']);
    const saved = await service.save('inc-2026-0042', { actorUserId: 'UANA', locale: 'en', intent: 'submit', submission: { fields: { summary: 'Done.' }, answers: {}, actionItems: [] } });
    expect(saved.ok).toBe(true);
    expect((await loadPostMortem(db.prisma, 'inc-2026-0042'))!.postMortem.status).toBe('in_review');
    clock.advance(1000);
    await db.prisma.$transaction((tx) => service.fireReminder(repositoriesOn(tx), { key: reminder.key, payload: reminder.payload as Record<string, unknown>, late: false }));
    expect(await db.prisma.outboxItem.count({ where: { key: { startsWith: 'reminder:' } } })).toBe(1);
  });

  it('a refused submission is audited with what was typed and changes nothing', async () => {
    await seedSampleIncident(db.prisma);
    const outcome = await service.save('inc-2026-0042', { actorUserId: 'UNOBODY', locale: 'en', intent: 'save', submission: { fields: { summary: 'mine now' }, answers: {}, actionItems: [] } });
    expect(outcome).toMatchObject({ ok: false, refusal: { code: 'published' } });
    const audit = await db.prisma.auditLog.findFirstOrThrow({ where: { outcome: 'refused' } });
    expect(audit).toMatchObject({ userId: 'UNOBODY', action: 'save_postmortem', text: 'mine now' });
    expect(await db.prisma.outboxItem.count()).toBe(0);
  });
});
