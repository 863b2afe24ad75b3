import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneProcessedEvents, recordEventOnce } from '../../../src/store/repositories/events.js';
import { availableProviders } from '../../support/databases.js';
import { openMigratedDatabase, type MigratedDatabase } from './migrated-database.js';

describe.each(availableProviders)('processed events on %s', (provider) => {
  let database: MigratedDatabase;
  beforeAll(async () => {
    database = await openMigratedDatabase(provider);
  });
  afterAll(() => database.dispose());

  it('records an event id once; a second delivery is refused', async () => {
    const at = Date.UTC(2026, 10, 21, 12, 0, 0);
    expect(await recordEventOnce(database.prisma, 'Ev-once', at)).toBe(true);
    expect(await recordEventOnce(database.prisma, 'Ev-once', at + 3_000)).toBe(false);
    const row = await database.prisma.processedEvent.findUniqueOrThrow({ where: { eventId: 'Ev-once' } });
    expect(row.receivedAt.getTime()).toBe(at);
  });

  it('two instances recording the same ids at once: exactly one wins each id', async () => {
    const other = await database.openAnother();
    const ids = Array.from({ length: 40 }, (_, index) => `Ev-race-${index}`);
    const [mine, theirs] = await Promise.all([
      Promise.all(ids.map((id) => recordEventOnce(database.prisma, id, Date.now()))),
      Promise.all(ids.map((id) => recordEventOnce(other.prisma, id, Date.now()))),
    ]);
    ids.forEach((_, index) => expect(Number(mine[index]) + Number(theirs[index])).toBe(1));
  });

  it('a duplicate inside a transaction leaves the transaction usable, and a rollback forgets the id', async () => {
    await recordEventOnce(database.prisma, 'Ev-tx', Date.now());
    const outcome = await database.prisma.$transaction(async (tx) => {
      const first = await recordEventOnce(tx, 'Ev-tx', Date.now());
      const fresh = await recordEventOnce(tx, 'Ev-tx-2', Date.now());
      return { first, fresh, count: await tx.processedEvent.count({ where: { eventId: { startsWith: 'Ev-tx' } } }) };
    });
    expect(outcome).toEqual({ first: false, fresh: true, count: 2 });
    await expect(
      database.prisma.$transaction(async (tx) => {
        expect(await recordEventOnce(tx, 'Ev-rolled-back', Date.now())).toBe(true);
        throw new Error('the handler failed');
      }),
    ).rejects.toThrow('the handler failed');
    expect(await recordEventOnce(database.prisma, 'Ev-rolled-back', Date.now())).toBe(true);
  });

  it('prunes ids older than the cut-off', async () => {
    const old = Date.UTC(2020, 0, 1);
    await recordEventOnce(database.prisma, 'Ev-old', old);
    expect(await pruneProcessedEvents(database.prisma, old + 1)).toBe(1);
    expect(await recordEventOnce(database.prisma, 'Ev-old', Date.now())).toBe(true);
  });
});
