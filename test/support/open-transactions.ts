// A store that counts its open transactions: tests that check work runs before a transaction, never in it.
import type { Store, TransactionOptions } from '../../src/app/ports/store.js';

/** `store` with its transactions counted; `open()` is how many are open right now. */
export function countingOpenTransactions<R>(store: Store<R>): { store: Store<R>; open(): number } {
  let open = 0;
  const counted = Object.assign(Object.create(store) as Store<R>, {
    async transaction<T>(work: (tx: R) => Promise<T>, options?: TransactionOptions): Promise<T> {
      open += 1;
      try {
        return await store.transaction(work, options);
      } finally {
        open -= 1;
      }
    },
  });
  return { store: counted, open: () => open };
}
