// @prisma/adapter-better-sqlite3 runs everything on one connection and queues only interactive
// transactions: a write made outside a transaction while one is open runs inside it, and is rolled back
// (or lost to a crash) with it. This wraps the adapter so such a write waits its turn behind the open
// transaction, in the same queue the transactions take.
import { insideAnyTransaction } from './transaction-scope.js';
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

/** The transaction, handing the turn on once it commits or rolls back. */
function holdingTurn(transaction: Transaction, release: () => void): Transaction {
  const end = (finish: () => Promise<void>) => async () => {
    try {
      await finish();
    } finally {
      release();
    }
  };
  return new Proxy(transaction, {
    get(target, property) {
      if (property === 'commit') return end(() => target.commit());
      if (property === 'rollback') return end(() => target.rollback());
      const value: unknown = Reflect.get(target, property, target);
      // The adapter's methods use private fields: they must run on the adapter's own object.
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

function serialised(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const turns = turnQueue();
  const inTurn = async <T>(run: () => Promise<T>): Promise<T> => {
    // Made from inside a transaction's callback (a service reading or writing through store.direct): the
    // turn is that transaction's, so waiting would be a deadlock. It runs at once, on the shared
    // connection inside that transaction, as it always did.
    if (insideAnyTransaction()) return run();
    await turns.take();
    try {
      return await run();
    } finally {
      turns.release();
    }
  };
  return {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    queryRaw: (query) => (onlyReads(query) ? adapter.queryRaw(query) : inTurn(() => adapter.queryRaw(query))),
    executeRaw: (query) => inTurn(() => adapter.executeRaw(query)),
    executeScript: (script) => inTurn(() => adapter.executeScript(script)),
    startTransaction: async (isolationLevel?: IsolationLevel) => {
      await turns.take();
      try {
        return holdingTurn(await adapter.startTransaction(isolationLevel), once(turns.release));
      } catch (error) {
        turns.release();
        throw error;
      }
    },
    ...(adapter.getConnectionInfo ? { getConnectionInfo: () => adapter.getConnectionInfo!() } : {}),
    dispose: () => adapter.dispose(),
  };
}

/** The factory whose connection makes every write outside a transaction wait for the open transaction. */
export function serialisedWrites(factory: SqlDriverAdapterFactory): SqlDriverAdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => serialised(await factory.connect()),
  };
}
