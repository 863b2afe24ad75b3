// Persisted scheduled jobs. A reminder fires by a conditional update pending → fired inside the
// transaction that runs its handler, so it fires exactly once across restarts, clock jumps and
// failover: whoever's update matched the pending row owns the firing; a rollback gives it back.
import { randomUUID } from 'node:crypto';
import type { DueReminder, ReminderQueue } from '../../app/ports/index.js';
import type { Reminder } from '../generated/sqlite/client.js';
import type { Db } from '../db.js';

export type { Reminder };

export type ReminderStatus = 'pending' | 'fired' | 'cancelled' | 'failed';

export interface NewReminder {
  /** Idempotency key, unique: scheduling an existing key changes nothing. */
  key: string;
  /** Which registered handler fires it. */
  kind: string;
  dueAt: Date | number;
  payload?: Record<string, unknown>;
  incidentId?: string;
}

/** Schedules a reminder in `tx` unless its key exists. True when it was added. */
export async function scheduleReminder(tx: Db, reminder: NewReminder): Promise<boolean> {
  const id = randomUUID();
  const row = await tx.reminder.upsert({
    where: { key: reminder.key },
    // Setting the unique field to itself makes Prisma emit INSERT … ON CONFLICT DO UPDATE: atomic, and a
    // duplicate never raises a unique violation (which would abort the caller's PostgreSQL transaction).
    update: { key: reminder.key },
    create: {
      id,
      key: reminder.key,
      kind: reminder.kind,
      dueAt: new Date(reminder.dueAt),
      payload: (reminder.payload ?? {}) as object,
      incidentId: reminder.incidentId ?? null,
    },
    select: { id: true },
  });
  return row.id === id;
}

/** Schedules a reminder in `tx`; a key that exists is replaced and pending again. */
export async function rescheduleReminder(tx: Db, reminder: NewReminder): Promise<void> {
  const data = { kind: reminder.kind, dueAt: new Date(reminder.dueAt), payload: (reminder.payload ?? {}) as object };
  await tx.reminder.upsert({
    where: { key: reminder.key },
    create: { id: randomUUID(), key: reminder.key, ...data, incidentId: reminder.incidentId ?? null },
    update: { ...data, status: 'pending', firedAt: null, attempts: 0 },
  });
}

/** Cancels pending reminders by exact key, or every key starting with `prefix`. Returns how many. */
export async function cancelReminders(tx: Db, which: string | { prefix: string }): Promise<number> {
  const key = typeof which === 'string' ? which : { startsWith: which.prefix };
  const { count } = await tx.reminder.updateMany({ where: { key, status: 'pending' }, data: { status: 'cancelled' } });
  return count;
}

/**
 * Pending reminders of the given kinds due by `until` that are not waiting out a failed attempt,
 * soonest first. Only kinds this instance can fire: others never crowd them out of the page.
 */
export function pendingRemindersDueBy(db: Db, until: number, now: number, kinds: string[], limit = 200): Promise<Reminder[]> {
  return db.reminder.findMany({
    where: { status: 'pending', kind: { in: kinds }, dueAt: { lte: new Date(until) }, OR: [{ lockedUntil: null }, { lockedUntil: { lte: new Date(now) } }] },
    orderBy: [{ dueAt: 'asc' }, { id: 'asc' }],
    take: limit,
  });
}

/**
 * Marks the reminder fired if it is still pending and due by `now`. Call inside the transaction
 * that runs its handler. True for exactly one caller.
 */
export async function claimReminder(tx: Db, reminder: Pick<Reminder, 'id'>, firing: { now: number; late: boolean }): Promise<boolean> {
  const now = new Date(firing.now);
  const { count } = await tx.reminder.updateMany({
    where: { id: reminder.id, status: 'pending', dueAt: { lte: now }, OR: [{ lockedUntil: null }, { lockedUntil: { lte: now } }] },
    data: { status: 'fired', firedAt: now, late: firing.late, attempts: { increment: 1 }, lockedUntil: null, lastError: null },
  });
  return count === 1;
}

/** After a handler failed (its transaction rolled back): retry at `retryAt`, or give up as failed. */
export async function recordReminderFailure(db: Db, reminder: Pick<Reminder, 'id'>, failure: { error: string; retryAt: number; giveUp: boolean }): Promise<void> {
  await db.reminder.updateMany({
    where: { id: reminder.id, status: 'pending' },
    data: { attempts: { increment: 1 }, lastError: failure.error.slice(0, 500), lockedUntil: new Date(failure.retryAt), ...(failure.giveUp ? { status: 'failed' } : {}) },
  });
}

/** The pending reminder whose key starts with `prefix` (recurring schedules keep exactly one). */
export function pendingReminderWithPrefix(db: Db, prefix: string): Promise<Reminder | null> {
  return db.reminder.findFirst({ where: { key: { startsWith: prefix }, status: 'pending' }, orderBy: { dueAt: 'asc' } });
}

/** Deletes reminders that fired, were cancelled or failed before `before`. */
export async function pruneReminders(db: Db, before: Date | number): Promise<number> {
  const { count } = await db.reminder.deleteMany({ where: { status: { in: ['fired', 'cancelled', 'failed'] }, createdAt: { lt: new Date(before) } } });
  return count;
}

function dueReminderOf(row: Reminder): DueReminder {
  return { id: row.id, key: row.key, kind: row.kind, payload: (row.payload ?? {}) as Record<string, unknown>, incidentId: row.incidentId, dueAt: row.dueAt.getTime(), attempts: row.attempts };
}

/** The scheduler's port over the table. */
export function reminderQueueOn(db: Db): ReminderQueue {
  return {
    pendingDueBy: async (until, now, kinds) => (await pendingRemindersDueBy(db, until, now, [...kinds])).map(dueReminderOf),
    claim: (reminder, firing) => claimReminder(db, reminder, firing),
    recordFailure: (reminder, failure) => recordReminderFailure(db, reminder, failure),
    hasPendingWithPrefix: async (prefix) => (await pendingReminderWithPrefix(db, prefix)) !== null,
    pendingDueAtWithPrefix: async (prefix) => (await pendingReminderWithPrefix(db, prefix))?.dueAt.getTime() ?? null,
    pendingCountsExcept: async (kinds) => {
      const rows = await db.reminder.groupBy({ by: ['kind'], where: { status: 'pending', kind: { notIn: [...kinds] } }, _count: { _all: true } });
      return Object.fromEntries(rows.map((row) => [row.kind, row._count._all]));
    },
  };
}
