// Post-mortems as the domain sees them, with an optimistic version like incidents.
import type { PostMortem, PostMortemReview, StandardField } from '../../domain/postmortems/index.js';
import { FirebreakError } from '../../errors.js';
import type { Db } from './events.js';

export interface PostMortemRecord {
  postMortem: PostMortem;
  version: number;
}

const ms = (value: Date | null): number | null => (value ? value.getTime() : null);
const date = (value: number | null): Date | null => (value === null ? null : new Date(value));

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

export interface PostMortemListing {
  incidentId: string;
  incidentNumber: number;
  title: string;
  status: string;
  dueAt: number;
  publishedAt: number | null;
  createdAt: number;
}

export async function listPostMortems(db: Db, filter: { status?: string; since?: number } = {}): Promise<PostMortemListing[]> {
  const rows = await db.postMortem.findMany({
    where: { ...(filter.status ? { status: filter.status } : {}), ...(filter.since !== undefined ? { createdAt: { gte: new Date(filter.since) } } : {}) },
    include: { incident: { select: { number: true, title: true } } },
    orderBy: { createdAt: 'desc' },
  });
  return rows.map((row) => ({
    incidentId: row.incidentId,
    incidentNumber: row.incident.number,
    title: row.incident.title,
    status: row.status,
    dueAt: row.dueAt.getTime(),
    publishedAt: ms(row.publishedAt),
    createdAt: row.createdAt.getTime(),
  }));
}
