// The app's Store port over Prisma: each repository is a thin binding of store/repositories functions
// to either the client or one interactive transaction.
import type { Leases, Repositories, Store } from '../app/ports/index.js';
import type { PrismaDb } from './database.js';
import { channelBucketsOn, scoredMessagesOn, watchedChannelsOn, workspacesOn } from './repositories/channels.js';
import { pruneProcessedEvents, recordEventOnce, type Db } from './repositories/events.js';
import { storedGaugesOn } from './repositories/gauges.js';
import { acquireLease, readLease, releaseLease, renewLease, takeOverLease } from './repositories/leases.js';
import { pruneOutbox } from './repositories/outbox.js';
import { quarantineOn } from './repositories/quarantine.js';
import { pruneReminders } from './repositories/reminders.js';
import type { DatabaseProvider } from './schema-files.js';

function leasesOn(db: Db): Leases {
  return {
    acquire: (name, holder, expiresAt) => acquireLease(db, name, holder, expiresAt),
    read: async (name) => {
      const lease = await readLease(db, name);
      return lease ? { holder: lease.holder, expiresAt: lease.expiresAt.getTime() } : null;
    },
    takeOver: (name, previous, holder, expiresAt) => takeOverLease(db, name, { holder: previous.holder, expiresAt: new Date(previous.expiresAt) }, holder, expiresAt),
    renew: (name, holder, expiresAt) => renewLease(db, name, holder, expiresAt),
    release: (name, holder) => releaseLease(db, name, holder),
  };
}

/**
 * The repositories bound to `db` (the client, or one transaction's client). `provider` decides how
 * buckets are locked: pass the database's (a transaction's client does not say which it is).
 */
export function repositoriesOn(db: Db, provider: DatabaseProvider = 'sqlite'): Repositories {
  return {
    processedEvents: { recordOnce: (eventId, at) => recordEventOnce(db, eventId, at) },
    channels: watchedChannelsOn(db),
    buckets: channelBucketsOn(db, provider),
    scoredMessages: scoredMessagesOn(db),
    quarantine: quarantineOn(db),
    workspaces: workspacesOn(db),
    leases: leasesOn(db),
    gauges: storedGaugesOn(db),
    bookkeeping: {
      pruneProcessedEvents: (before) => pruneProcessedEvents(db, before),
      pruneOutbox: (before) => pruneOutbox(db, before),
      pruneReminders: (before) => pruneReminders(db, before),
    },
  };
}

/**
 * The client's provider, as Prisma records it, for callers that do not pass it (the composition
 * roots do). Read rather than guessed: a wrong answer would drop PostgreSQL's bucket row locks.
 */
function providerOf(prisma: PrismaDb): DatabaseProvider {
  const active = (prisma as unknown as { _activeProvider?: unknown })._activeProvider;
  if (active === 'sqlite') return 'sqlite';
  if (active === 'postgresql') return 'postgres';
  throw new Error(`createStore: cannot tell this Prisma client's provider (${String(active)}); pass it.`);
}

export function createStore(prisma: PrismaDb, provider: DatabaseProvider = providerOf(prisma)): Store {
  return {
    transaction: (work, options) => prisma.$transaction((tx) => work(repositoriesOn(tx, provider)), options?.timeoutMs ? { timeout: options.timeoutMs } : undefined),
    direct: repositoriesOn(prisma, provider),
  };
}
