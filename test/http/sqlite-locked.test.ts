// The real Firebreak on SQLite while another process (a `firebreak` command, a backup, a second program)
// holds the database's write lock: an /ingest post and a Slack message event wait for the lock, and
// meanwhile the process keeps serving — /healthz answers at once and its timers run (SQLite's own busy
// wait, synchronous in better-sqlite3, froze the whole process for as long as the lock was held: no Slack
// acks, no health checks). Once the lock goes, both are acknowledged and stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../e2e/harness.js';
import { eventLoopStalls, holdWriteLock } from '../store/sqlite-lock-holder.js';

const TOKEN = 'ingest-token-0123456789abcdef';
const HOLD_MS = 2_500;
/** Far below the hold (SQLite's own wait froze the process for all of it), with room for a loaded machine. */
const MAX_STALL_MS = 1_000;

describe('Firebreak on SQLite locked by another process', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ provider: 'sqlite', env: { INGEST_TOKEN: TOKEN } });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('serves /healthz at once while an ingest and a Slack event wait for the lock; both are stored once it goes', async () => {
    const file = h.app.database.target.sqliteFile!;
    const holder = await holdWriteLock(file, HOLD_MS);
    const stalls = eventLoopStalls();
    const answered: string[] = [];
    const ingest = fetch(`${h.app.url}/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ source: 'forum', channel: 'support', user: 'ana', text: 'The checkout is broken again, terrible', ts: new Date(Date.now() - 60_000).toISOString() }),
    }).then(async (response) => {
      answered.push('ingest');
      return { status: response.status, body: (await response.json()) as Record<string, unknown>, at: performance.now() };
    });
    const event = h.post(h.people.members[0]!, 'Nobody answers support, awful', Date.now() - 30_000).then(({ ts, response }) => {
      answered.push('event');
      return { ts, status: response.status, at: performance.now() };
    });

    // A health check 300 ms into the hold: answered soon after, not once the lock goes.
    const asked = performance.now() + 300;
    await new Promise((resolve) => setTimeout(resolve, 300));
    const health = await fetch(`${h.app.url}/healthz`);
    expect(performance.now() - asked).toBeLessThan(MAX_STALL_MS);
    expect(health.status).toBe(200);
    // Answered while the other process still held the lock: the writes were still waiting.
    expect(performance.now() - holder.lockedAt).toBeLessThan(HOLD_MS);
    expect(answered).toEqual([]);

    const [ingested, delivered] = await Promise.all([ingest, event]);
    await holder.released;
    expect(stalls.stop()).toBeLessThan(MAX_STALL_MS);
    expect(ingested).toMatchObject({ status: 202, body: { accepted: 1, scored: 1 } });
    expect(delivered.status).toBe(200);
    // Acknowledged once the lock went (they waited for it, and were not refused).
    expect(ingested.at - holder.lockedAt).toBeGreaterThan(HOLD_MS - 200);
    expect(delivered.at - holder.lockedAt).toBeGreaterThan(HOLD_MS - 200);
    await h.waitFor('both messages stored', async () => {
      const texts = (await h.app.database.prisma.scoredMessage.findMany({ select: { text: true } })).map((row) => row.text);
      return texts.includes('The checkout is broken again, terrible') && texts.includes('Nobody answers support, awful');
    });
    expect(await h.app.database.prisma.quarantinedMessage.count()).toBe(0);
  }, 60_000);
});
