// The inbox's promises, on both databases: a burst shares one commit; events left behind by a dead
// instance are processed exactly once even when two instances sweep at once; a live claim is left
// alone; an event that keeps failing ends in the quarantine with its last error.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventInbox, type ProcessInboundEvent } from '../../src/app/event-inbox.js';
import { createStore } from '../../src/store/store.js';
import { availableProviders } from '../support/databases.js';
import { openMigratedDatabase, type MigratedDatabase } from '../store/repositories/migrated-database.js';

const logger = pino({ level: 'silent' });
const envelope = (eventId: string) => ({ text: JSON.stringify({ type: 'event_callback', team_id: 'T1', event_id: eventId, event: { type: 'message', channel: 'C1', user: 'U1', ts: '1.2', text: eventId } }), eventId });

describe.each(availableProviders)('event inbox on %s', (provider) => {
  let database: MigratedDatabase;
  beforeAll(async () => {
    database = await openMigratedDatabase(provider);
  });
  afterAll(() => database.dispose());

  const inboxOf = (instanceId: string, options: { alive?: (id: string) => boolean; now?: () => number; maxAttempts?: number } = {}) =>
    new EventInbox({ store: createStore(database.prisma, provider), instanceId, logger, claimantAlive: options.alive ?? (() => true), ...(options.now ? { now: options.now } : {}), ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}) });

  it('keeps a burst of events before resolving; a live claim is not taken; a dead claimant’s events are processed once across two sweeping instances', async () => {
    await database.prisma.inboundEvent.deleteMany();
    const receiver = inboxOf('host:1:dead');
    const ids = await Promise.all(Array.from({ length: 60 }, (_, index) => receiver.accept(envelope(`Ev-burst-${index}`), index === 0 ? { num: 1, reason: 'http_timeout' } : {})));
    expect(new Set(ids).size).toBe(60);
    expect(await database.prisma.inboundEvent.count({ where: { claimedBy: 'host:1:dead' } })).toBe(60);

    const seen: string[] = [];
    const record: ProcessInboundEvent = async (body, retry) => {
      seen.push(`${String(body['event_id'])}${retry.num ? `#${retry.num}:${retry.reason}` : ''}`);
    };
    // The receiver still runs and its claims hold: nobody else touches its events.
    expect(await inboxOf('host:2:a').sweep(record)).toBe(0);

    const other = await database.openAnother();
    // Only the receiver is gone: each sweeper is alive to the other, so a claim one has just taken
    // over holds against the other (declaring every claimant dead would let them steal from each other).
    const aliveButReceiver = (claimedBy: string) => claimedBy !== 'host:1:dead';
    const [a, b] = await Promise.all([
      inboxOf('host:2:a', { alive: aliveButReceiver }).sweep(record),
      new EventInbox({ store: createStore(other.prisma, provider), instanceId: 'host:3:b', logger, claimantAlive: aliveButReceiver }).sweep(record),
    ]);
    expect(a + b).toBe(60);
    expect(seen).toHaveLength(60);
    expect(new Set(seen).size).toBe(60);
    expect(seen).toContain('Ev-burst-0#1:http_timeout');
    await expect.poll(() => database.prisma.inboundEvent.count()).toBe(0);
  });

  it('an accepted event is committed on its own: a transaction of other work open meanwhile, and rolled back, does not take it along', async () => {
    await database.prisma.inboundEvent.deleteMany();
    const store = createStore(database.prisma, provider);
    // Other work of the process (a click, a group commit) holds a transaction open while the event arrives.
    let fail!: () => void;
    const otherWork = store
      .transaction(async (tx) => {
        await tx.quarantine.add({ at: Date.now(), source: 'slack', workspaceId: 'T1', channelId: 'C1', eventId: null, reason: 'invalid_body', error: 'other work', payload: '{}' });
        await new Promise<void>((resolve) => (fail = resolve));
        throw new Error('the other work fails');
      })
      .catch(() => 'rolled back');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const accepted = inboxOf('host:5:self').accept(envelope('Ev-beside-a-transaction'), {});
    await new Promise((resolve) => setTimeout(resolve, 50));
    fail();
    expect(await otherWork).toBe('rolled back');
    // Accepted means acknowledged to Slack, which never sends it again: it must be stored, whatever the other work did.
    await accepted;
    expect(await database.prisma.inboundEvent.count({ where: { eventId: 'Ev-beside-a-transaction' } })).toBe(1);
    expect(await database.prisma.quarantinedMessage.count({ where: { error: 'other work' } })).toBe(0);
  });

  it('an event whose processing keeps failing is retried, then quarantined with the last error and removed', async () => {
    await database.prisma.inboundEvent.deleteMany();
    let now = Date.UTC(2026, 11, 3, 12);
    const inbox = inboxOf('host:4:self', { now: () => now, maxAttempts: 3 });
    const id = await inbox.accept(envelope('Ev-poison'), {});
    const failing: ProcessInboundEvent = async () => {
      throw new Error('database is read-only');
    };
    // Its own claim, still in the backlog: not swept. Once expired it is retried (attempts 2 and 3).
    expect(await inbox.sweep(failing)).toBe(0);
    now += 121_000;
    await inbox.sweep(failing);
    await inbox.sweep(failing);
    const row = await database.prisma.inboundEvent.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ attempts: 3, lastError: 'database is read-only' });
    await inbox.sweep(failing);
    expect(await database.prisma.inboundEvent.count()).toBe(0);
    const quarantined = await database.prisma.quarantinedMessage.findFirstOrThrow({ where: { eventId: 'Ev-poison' } });
    expect(quarantined).toMatchObject({ reason: 'processing_failed', error: 'database is read-only', channelId: 'C1', source: 'slack' });
    expect(JSON.parse(quarantined.payload)).toMatchObject({ event_id: 'Ev-poison' });
  });
});
