// Knows whether the running code is inside a store.transaction callback (per Prisma client), so the
// store refuses a call that would escape that transaction instead of letting it hang or half-commit:
// on SQLite (one connection, writes serialised with transactions) the callback would wait for its own
// transaction until that timed out; on PostgreSQL the call would commit outside it, whatever it did.
import { AsyncLocalStorage } from 'node:async_hooks';

interface OpenCallback {
  /** The Prisma client the transaction runs on: another database's client is not concerned. */
  readonly client: object;
  /** False once the callback has settled: work it left running no longer blocks its transaction. */
  open: boolean;
  readonly outer: OpenCallback | undefined;
}

const currentCallback = new AsyncLocalStorage<OpenCallback>();

/** A programming error: code inside a transaction callback used the store outside that transaction. */
export class TransactionMisuseError extends Error {
  /** The call that was refused, as written in the code (`store.direct.inbox.release`, `store.transaction`). */
  readonly call: string;
  constructor(call: string) {
    super(
      `${call} was called inside a store.transaction callback on the same database. On SQLite it would wait for ` +
        `that transaction to end (which waits for it: a deadlock); on PostgreSQL it would commit outside the ` +
        `transaction. Use the callback's own repositories (tx.…), or make the call before or after the transaction.`,
    );
    this.name = 'TransactionMisuseError';
    this.call = call;
  }
}

/** Whether a transaction callback on `client` is running in this async context. */
export function insideTransactionOf(client: object): boolean {
  for (let callback = currentCallback.getStore(); callback; callback = callback.outer) {
    if (callback.open && callback.client === client) return true;
  }
  return false;
}

/** Runs a transaction's callback, marked as such for everything it calls (awaited or not). */
export async function runAsTransactionCallback<T>(client: object, work: () => Promise<T>): Promise<T> {
  const callback: OpenCallback = { client, open: true, outer: currentCallback.getStore() };
  try {
    return await currentCallback.run(callback, work);
  } finally {
    callback.open = false;
  }
}

/** `repositories` whose every method throws TransactionMisuseError when called inside a transaction callback on `client`. */
export function refusedInsideTransactions<R extends object>(repositories: R, client: object): R {
  const guarded: Record<string, unknown> = {};
  for (const [name, repository] of Object.entries(repositories)) {
    guarded[name] = new Proxy(repository as object, {
      get(target, method, receiver) {
        const value: unknown = Reflect.get(target, method, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (insideTransactionOf(client)) throw new TransactionMisuseError(`store.direct.${name}.${String(method)}`);
          return (value as (...args: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  }
  return guarded as R;
}
