// The app's Store port over Prisma: each repository is a thin binding of store/repositories functions
// to either the client or one interactive transaction.
import type { Repositories, Store } from '../app/ports/index.js';
import type { PrismaDb } from './database.js';
import { recordEventOnce, type Db } from './repositories/events.js';

/** The repositories bound to `db` (the client, or one transaction's client). */
export function repositoriesOn(db: Db): Repositories {
  return {
    processedEvents: { recordOnce: (eventId, at) => recordEventOnce(db, eventId, at) },
  };
}

export function createStore(prisma: PrismaDb): Store {
  return {
    transaction: (work, options) => prisma.$transaction((tx) => work(repositoriesOn(tx)), options?.timeoutMs ? { timeout: options.timeoutMs } : undefined),
    direct: repositoriesOn(prisma),
  };
}
