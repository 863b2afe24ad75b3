// Named leases: one holder at a time, until expiresAt. Every change is a compare-and-set.
import type { Lease } from '../generated/sqlite/client.js';
import type { Db } from '../db.js';

export type { Lease };

/** Creates the lease for `holder` if nobody has it. True when acquired. */
export async function acquireLease(db: Db, name: string, holder: string, expiresAt: number): Promise<boolean> {
  // Setting the unique field to itself makes Prisma emit INSERT … ON CONFLICT DO UPDATE: atomic under races.
  const row = await db.lease.upsert({ where: { name }, update: { name }, create: { name, holder, expiresAt: new Date(expiresAt) } });
  return row.holder === holder;
}

export function readLease(db: Db, name: string): Promise<Lease | null> {
  return db.lease.findUnique({ where: { name } });
}

/** Takes the lease from `previous` if it is still exactly as read. */
export async function takeOverLease(db: Db, name: string, previous: Pick<Lease, 'holder' | 'expiresAt'>, holder: string, expiresAt: number): Promise<boolean> {
  const { count } = await db.lease.updateMany({ where: { name, holder: previous.holder, expiresAt: previous.expiresAt }, data: { holder, expiresAt: new Date(expiresAt) } });
  return count === 1;
}

/** Extends the lease if `holder` still has it. False when someone else took it. */
export async function renewLease(db: Db, name: string, holder: string, expiresAt: number): Promise<boolean> {
  const { count } = await db.lease.updateMany({ where: { name, holder }, data: { expiresAt: new Date(expiresAt) } });
  return count === 1;
}

export async function releaseLease(db: Db, name: string, holder: string): Promise<void> {
  await db.lease.deleteMany({ where: { name, holder } });
}
