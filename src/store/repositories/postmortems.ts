// Post-mortems as the domain sees them, with an optimistic version like incidents; their reminders;
// and the history post-mortem metrics read (incidents by number or period, channel buckets).
import { randomUUID } from 'node:crypto';
import type {
  IncidentHistory,
  OpenIncidentChoice,
  PostMortemListing,
  PostMortemRecord,
  PostMortemReminderPayload,
  PublishedPostMortem,
  StoredBucketSummary,
  TimeRange,
  WatchedChannelSummary,
} from '../../app/ports/index.js';
import type { ChannelBucket } from '../../domain/detection/bucket.js';
import type { DetectorState } from '../../domain/detection/detector.js';
import type { Locale } from '../../i18n/index.js';
import type { PostMortem, PostMortemReview, PostMortemSaveRecord, StandardField } from '../../domain/postmortems/index.js';
import { FirebreakError } from '../../errors.js';
import type { Db } from '../db.js';

const ms = (value: Date | null): number | null => (value ? value.getTime() : null);
const date = (value: number | null): Date | null => (value === null ? null : new Date(value));

/** Its latest saves and submissions as the audit log has them, newest first (details written by savePostMortem); a repeat that changed nothing is none. */
export async function recentPostMortemSaves(db: Db, incidentId: string, limit: number): Promise<PostMortemSaveRecord[]> {
  const rows = await db.auditLog.findMany({
    where: { incidentId, action: { in: ['save_postmortem', 'submit_postmortem'] }, outcome: { not: 'no_op' } },
    orderBy: [{ at: 'desc' }, { id: 'desc' }],
    take: limit,
    select: { userId: true, outcome: true, data: true },
  });
  const keys = (value: unknown): string[] | undefined => (Array.isArray(value) && value.every((key) => typeof key === 'string') ? value : undefined);
  return rows.map((row) => {
    const data = (row.data ?? {}) as Record<string, unknown>;
    const changed = keys(data['changed']);
    const emptied = keys(data['emptied']);
    return { actorUserId: row.userId, accepted: row.outcome === 'accepted', ...(changed ? { changed } : {}), ...(emptied ? { emptied } : {}) };
  });
}

export async function loadPostMortem(db: Db, incidentId: string): Promise<PostMortemRecord | null> {
  const row = await db.postMortem.findUnique({ where: { incidentId }, include: { actionItems: { orderBy: { position: 'asc' } } } });
  if (!row) return null;
  return {
    version: row.version,
    postMortem: {
      incidentId: row.incidentId,
      status: row.status as PostMortem['status'],
      ownerUserId: row.ownerUserId,
      reviewerUserIds: row.reviewerUserIds as string[],
      requiredFields: row.requiredFields as StandardField[],
      questions: row.questions as unknown as PostMortem['questions'],
      fields: row.fields as Record<StandardField, string>,
      answers: row.answers as Record<string, string>,
      actionItems: row.actionItems.map((item) => ({
        id: item.id,
        text: item.text,
        ownerUserId: item.ownerUserId,
        dueAt: item.dueAt.getTime(),
        doneAt: ms(item.doneAt),
        doneByUserId: item.doneBy,
      })),
      reviews: row.reviews as unknown as PostMortemReview[],
      contributorUserIds: row.contributorUserIds as string[],
      round: row.round,
      createdAt: row.createdAt.getTime(),
      updatedAt: row.updatedAt.getTime(),
      dueAt: row.dueAt.getTime(),
      submittedAt: ms(row.submittedAt),
      publishedAt: ms(row.publishedAt),
    },
  };
}

function columns(postMortem: PostMortem) {
  return {
    status: postMortem.status,
    ownerUserId: postMortem.ownerUserId,
    reviewerUserIds: [...postMortem.reviewerUserIds],
    requiredFields: [...postMortem.requiredFields],
    questions: postMortem.questions as unknown as object,
    fields: { ...postMortem.fields },
    answers: { ...postMortem.answers },
    reviews: postMortem.reviews as unknown as object,
    contributorUserIds: [...postMortem.contributorUserIds],
    round: postMortem.round,
    dueAt: new Date(postMortem.dueAt),
    submittedAt: date(postMortem.submittedAt),
    publishedAt: date(postMortem.publishedAt),
    updatedAt: new Date(postMortem.updatedAt),
  };
}

async function writeActionItems(db: Db, postMortemId: string, postMortem: PostMortem): Promise<void> {
  const keep = postMortem.actionItems.map((item) => item.id);
  await db.actionItem.deleteMany({ where: { postMortemId, id: { notIn: keep } } });
  for (const [position, item] of postMortem.actionItems.entries()) {
    const data = { position, text: item.text, ownerUserId: item.ownerUserId, dueAt: new Date(item.dueAt), doneAt: date(item.doneAt), doneBy: item.doneByUserId };
    await db.actionItem.upsert({ where: { id: item.id }, create: { id: item.id, postMortemId, ...data }, update: data });
  }
}

export async function insertPostMortem(db: Db, postMortem: PostMortem): Promise<void> {
  const row = await db.postMortem.create({
    data: { incidentId: postMortem.incidentId, createdAt: new Date(postMortem.createdAt), ...columns(postMortem) },
    select: { id: true },
  });
  await writeActionItems(db, row.id, postMortem);
}

export async function savePostMortem(db: Db, postMortem: PostMortem, expectedVersion: number): Promise<void> {
  const { count } = await db.postMortem.updateMany({
    where: { incidentId: postMortem.incidentId, version: expectedVersion },
    data: { ...columns(postMortem), version: { increment: 1 } },
  });
  if (count !== 1) throw new FirebreakError('conflict', `The post-mortem of incident ${postMortem.incidentId} changed meanwhile; retry.`);
  const row = await db.postMortem.findUniqueOrThrow({ where: { incidentId: postMortem.incidentId }, select: { id: true } });
  await writeActionItems(db, row.id, postMortem);
}

export async function listPostMortems(db: Db, filter: { status?: string; since?: number } = {}): Promise<PostMortemListing[]> {
  const rows = await db.postMortem.findMany({
    where: { ...(filter.status ? { status: filter.status } : {}), ...(filter.since !== undefined ? { createdAt: { gte: new Date(filter.since) } } : {}) },
    include: { incident: { select: { number: true, title: true, workspaceId: true } } },
    orderBy: { createdAt: 'desc' },
  });
  return rows.map((row) => ({
    incidentId: row.incidentId,
    incidentNumber: row.incident.number,
    workspaceId: row.incident.workspaceId,
    title: row.incident.title,
    status: row.status,
    dueAt: row.dueAt.getTime(),
    publishedAt: ms(row.publishedAt),
    createdAt: row.createdAt.getTime(),
  }));
}

export async function recentPublishedPostMortems(db: Db, limit: number, workspaceId?: string): Promise<PublishedPostMortem[]> {
  const rows = await db.postMortem.findMany({
    where: { status: 'published', ...(workspaceId ? { incident: { workspaceId } } : {}) },
    orderBy: { publishedAt: 'desc' },
    take: limit,
    select: { incidentId: true, publishedAt: true, fields: true, incident: { select: { number: true, channelId: true } } },
  });
  return rows.map((row) => ({
    incidentId: row.incidentId,
    incidentNumber: row.incident.number,
    channelId: row.incident.channelId,
    publishedAt: row.publishedAt?.getTime() ?? 0,
    summary: String((row.fields as Record<string, unknown> | null)?.['summary'] ?? ''),
  }));
}

/** Scheduling a key again replaces the earlier reminder (a new due date, the next repeat). */
export async function upsertPostMortemReminder(db: Db, reminder: { key: string; kind: string; at: number; payload: PostMortemReminderPayload }): Promise<void> {
  const { key, kind, at, payload } = reminder;
  const data = { kind, dueAt: new Date(at), payload: { ...payload }, incidentId: payload.incidentId };
  await db.reminder.upsert({
    where: { key },
    create: { id: randomUUID(), key, ...data },
    update: { ...data, status: 'pending', firedAt: null, attempts: 0, lockedUntil: null, lastError: null },
  });
}

const range = ({ from, to }: TimeRange) => ({ gte: new Date(from), lt: new Date(to) });

/** The history post-mortem metrics, exports and timeline entries read, bound to `db`. */
export function incidentHistoryOn(db: Db): IncidentHistory {
  return {
    async incidentIdsNumbered(number, limit) {
      const rows = await db.incident.findMany({ where: { number }, select: { id: true }, take: limit });
      return rows.map((row) => row.id);
    },
    async incidentIdsDetectedIn(period, limit) {
      const rows = await db.incident.findMany({
        where: { detectedAt: range(period), ...(period.includeDrills ? {} : { drill: false }), ...(period.workspaceId ? { workspaceId: period.workspaceId } : {}) },
        orderBy: { detectedAt: 'desc' },
        take: limit,
        select: { id: true },
      });
      return rows.map((row) => row.id);
    },
    async openIncidentsOf(workspaceId, limit) {
      const rows = await db.incident.findMany({
        where: { workspaceId, status: { not: 'resolved' } },
        orderBy: { openedAt: 'desc' },
        take: limit,
        select: { id: true, number: true, severity: true, channelId: true, drill: true },
      });
      return rows.map((row) => ({ incidentId: row.id, number: row.number, severity: row.severity as OpenIncidentChoice['severity'], channelId: row.channelId, drill: row.drill }));
    },
    async incidentOfThread(workspaceId, alertChannelId, rootTs) {
      const row = await db.incident.findFirst({ where: { workspaceId, alertChannelId, rootTs }, select: { id: true, locale: true } });
      return row ? { incidentId: row.id, locale: row.locale as Locale } : null;
    },
    async watchedChannel(workspaceId, channelId): Promise<WatchedChannelSummary | null> {
      const row = await db.watchedChannel.findFirst({ where: { workspaceId, channelId }, select: { id: true, name: true, detectorState: true } });
      return row ? { ref: row.id, name: row.name, detector: row.detectorState as unknown as DetectorState | null } : null;
    },
    bucketCounts(channelRef, period) {
      return db.channelBucket.findMany({ where: { channelRef, start: range(period) }, select: { messages: true, negatives: true } });
    },
    async bucketsWithMessages(channelRef, period): Promise<StoredBucketSummary[]> {
      const rows = await db.channelBucket.findMany({
        where: { channelRef, start: range(period), messages: { gt: 0 } },
        orderBy: { start: 'asc' },
        select: { start: true, messages: true, negatives: true, data: true },
      });
      return rows.map((row) => ({
        start: row.start.getTime(),
        messages: row.messages,
        negatives: row.negatives,
        negativeAuthorIds: Object.keys((row.data as unknown as ChannelBucket | null)?.negativeAuthors ?? {}),
      }));
    },
  };
}
