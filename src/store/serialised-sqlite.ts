// @prisma/adapter-better-sqlite3 runs everything on one connection and queues only interactive
// transactions: a write made outside a transaction while one is open runs inside it, and is rolled back
// (or lost to a crash) with it. This wraps the adapter so such a write waits its turn behind the open
// transaction, in the same queue the transactions take.
import type { IsolationLevel, SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, Transaction } from '@prisma/driver-adapter-utils';

/** One holder at a time, in arrival order; `take` resolves with the function that hands the turn on. */
function turnQueue(): () => Promise<() => void> {
  let last: Promise<void> = Promise.resolve();
  return async () => {
    const previous = last;
    let release!: () => void;
    last = new Promise<void>((resolve) => (release = resolve));
    await previous;
    return release;
  };
}

/**
 * A plain SELECT changes nothing, so it runs at once (as before: on the shared connection it sees an open
 * transaction's writes). Everything else (INSERT, UPDATE, DELETE, WITH …, PRAGMA) waits for its turn.
 */
function onlyReads(query: SqlQuery): boolean {
  return /^\s*select\b/i.test(query.sql);
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
  const take = turnQueue();
  const inTurn = async <T>(run: () => Promise<T>): Promise<T> => {
    const release = await take();
    try {
      return await run();
    } finally {
      release();
    }
  };
  return {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    queryRaw: (query) => (onlyReads(query) ? adapter.queryRaw(query) : inTurn(() => adapter.queryRaw(query))),
    executeRaw: (query) => inTurn(() => adapter.executeRaw(query)),
    executeScript: (script) => inTurn(() => adapter.executeScript(script)),
    startTransaction: async (isolationLevel?: IsolationLevel) => {
      const release = await take();
      try {
        return holdingTurn(await adapter.startTransaction(isolationLevel), release);
      } catch (error) {
        release();
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
