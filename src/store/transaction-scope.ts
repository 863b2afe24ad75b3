// Knows whether the running code is inside a store.transaction callback, so that the store refuses
// another transaction opened from inside one (on SQLite it would wait for its own transaction: a
// deadlock; on PostgreSQL it would commit apart), and the SQLite adapter lets a write made from inside a
// callback through the store's direct repositories run at once instead of waiting for that callback's
// own transaction (serialised-sqlite.ts).
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
  /** The call that was refused, as written in the code (`store.transaction`). */
  readonly call: string;
  constructor(call: string) {
    super(
      `${call} was called inside a store.transaction callback on the same database. On SQLite it would wait for ` +
        `that transaction to end (which waits for it: a deadlock); on PostgreSQL it would commit apart from the ` +
        `transaction. Use the callback's own repositories (tx.…), or open it before or after the transaction.`,
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

/** Whether any transaction callback is running in this async context (the SQLite adapter knows no client). */
export function insideAnyTransaction(): boolean {
  for (let callback = currentCallback.getStore(); callback; callback = callback.outer) if (callback.open) return true;
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
