import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Tests run `firebreak` as users do: from the compiled dist/, built fresh before any test starts.
    globalSetup: ['test/support/build-dist.ts'],
  },
});
