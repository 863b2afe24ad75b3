// @prisma/adapter-better-sqlite3 runs everything on one connection and queues only interactive
// transactions: a write made outside a transaction while one is open runs inside it, and is rolled back
// (or lost to a crash) with it. This wraps the adapter so such a write waits its turn behind the open
// transaction, in the same queue the transactions take.
// It also waits asynchronously for another process's write lock (sqlite-lock-wait.ts): statements outside
// a transaction are tried again while the database is busy, and a transaction takes the write lock when
// it starts (BEGIN IMMEDIATE, tried again while busy) so that none of its statements can meet the lock
// later, when a busy write could not be retried alone (SQLite may roll the whole transaction back, and a
// transaction that already read is refused SQLITE_BUSY_SNAPSHOT once another process committed).
import { insideAnyTransaction } from './transaction-scope.js';
import { realTimers, SQLITE_LOCK_PATIENCE_MS, whileLocked, type LockWaitPolicy } from './sqlite-lock-wait.js';
import type { IsolationLevel, SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, Transaction } from '@prisma/driver-adapter-utils';

/**
 * One holder at a time, in arrival order. `take` returns nothing when the turn is free (the common case:
 * no extra promise per write) and a promise otherwise; `release` hands the turn to the next in line.
 */
function turnQueue(): { take(): Promise<void> | undefined; release(): void } {
  let busy = false;
  const waiting: Array<() => void> = [];
  return {
    take() {
      if (!busy) {
        busy = true;
        return undefined;
      }
      return new Promise<void>((resolve) => waiting.push(resolve));
    },
    release() {
      const next = waiting.shift();
      if (next) next();
      else busy = false;
    },
  };
}

/**
 * A plain SELECT changes nothing, so it runs at once (as before: on the shared connection it sees an open
 * transaction's writes). Everything else (INSERT, UPDATE, DELETE, WITH …, PRAGMA) waits for its turn.
 */
function onlyReads(query: SqlQuery): boolean {
  return /^\s*select\b/i.test(query.sql);
}

/** Hands the turn on once, whichever of commit and rollback ends the transaction (or both do). */
function once(release: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    release();
  };
}

const sql = (text: string): SqlQuery => ({ sql: text, args: [], argTypes: [] });

/**
 * The transaction, handing the turn on once it commits or rolls back. Its COMMIT is tried again while
 * busy (outside WAL mode a commit waits for other processes' readers; a failed COMMIT leaves the
 * transaction open and may be repeated); given up, the transaction is rolled back here, since Prisma
 * would leave the shared connection inside it.
 */
function holdingTurn(transaction: Transaction, release: () => void, policy: LockWaitPolicy): Transaction {
  const end = (finish: () => Promise<void>) => async () => {
    try {
      await finish();
    } finally {
      release();
    }
  };
  const commitStatement = async (query: SqlQuery): Promise<number> => {
    try {
      return await whileLocked(policy, policy.timers.now(), () => transaction.executeRaw(query));
    } catch (error) {
      await transaction.executeRaw(sql('ROLLBACK')).catch(() => undefined);
      throw error;
    }
  };
  return new Proxy(transaction, {
    get(target, property) {
      if (property === 'commit') return end(() => target.commit());
      if (property === 'rollback') return end(() => target.rollback());
      if (property === 'executeRaw') return (query: SqlQuery) => (/^\s*commit\s*$/i.test(query.sql) ? commitStatement(query) : target.executeRaw(query));
      const value: unknown = Reflect.get(target, property, target);
      // The adapter's methods use private fields: they must run on the adapter's own object.
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

function serialised(adapter: SqlDriverAdapter, policy: LockWaitPolicy): SqlDriverAdapter {
  const turns = turnQueue();
  const inTurn = async <T>(run: () => Promise<T>): Promise<T> => {
    // Made from inside a transaction's callback (a service reading or writing through store.direct): the
    // turn is that transaction's, so waiting would be a deadlock. It runs at once, on the shared
    // connection inside that transaction, as it always did (that transaction holds the write lock).
    if (insideAnyTransaction()) return run();
    const since = policy.timers.now();
    await turns.take();
    try {
      return await whileLocked(policy, since, run);
    } finally {
      turns.release();
    }
  };
  // A read outside a transaction can meet a busy database too (another process recovering the WAL).
  const read = (query: SqlQuery) => (insideAnyTransaction() ? adapter.queryRaw(query) : whileLocked(policy, policy.timers.now(), () => adapter.queryRaw(query)));
  return {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    queryRaw: (query) => (onlyReads(query) ? read(query) : inTurn(() => adapter.queryRaw(query))),
    executeRaw: (query) => inTurn(() => adapter.executeRaw(query)),
    // Not tried again: a script that met the lock halfway may have committed its first statements.
    executeScript: (script) => inTurn(() => adapter.executeScript(script)),
    startTransaction: async (isolationLevel?: IsolationLevel) => {
      const since = policy.timers.now();
      await turns.take();
      let transaction: Transaction | undefined;
      try {
        // The adapter opens with a deferred BEGIN, which takes no lock yet: it is ended at once (nothing
        // was read) and replaced by BEGIN IMMEDIATE, the only statement of the transaction that waits.
        transaction = await adapter.startTransaction(isolationLevel);
        const started = transaction;
        await started.executeRaw(sql('ROLLBACK'));
        await whileLocked(policy, since, () => started.executeRaw(sql('BEGIN IMMEDIATE')));
        return holdingTurn(started, once(turns.release), policy);
      } catch (error) {
        // The adapter's rollback() only frees its own queue (its SQL is Prisma's ROLLBACK, not sent here).
        await transaction?.rollback().catch(() => undefined);
        turns.release();
        throw error;
      }
    },
    ...(adapter.getConnectionInfo ? { getConnectionInfo: () => adapter.getConnectionInfo!() } : {}),
    dispose: () => adapter.dispose(),
  };
}

/**
 * The factory whose connection makes every write outside a transaction wait for the open transaction,
 * and waits for another process's lock without blocking (`database` names the file in the error).
 */
export function serialisedWrites(factory: SqlDriverAdapterFactory, lockWait: Partial<LockWaitPolicy> & { database: string }): SqlDriverAdapterFactory {
  const policy: LockWaitPolicy = { patienceMs: SQLITE_LOCK_PATIENCE_MS, timers: realTimers, ...lockWait };
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => serialised(await factory.connect(), policy),
  };
}
