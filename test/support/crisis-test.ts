// Crash tests: each runs its own loopback Slack, database and `firebreak start` children, so the tests
// of one file run side by side.
import { it } from 'vitest';
import { startCrashHarness, type CrashHarness, type CrashHarnessOptions } from './crash-harness.js';

/** A test given a started crash harness of its own, closed afterwards; `skip` leaves it out. */
export function crisisTest(harnessOptions: CrashHarnessOptions, defaultTimeoutMs = 110_000) {
  return (name: string, body: (harness: CrashHarness) => Promise<void>, options: { timeoutMs?: number; skip?: boolean } = {}) =>
    (options.skip ? it.skip : it.concurrent)(
      name,
      async () => {
        const harness = await startCrashHarness(harnessOptions);
        try {
          await harness.start();
          await body(harness);
        } finally {
          await harness.close();
        }
      },
      options.timeoutMs ?? defaultTimeoutMs,
    );
}

/** Waits a little longer than the outbox needs to retry, so a double post would have shown. */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 2_000));
