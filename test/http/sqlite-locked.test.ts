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
/** Longer than three group commits' waits (5 s each): before, the quarantine write that followed got through. */
const LONG_HOLD_MS = 17_000;

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

  // The store has waited its ~5 s once: /ingest answers then, 503 with Retry-After (the sender sends the
  // batch again), instead of 500 after about 20 s (three group commits, then the quarantine, each waiting).
  it('an /ingest the lock outlasts is answered 503 with Retry-After right after the store’s wait, nothing stored; sent again, it is stored once', async () => {
    const file = h.app.database.target.sqliteFile!;
    const text = 'Refunds take weeks, this is a scam';
    const send = () =>
      fetch(`${h.app.url}/ingest`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({ source: 'forum', channel: 'support', user: 'eva', id: 'post-77', text, ts: new Date(Date.now() - 60_000).toISOString() }),
      });
    const holder = await holdWriteLock(file, 12_000);
    try {
      const response = await send();
      const answeredAfter = performance.now() - holder.lockedAt;
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(await response.json()).toMatchObject({ error: 'database_locked' });
      // After the store's one wait (5 s), well before the lock goes.
      expect(answeredAfter).toBeGreaterThan(4_500);
      expect(answeredAfter).toBeLessThan(9_000);
      expect(await h.app.database.prisma.scoredMessage.count({ where: { text } })).toBe(0);
      expect(await h.app.database.prisma.quarantinedMessage.count()).toBe(0);
    } finally {
      await holder.released.catch(() => holder.kill());
    }
    const again = await send();
    expect(again.status).toBe(202);
    expect(await again.json()).toMatchObject({ accepted: 1, scored: 1 });
    expect(await h.app.database.prisma.scoredMessage.count({ where: { text } })).toBe(1);
    expect(await h.app.database.prisma.quarantinedMessage.count()).toBe(0);
  }, 60_000);

  // A member's message acknowledged (kept in the inbox) just before another process takes the lock for
  // longer than the store waits: its processing fails, which is not the message's fault. It uses up none
  // of the inbox's 5 attempts, is never put in the quarantine (three group commits and a quarantine write,
  // each waiting, had it quarantined once the lock went), and is stored by the inbox's next sweep.
  it('a member message whose processing a long lock fails uses up no attempt, is not quarantined, and is stored once the lock goes', async () => {
    const file = h.app.database.target.sqliteFile!;
    const prisma = h.app.database.prisma;
    const { workspace, api } = h.fake;
    const text = 'Still no answer from support, unacceptable';
    // Slack says the staff group changed, so the next message asks Slack who is staff (a few seconds on,
    // past the look-up's short cache), and Slack is slow to answer: the lock is taken meanwhile, after the
    // message is kept and before it is written.
    const group = workspace.listUserGroups().find((candidate) => candidate.handle === 'community-leads')!.id;
    const now = Math.floor(Date.now() / 1000);
    const changed = { type: 'subteam_members_changed', subteam_id: group, team_id: workspace.appIdentity().teamId, date_previous_update: now - 60, date_update: now, added_users: [], added_users_count: '0' };
    expect((await h.event(changed)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    api.faults.delay('usergroups.list', 2_500, { forMs: 5_000 });
    let askedAt: number | undefined;
    const pickFault = api.faults.take.bind(api.faults);
    api.faults.take = (method, args) => {
      if (method === 'usergroups.list') askedAt ??= performance.now();
      return pickFault(method, args);
    };
    const { response } = await h.post(h.people.members[1]!, text, Date.now() - 20_000, { eventId: 'Ev0LOCKED1' });
    expect(response.status).toBe(200);
    await h.waitFor('Slack asked who is staff', () => askedAt !== undefined || undefined, 10_000);
    const holder = await holdWriteLock(file, LONG_HOLD_MS);
    try {
      // Taken before the message's write: Firebreak waits at most 1.5 s for the groups.
      expect(holder.lockedAt - askedAt!).toBeLessThan(1_500);
      const failed = await h.waitFor('the event released with the reason', async () => (await prisma.inboundEvent.findFirst({ where: { eventId: 'Ev0LOCKED1', lastError: { not: null } } })) ?? undefined, LONG_HOLD_MS + 15_000);
      expect(failed.lastError).toContain('is locked by another process');
      // Accepted as attempt 1; the failed attempt is given back.
      expect(failed.attempts).toBe(0);
    } finally {
      await holder.released.catch(() => holder.kill());
    }
    await h.waitFor('the message stored by the next sweep', async () => (await prisma.scoredMessage.count({ where: { text } })) === 1 || undefined, 40_000);
    await h.waitFor('the inbox emptied', async () => (await prisma.inboundEvent.count()) === 0 || undefined, 10_000);
    expect(await prisma.quarantinedMessage.count()).toBe(0);
  }, 120_000);
});
