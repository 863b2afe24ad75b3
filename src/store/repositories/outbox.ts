// The outbox table: Slack writes committed with the state change that caused them, then claimed and
// sent by a worker. Claims are conditional updates (compare-and-set on status and lease), so several
// instances on one PostgreSQL database never send the same item twice at the same time.
import { randomUUID } from 'node:crypto';
import type { OutboxQueue, OutboxResult, QueuedSlackWrite, SlackMessage, SlackWrite } from '../../app/ports/index.js';
import { DEPENDENCY_FAILED, WAITING_FOR_CHANNEL, WAITING_FOR_READ, type ReadProgress } from '../../app/ports/outbox.js';
import { FirebreakError } from '../../errors.js';
import { Prisma, type OutboxItem } from '../generated/sqlite/client.js';
import type { Db } from '../db.js';

export type { OutboxItem };

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed';

/** What the outbox stores in `payload`: the Web API arguments and how to finish them at send time. */
export interface OutboxPayload {
  args: Record<string, unknown>;
  /** Key of the item whose posted `ts` becomes `thread_ts` (a reply in the incident's thread). */
  threadOf?: string;
  /** Key of the item whose posted `ts` (and channel) this call acts on: chat.update, chat.delete, reactions.add … */
  messageOf?: string;
  /** Handed to the afterSend handler registered for `record.kind` once Slack has answered. */
  record?: { kind: string } & Record<string, unknown>;
}

export type { OutboxResult };

export interface NewOutboxItem {
  key: string;
  method: string;
  channelId: string | null;
  payload: OutboxPayload;
  incidentId?: string | null;
  /** The Slack team whose token sends it (OAuth installs). */
  teamId?: string | null;
  /** Not before this time; due at once when absent. */
  after?: Date | number | null;
  /** Enqueue time (the caller's clock); the send order within a channel. */
  at: number;
}

const EPOCH = new Date(0);
let lastEnqueueMs = 0;

/** Inserts the item unless its key exists (then nothing changes). True when inserted. */
export async function insertOutboxItem(db: Db, item: NewOutboxItem): Promise<boolean> {
  // Strictly increasing within a burst, so items enqueued in one transaction keep their order; a
  // clock that went back by more than a second starts afresh rather than dating items in its future.
  lastEnqueueMs = item.at > lastEnqueueMs - 1_000 ? Math.max(item.at, lastEnqueueMs + 1) : item.at;
  const id = randomUUID();
  const row = await db.outboxItem.upsert({
    where: { key: item.key },
    // Setting the unique field to itself makes Prisma emit INSERT … ON CONFLICT DO UPDATE: atomic, and a
    // duplicate never raises a unique violation (which would abort the caller's PostgreSQL transaction).
    update: { key: item.key },
    create: {
      id,
      key: item.key,
      method: item.method,
      channelId: item.channelId,
      payload: item.payload as object,
      incidentId: item.incidentId ?? null,
      teamId: item.teamId ?? null,
      nextAttemptAt: item.after === undefined || item.after === null ? EPOCH : new Date(item.after),
      createdAt: new Date(lastEnqueueMs),
    },
    select: { id: true },
  });
  return row.id === id;
}

/**
 * The one way a state change asks for a Slack write: inside the caller's transaction, so the change
 * and its messages commit (or vanish) together. True when it was added, false when its key was already there.
 */
export async function enqueueSlackWrite(tx: Db, write: SlackWrite): Promise<boolean> {
  if (!write.key || write.key.length > 300) throw new FirebreakError('input_invalid', `An outbox key must be 1 to 300 characters, got "${write.key}".`);
  if (!/^[a-z]+\.[a-zA-Z.]+$/.test(write.method)) throw new FirebreakError('input_invalid', `"${write.method}" is not a Slack Web API method name.`);
  if (write.method === 'chat.postMessage' && write.payload['metadata'] !== undefined) {
    throw new FirebreakError('input_invalid', `Outbox item ${write.key}: chat.postMessage metadata is reserved for the outbox's idempotency key.`);
  }
  if (write.threadOf !== undefined && write.threadOf === write.key) throw new FirebreakError('input_invalid', `Outbox item ${write.key} cannot be its own thread.`);
  if (write.messageOf !== undefined && write.messageOf === write.key) throw new FirebreakError('input_invalid', `Outbox item ${write.key} cannot act on itself.`);
  let channel = write.channelId ?? (typeof write.payload['channel'] === 'string' ? write.payload['channel'] : undefined);
  const parentKey = write.messageOf ?? write.threadOf;
  if (channel === undefined && parentKey !== undefined) {
    // Same lane as the message acted on, so two updates of one message keep their order.
    channel = (await tx.outboxItem.findUnique({ where: { key: parentKey }, select: { channelId: true } }))?.channelId ?? undefined;
  }
  const payload: OutboxPayload = {
    args: write.payload,
    ...(write.threadOf !== undefined ? { threadOf: write.threadOf } : {}),
    ...(write.messageOf !== undefined ? { messageOf: write.messageOf } : {}),
    ...(write.record !== undefined ? { record: write.record } : {}),
  };
  // The team whose token sends it: the caller's, else the incident's workspace (same transaction).
  const teamId =
    write.teamId ??
    (write.workspaceId ? ((await tx.workspace.findUnique({ where: { id: write.workspaceId }, select: { teamId: true } }))?.teamId ?? null) : null) ??
    (write.incidentId ? ((await tx.incident.findUnique({ where: { id: write.incidentId }, select: { workspace: { select: { teamId: true } } } }))?.workspace.teamId ?? null) : null);
  return insertOutboxItem(tx, {
    key: write.key,
    method: write.method,
    channelId: channel ?? null,
    payload,
    incidentId: write.incidentId ?? null,
    teamId,
    after: write.after ?? null,
    at: write.now ?? Date.now(),
  });
}

/** Whether a write with this key was ever enqueued. */
export async function outboxHasKey(db: Db, key: string): Promise<boolean> {
  return (await db.outboxItem.findUnique({ where: { key }, select: { id: true } })) !== null;
}

export async function rewriteOutboxCopies(db: Db, messageKey: string, content: SlackMessage): Promise<void> {
  const items = await db.outboxItem.findMany({ where: { OR: [{ key: messageKey }, { key: { startsWith: `${messageKey}:v` } }] }, select: { id: true, key: true, payload: true } });
  for (const item of items) {
    const kept = item.payload as unknown as OutboxPayload;
    // An edit of that message names it; the key's shape alone does not prove it.
    if (item.key !== messageKey && kept.messageOf !== messageKey) continue;
    const { blocks: _shown, ...args } = kept.args;
    const payload: OutboxPayload = { ...kept, args: { ...args, text: content.text, ...(content.blocks ? { blocks: content.blocks } : {}) } };
    await db.outboxItem.update({ where: { id: item.id }, data: { payload: payload as object } });
  }
}

/** The keys among `keys` whose write failed for good with exactly `error`. */
export async function outboxFailedWith(db: Db, keys: readonly string[], error: string): Promise<string[]> {
  if (keys.length === 0) return [];
  const rows = await db.outboxItem.findMany({ where: { key: { in: [...keys] }, status: 'failed', lastError: error }, select: { key: true } });
  return rows.map((row) => row.key);
}

/** Where the messages these keys posted are: Slack's recorded answer (ts and channel), for posts already sent. */
export async function outboxPostedMessages(db: Db, keys: readonly string[]): Promise<Map<string, { channel: string; ts: string }>> {
  const posted = new Map<string, { channel: string; ts: string }>();
  if (keys.length === 0) return posted;
  const rows = await db.outboxItem.findMany({ where: { key: { in: [...keys] }, status: 'sent', method: 'chat.postMessage' }, select: { key: true, result: true, channelId: true } });
  for (const row of rows) {
    const result = (row.result ?? {}) as { ts?: unknown; channel?: unknown };
    const channel = typeof result.channel === 'string' ? result.channel : row.channelId;
    if (typeof result.ts === 'string' && channel) posted.set(row.key, { channel, ts: result.ts });
  }
  return posted;
}

/**
 * Removes a write that failed for good with exactly `error`, so its key can be enqueued again; true
 * only for the one caller that removed it (a retry or another instance finds nothing and gets false).
 */
export async function forgetFailedOutboxItem(db: Db, key: string, error?: string): Promise<boolean> {
  const { count } = await db.outboxItem.deleteMany({ where: { key, status: 'failed', ...(error !== undefined ? { lastError: error } : {}) } });
  return count > 0;
}

export async function heldOutboxItems(db: Db, error: string, limit: number, teamId?: string): Promise<OutboxItem[]> {
  return db.outboxItem.findMany({ where: { status: 'failed', lastError: error, ...(teamId !== undefined ? { teamId } : {}) }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: limit });
}

/**
 * Held writes back to pending in one statement (the worker then sends each lane in its first order).
 * An edit stays held when a later write of the same message (its key extends the target's, as every
 * edit's does) was sent, is on its way, or is put back here too.
 */
export async function releaseHeldOutboxItems(db: Db, keys: readonly string[], error: string, now: number): Promise<string[]> {
  if (keys.length === 0) return [];
  const held = await db.outboxItem.findMany({ where: { key: { in: [...keys] }, status: 'failed', lastError: error } });
  const releasing = new Set(held.map((item) => item.key));
  const released: string[] = [];
  for (const item of held) {
    const target = outboxPayload(item).messageOf;
    if (target !== undefined) {
      const later = await db.outboxItem.findMany({ where: { key: { startsWith: `${target}:` }, createdAt: { gt: item.createdAt } }, select: { key: true, status: true } });
      if (later.some((write) => write.status !== 'failed' || releasing.has(write.key))) continue;
    }
    released.push(item.key);
  }
  if (released.length === 0) return [];
  // A message put back takes its newest edit along when that edit failed only because the message was held.
  const edits: string[] = [];
  for (const key of released) {
    const [newest] = await db.outboxItem.findMany({ where: { key: { startsWith: `${key}:` } }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: 1 });
    if (newest?.status === 'failed' && newest.lastError === DEPENDENCY_FAILED) edits.push(newest.key);
  }
  const pending = { status: 'pending', lastError: null, attempts: 0, nextAttemptAt: new Date(now), lockedBy: null, lockedUntil: null };
  await db.outboxItem.updateMany({ where: { key: { in: released }, status: 'failed', lastError: error }, data: pending });
  if (edits.length > 0) await db.outboxItem.updateMany({ where: { key: { in: edits }, status: 'failed', lastError: DEPENDENCY_FAILED }, data: pending });
  return [...released, ...edits];
}

/** Waiting writes looked at per release: far more than a channel ever gathers while it is unusable. */
const WAITING_SCAN_LIMIT = 1_000;

/**
 * Writes waiting for a channel back to pending (see OutboxWriter.releaseWaitingForChannel): those of the
 * channel, and those of other lanes that wait on one of them (a thread line whose root waits). Each lane
 * is then sent in its first order.
 */
export async function releaseWaitingOutboxItems(db: Db, filter: { channelId?: string; teamId?: string }, now: number): Promise<string[]> {
  const waitingWhere = { status: 'failed', lastError: { startsWith: WAITING_FOR_CHANNEL }, ...(filter.teamId !== undefined ? { teamId: filter.teamId } : {}) };
  const order = [{ createdAt: 'asc' as const }, { id: 'asc' as const }];
  // The channel's own, found by its lane; then, in other lanes, those waiting on one of them.
  const own = await db.outboxItem.findMany({ where: { ...waitingWhere, ...(filter.channelId !== undefined ? { channelId: filter.channelId } : {}) }, orderBy: order, take: WAITING_SCAN_LIMIT, select: { key: true } });
  const releasing = new Set(own.map((item) => item.key));
  const waiting = releasing.size > 0 && filter.channelId !== undefined ? await db.outboxItem.findMany({ where: { ...waitingWhere, NOT: { channelId: filter.channelId } }, orderBy: order, take: WAITING_SCAN_LIMIT }) : [];
  for (let grew = waiting.length > 0; grew; ) {
    grew = false;
    for (const item of waiting) {
      if (releasing.has(item.key) || !dependencyKeys(item).some((key) => releasing.has(key))) continue;
      releasing.add(item.key);
      grew = true;
    }
  }
  if (releasing.size === 0) return [];
  const keys = [...releasing];
  const { count } = await db.outboxItem.updateMany({
    where: { key: { in: keys }, status: 'failed', lastError: { startsWith: WAITING_FOR_CHANNEL } },
    data: { status: 'pending', lastError: null, attempts: 0, nextAttemptAt: new Date(now), lockedBy: null, lockedUntil: null },
  });
  // Another caller put them back first: this one put back nothing.
  return count > 0 ? keys : [];
}

/** The keys among `keys` whose write waits for its channel, with the error it waits on. */
export async function outboxWaitingWith(db: Db, keys: readonly string[]): Promise<Map<string, string>> {
  if (keys.length === 0) return new Map();
  const rows = await db.outboxItem.findMany({ where: { key: { in: [...keys] }, status: 'failed', lastError: { startsWith: WAITING_FOR_CHANNEL } }, select: { key: true, lastError: true } });
  return new Map(rows.map((row) => [row.key, row.lastError ?? WAITING_FOR_CHANNEL]));
}

/** Writes waiting for their channel, by reason (`is_archived`, …), with the oldest one's creation time. */
export async function outboxWaitingByReason(db: Db): Promise<{ reason: string; count: number; oldestAt: number }[]> {
  const groups = await db.outboxItem.groupBy({ by: ['lastError'], where: { status: 'failed', lastError: { startsWith: WAITING_FOR_CHANNEL } }, _count: { _all: true }, _min: { createdAt: true } });
  return groups
    .map((group) => ({ reason: (group.lastError ?? WAITING_FOR_CHANNEL).slice(WAITING_FOR_CHANNEL.length), count: group._count._all, oldestAt: group._min.createdAt?.getTime() ?? 0 }))
    .sort((a, b) => a.reason.localeCompare(b.reason));
}

/** Waiting writes whose key starts with `keyPrefix` (of one team when given), oldest first. */
export async function outboxWaitingByKey(db: Db, keyPrefix: string, teamId?: string): Promise<{ key: string; channelId: string | null; createdAt: number }[]> {
  const rows = await db.outboxItem.findMany({
    where: { key: { startsWith: keyPrefix }, status: 'failed', lastError: { startsWith: WAITING_FOR_CHANNEL }, ...(teamId !== undefined ? { teamId } : {}) },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    take: WAITING_SCAN_LIMIT,
    select: { key: true, channelId: true, createdAt: true },
  });
  return rows.map((row) => ({ key: row.key, channelId: row.channelId, createdAt: row.createdAt.getTime() }));
}

/** One waiting write closed for good with `error`, by one conditional update. */
export async function closeWaitingOutboxItem(db: Db, key: string, error: string): Promise<boolean> {
  const { count } = await db.outboxItem.updateMany({ where: { key, status: 'failed', lastError: { startsWith: WAITING_FOR_CHANNEL } }, data: { lastError: error } });
  return count > 0;
}

/** See OutboxWriter.takeFailed: each update is conditional on the write still failed with one of `errors`. */
export async function takeFailedOutboxItems(db: Db, keys: readonly string[], errors: readonly string[], take: { resend: readonly string[]; closedAs: string; now: number }): Promise<number> {
  const resend = new Set(take.resend);
  const closing = keys.filter((key) => !resend.has(key));
  const reopening = keys.filter((key) => resend.has(key));
  const failed = { status: 'failed', lastError: { in: [...errors] } };
  const closed = closing.length > 0 ? (await db.outboxItem.updateMany({ where: { key: { in: closing }, ...failed }, data: { lastError: take.closedAs } })).count : 0;
  const reopened =
    reopening.length > 0
      ? (await db.outboxItem.updateMany({ where: { key: { in: reopening }, ...failed }, data: { status: 'pending', lastError: null, attempts: 0, nextAttemptAt: new Date(take.now), lockedBy: null, lockedUntil: null } })).count
      : 0;
  return closed + reopened;
}

/** An incident's writes still waiting for their channel, failed for good with `error`. */
export async function stopWaitingOutboxItems(db: Db, incidentId: string, error: string): Promise<number> {
  const { count } = await db.outboxItem.updateMany({ where: { incidentId, status: 'failed', lastError: { startsWith: WAITING_FOR_CHANNEL } }, data: { lastError: error } });
  return count;
}

/** How many unsent items each lane scan looks at; lanes further back wait for the next scan. */
const SCAN_LIMIT = 500;

export interface SendableItem {
  item: OutboxItem;
  /** Items this one depends on (threadOf / messageOf), by key, as stored now. */
  parents: Map<string, OutboxItem>;
}

/**
 * The items a worker may claim now. Items of one channel form a lane sent strictly in order (a
 * reply never overtakes the message it follows, an older chat.update never lands after a newer
 * one): only each lane's oldest unsent item is a candidate, when it is due (pending and
 * nextAttemptAt passed, or in flight under an expired claim, or claimed by an instance
 * `isAbandoned` knows is dead).
 */
export async function findSendable(db: Db, now: number, isAbandoned: (lockedBy: string | null) => boolean = () => false): Promise<SendableItem[]> {
  const unsent = await db.outboxItem.findMany({
    where: { status: { in: ['pending', 'sending'] } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    take: SCAN_LIMIT,
  });
  const seenLanes = new Set<string>();
  const heads: OutboxItem[] = [];
  for (const item of unsent) {
    // A post waiting out Slack's rate limit on a read (its look-up, its parent check) lets its lane's
    // later writes go meanwhile: a minute or more of waiting must not stall other replies in that channel.
    if (item.status === 'pending' && item.nextAttemptAt.getTime() > now && item.lastError?.startsWith(WAITING_FOR_READ)) continue;
    if (item.channelId !== null) {
      if (seenLanes.has(item.channelId)) continue;
      seenLanes.add(item.channelId);
    }
    if (isDue(item, now, isAbandoned)) heads.push(item);
  }
  const parentKeys = [...new Set(heads.flatMap((item) => dependencyKeys(item)))];
  const parents = new Map(
    parentKeys.length ? (await db.outboxItem.findMany({ where: { key: { in: parentKeys } } })).map((parent) => [parent.key, parent] as const) : [],
  );
  return heads.map((item) => ({ item, parents: new Map(dependencyKeys(item).flatMap((key) => (parents.has(key) ? [[key, parents.get(key)!] as const] : []))) }));
}

function isDue(item: OutboxItem, now: number, isAbandoned: (lockedBy: string | null) => boolean): boolean {
  if (item.status === 'pending') return item.nextAttemptAt.getTime() <= now;
  return item.status === 'sending' && ((item.lockedUntil !== null && item.lockedUntil.getTime() <= now) || isAbandoned(item.lockedBy));
}

export function outboxPayload(item: OutboxItem): OutboxPayload {
  return item.payload as unknown as OutboxPayload;
}

export function dependencyKeys(item: OutboxItem): string[] {
  const payload = outboxPayload(item);
  return [payload.threadOf, payload.messageOf].filter((key): key is string => typeof key === 'string');
}

/** When the last chat.postMessage of each channel was answered, for pacing. */
export async function lastPostTimes(db: Db, channelIds: string[], since: number): Promise<Map<string, number>> {
  if (!channelIds.length) return new Map();
  const rows = await db.outboxItem.groupBy({
    by: ['channelId'],
    where: { channelId: { in: channelIds }, method: 'chat.postMessage', status: 'sent', sentAt: { gt: new Date(since) } },
    _max: { sentAt: true },
  });
  return new Map(rows.flatMap((row) => (row.channelId && row._max.sentAt ? [[row.channelId, row._max.sentAt.getTime()] as const] : [])));
}

/** Slack's ts of recent posts with when their answer arrived (OutboxQueue.postAnswers). */
export async function postAnswers(db: Db, since: number, limit: number, until?: number): Promise<{ ts: string; answeredAt: number }[]> {
  const rows = await db.outboxItem.findMany({
    where: { method: 'chat.postMessage', status: 'sent', sentAt: { gte: new Date(since), ...(until !== undefined ? { lte: new Date(until) } : {}) } },
    orderBy: { sentAt: 'desc' },
    take: limit,
    select: { result: true, sentAt: true },
  });
  return rows.flatMap((row) => {
    const result = row.result as Partial<OutboxResult> | null;
    // An adopted post's ts is its earlier attempt's, older than this answer: no sample of the clock.
    if (!result?.ts || result.adopted || !row.sentAt) return [];
    return [{ ts: result.ts, answeredAt: typeof result.answeredAt === 'number' ? result.answeredAt : row.sentAt.getTime() }];
  });
}

/**
 * Claims `item` for `workerId` until `now + leaseMs`, if it is still as it was read. Taking over an
 * item from a claimer that died or ran out of time marks it uncertain: that attempt may have reached Slack.
 */
export async function claimOutboxItem(db: Db, item: Pick<OutboxItem, 'id' | 'status' | 'lockedBy' | 'lockedUntil'>, claim: { workerId: string; now: number; leaseMs: number }): Promise<OutboxItem | null> {
  const now = new Date(claim.now);
  // An item in flight is taken over only from the exact claim that was read (expired, or its claimer dead).
  const where =
    item.status === 'pending'
      ? { id: item.id, status: 'pending', nextAttemptAt: { lte: now } }
      : { id: item.id, status: 'sending', lockedBy: item.lockedBy, lockedUntil: item.lockedUntil };
  const { count } = await db.outboxItem.updateMany({
    where,
    data: {
      status: 'sending',
      lockedBy: claim.workerId,
      lockedUntil: new Date(claim.now + claim.leaseMs),
      attempts: { increment: 1 },
      ...(item.status === 'sending' ? { uncertain: true } : {}),
    },
  });
  return count === 1 ? db.outboxItem.findUnique({ where: { id: item.id } }) : null;
}

type Claimed = Pick<OutboxItem, 'id' | 'lockedBy'>;

/**
 * Extends the claim if it is still ours: checked right before the call to Slack, so a slow look-up never
 * overlaps another claimer's send. A read's progress is void from here: this attempt may land after it.
 */
export async function renewOutboxClaim(db: Db, item: Claimed, until: number): Promise<boolean> {
  const { count } = await db.outboxItem.updateMany({ where: { id: item.id, status: 'sending', lockedBy: item.lockedBy }, data: { lockedUntil: new Date(until), readProgress: Prisma.DbNull } });
  return count === 1;
}

/** Stores Slack's answer while still holding the claim: from here on the item is never sent again. */
export async function recordOutboxResult(db: Db, item: Claimed, result: OutboxResult): Promise<boolean> {
  const { count } = await db.outboxItem.updateMany({ where: { id: item.id, status: 'sending', lockedBy: item.lockedBy }, data: { result: result as object } });
  return count === 1;
}

export async function markOutboxSent(db: Db, item: Claimed, now: number): Promise<boolean> {
  const { count } = await db.outboxItem.updateMany({
    where: { id: item.id, status: 'sending', lockedBy: item.lockedBy },
    data: { status: 'sent', sentAt: new Date(now), lockedBy: null, lockedUntil: null, lastError: null },
  });
  return count === 1;
}

/** Gives the item back for another attempt at `retryAt`. */
export async function releaseOutboxItem(db: Db, item: Claimed, release: { retryAt: number; error: string; uncertain?: boolean; refundAttempt?: boolean; readProgress?: ReadProgress | null }): Promise<boolean> {
  const { count } = await db.outboxItem.updateMany({
    where: { id: item.id, status: 'sending', lockedBy: item.lockedBy },
    data: {
      status: 'pending',
      nextAttemptAt: new Date(release.retryAt),
      lastError: release.error,
      lockedBy: null,
      lockedUntil: null,
      ...(release.uncertain ? { uncertain: true } : {}),
      ...(release.refundAttempt ? { attempts: { decrement: 1 } } : {}),
      ...(release.readProgress !== undefined ? { readProgress: release.readProgress === null ? Prisma.DbNull : (release.readProgress as object) } : {}),
    },
  });
  return count === 1;
}

export async function markOutboxFailed(db: Db, item: Claimed, error: string): Promise<boolean> {
  const { count } = await db.outboxItem.updateMany({
    where: { id: item.id, status: 'sending', lockedBy: item.lockedBy },
    data: { status: 'failed', lastError: error, lockedBy: null, lockedUntil: null },
  });
  return count === 1;
}

export interface OutboxStats {
  /** Items not yet sent (pending or in flight). */
  depth: number;
  /** Age of the oldest of them, 0 when there is none. */
  oldestPendingAgeSeconds: number;
}

export async function outboxStats(db: Db, clock: { now(): number }): Promise<OutboxStats> {
  const unsent = { status: { in: ['pending', 'sending'] } };
  const [depth, oldest] = await Promise.all([
    db.outboxItem.count({ where: unsent }),
    db.outboxItem.findFirst({ where: unsent, orderBy: { createdAt: 'asc' }, select: { createdAt: true } }),
  ]);
  const ageMs = oldest ? clock.now() - oldest.createdAt.getTime() : 0;
  return { depth, oldestPendingAgeSeconds: Math.max(0, Math.round(ageMs / 1000)) };
}

/** Items that failed for good, newest first (for App Home and the incident thread). */
export function failedOutboxItems(db: Db, filter: { incidentId?: string; teamId?: string; limit?: number } = {}): Promise<OutboxItem[]> {
  return db.outboxItem.findMany({
    where: { status: 'failed', ...(filter.incidentId ? { incidentId: filter.incidentId } : {}), ...(filter.teamId !== undefined ? { teamId: filter.teamId } : {}) },
    orderBy: { createdAt: 'desc' },
    take: filter.limit ?? 50,
  });
}

/** Puts a failed item back in its lane (after the cause was fixed: the bot invited, the channel unarchived). */
export async function retryFailedOutboxItem(db: Db, key: string, now: number): Promise<boolean> {
  const { count } = await db.outboxItem.updateMany({ where: { key, status: 'failed' }, data: { status: 'pending', nextAttemptAt: new Date(now), lastError: null } });
  return count === 1;
}

/**
 * Deletes sent and failed items finished before `before`. A write waiting for its channel is not
 * finished (an alert not yet delivered, raised elsewhere once another alerts channel is chosen): kept.
 */
export async function pruneOutbox(db: Db, before: Date | number): Promise<number> {
  const cutoff = new Date(before);
  const { count } = await db.outboxItem.deleteMany({
    where: { OR: [{ status: 'sent', sentAt: { lt: cutoff } }, { status: 'failed', createdAt: { lt: cutoff }, OR: [{ lastError: null }, { NOT: { lastError: { startsWith: WAITING_FOR_CHANNEL } } }] }] },
  });
  return count;
}

/** The row as the outbox worker sees it (the port's QueuedSlackWrite): times as epoch ms, JSON typed. */
export function queuedWriteOf(row: OutboxItem): QueuedSlackWrite {
  const payload = outboxPayload(row);
  return {
    id: row.id,
    key: row.key,
    method: row.method,
    channelId: row.channelId,
    incidentId: row.incidentId,
    teamId: row.teamId,
    args: payload.args,
    ...(payload.threadOf !== undefined ? { threadOf: payload.threadOf } : {}),
    ...(payload.messageOf !== undefined ? { messageOf: payload.messageOf } : {}),
    record: payload.record,
    status: row.status as OutboxStatus,
    lastError: row.lastError,
    result: (row.result ?? null) as OutboxResult | null,
    lockedBy: row.lockedBy,
    lockedUntil: row.lockedUntil ? row.lockedUntil.getTime() : null,
    attempts: row.attempts,
    uncertain: row.uncertain,
    readProgress: (row.readProgress ?? null) as ReadProgress | null,
    createdAt: row.createdAt.getTime(),
  };
}

/** The outbox worker's port over the table. */
export function outboxQueueOn(db: Db): OutboxQueue {
  const claimed = (item: QueuedSlackWrite) => ({ id: item.id, lockedBy: item.lockedBy });
  return {
    sendable: async (now, isAbandoned) =>
      (await findSendable(db, now, isAbandoned)).map(({ item, parents }) => ({ item: queuedWriteOf(item), parents: new Map([...parents].map(([key, parent]) => [key, queuedWriteOf(parent)])) })),
    postAnswers: (since, limit, until) => postAnswers(db, since, limit, until),
    lastPostTimes: (channelIds, since) => lastPostTimes(db, [...channelIds], since),
    claim: async (item, claim) => {
      const row = await claimOutboxItem(db, { id: item.id, status: item.status, lockedBy: item.lockedBy, lockedUntil: item.lockedUntil === null ? null : new Date(item.lockedUntil) }, claim);
      return row ? queuedWriteOf(row) : null;
    },
    renewClaim: (item, until) => renewOutboxClaim(db, claimed(item), until),
    recordResult: (item, result) => recordOutboxResult(db, claimed(item), result),
    markSent: (item, now) => markOutboxSent(db, claimed(item), now),
    release: (item, release) => releaseOutboxItem(db, claimed(item), release),
    markFailed: (item, error) => markOutboxFailed(db, claimed(item), error),
  };
}

/**
 * A workspace was uninstalled (or its tokens revoked): its unsent writes can never be sent. They are
 * failed with the reason, so App Home and the logs say why, and no other team's writes are touched.
 */
export async function stopTeamWrites(db: Db, teamId: string, reason: string): Promise<number> {
  const stopped = { status: 'failed', lastError: reason, lockedBy: null, lockedUntil: null };
  // A write being sent may land all the same (its answer then finds the claim gone): it stays uncertain,
  // so a reply is never reported as "nothing reached the community" when it may have.
  const inFlight = await db.outboxItem.updateMany({ where: { teamId, status: 'sending' }, data: { ...stopped, uncertain: true } });
  const queued = await db.outboxItem.updateMany({ where: { teamId, status: 'pending' }, data: stopped });
  return inFlight.count + queued.count;
}
