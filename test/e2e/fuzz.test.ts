// A short run of the hostile-input fuzz (`npm run fuzz` runs 20,000 requests per backend) on each
// available backend: the process stays up, nothing answers 5xx or waits 3 s, every acknowledged valid
// message is stored once. Answer times (p99, none over 3 s) are the fuzz script's business, not a
// test's: on a shared machine they measure the load; the hang itself is tested in hostile-requests.
import { describe, expect, it } from 'vitest';
import { availableProviders } from '../support/databases.js';
import { runFuzz } from '../support/fuzz.js';

describe.each(availableProviders)('fuzz, short run (%s)', (provider) => {
  it('survives 400 signed malformed requests without a 5xx, a lost or a duplicated message', async () => {
    const report = await runFuzz({ provider, requests: 400, seed: 13, maxSeconds: 60, concurrency: 4 });
    expect(report.sent).toBe(400);
    expect(report).toMatchObject({ processAlive: true, serverErrors: 0, noAnswer: 0, validLost: 0, duplicates: 0, foreignStored: 0, refusedPossible: { count: 0 } });
    expect(report.validAcknowledged).toBeGreaterThan(50);
  }, 180_000);
});
