import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default is one worker per core less one: a single worker on a 2-core machine, and most of
    // the suite's time is end-to-end tests waiting on timers and sockets. Two files at a time (fresh
    // databases and ports each) halves the wall time without starving timing checks of CPU.
    maxWorkers: 2,
    // On CI only: an end-to-end test that misses a timing once on the loaded 2-core machine runs again;
    // .ci/run lists every test that needed it (test/support/flaky-reporter.ts). Locally a failure is a failure.
    retry: process.env.CI ? 1 : 0,
    // Tests run `firebreak` as users do: from the compiled dist/, built fresh before any test starts.
    globalSetup: ['test/support/build-dist.ts'],
  },
});
