// Slack delivers an event at least once (retries after 3 s, several instances behind one URL): its id
// is recorded once, by the primary key, and only the delivery that recorded it is processed.
import type { Db } from '../db.js';

/**
 * Records `eventId` as processed. True for exactly one caller per id, even when several instances
 * record the same id at once; false for every later (or losing concurrent) caller. Uses
 * `INSERT … ON CONFLICT DO NOTHING`, so inside a transaction a duplicate does not abort it (PostgreSQL
 * would otherwise poison the transaction on the unique violation): record the event in the same
 * transaction as its effects, and a crash before commit leaves it unrecorded for Slack's retry.
 */
export async function recordEventOnce(db: Db, eventId: string, at: Date | number): Promise<boolean> {
  const receivedAt = new Date(at);
  const inserted = await db.$executeRaw`INSERT INTO "ProcessedEvent" ("eventId", "receivedAt") VALUES (${eventId}, ${receivedAt}) ON CONFLICT ("eventId") DO NOTHING`;
  return inserted === 1;
}

/** Forgets event ids older than `before` (Slack retries within minutes; a week is plenty). */
export async function pruneProcessedEvents(db: Db, before: Date | number): Promise<number> {
  const { count } = await db.processedEvent.deleteMany({ where: { receivedAt: { lt: new Date(before) } } });
  return count;
}
