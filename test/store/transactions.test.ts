// The store's transactions against its writes made outside any, on both databases: such a write made
// while a transaction is open commits on its own (SQLite's one connection would otherwise run it inside
// the open transaction and roll it back with it); a direct call from inside a transaction's callback runs
// at once instead of waiting for its own transaction, and another transaction from inside one is refused
// at once, naming the call, instead of hanging on it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/store.js';
import { availableProviders } from '../support/databases.js';
import { openMigratedDatabase, type MigratedDatabase } from './repositories/migrated-database.js';

describe.each(availableProviders)('store transactions on %s', (provider) => {
  let database: MigratedDatabase;
  beforeAll(async () => {
    database = await openMigratedDatabase(provider);
  });
  afterAll(() => database.dispose());

  const refusal = (action: string) => ({ at: Date.now(), userId: 'U1', action, outcome: 'refused:other_team', incidentId: null, data: { teamId: 'T2' } });

  it('writes made outside a transaction while another is open and then rolled back are kept', async () => {
    const store = createStore(database.prisma, provider);
    let fail!: () => void;
    const otherWork = store
      .transaction(async (tx) => {
        await tx.audit.record(refusal('other.work'));
        await new Promise<void>((resolve) => (fail = resolve));
        throw new Error('the other work fails');
      })
      .catch(() => 'rolled back');
    await new Promise((resolve) => setTimeout(resolve, 50));
    // A refused request's audit (IncidentService.recordRefusedRequest) and a Slack event id's dedupe
    // record: a Prisma create and a raw INSERT, each committed on its own.
    const audited = store.direct.audit.record(refusal('refused.beside'));
    const recorded = store.direct.processedEvents.recordOnce('Ev-beside-a-transaction', Date.now());
    await new Promise((resolve) => setTimeout(resolve, 50));
    fail();
    expect(await otherWork).toBe('rolled back');
    await audited;
    expect(await recorded).toBe(true);
    expect(await database.prisma.auditLog.count({ where: { action: 'refused.beside' } })).toBe(1);
    expect(await database.prisma.processedEvent.count({ where: { eventId: 'Ev-beside-a-transaction' } })).toBe(1);
    expect(await database.prisma.auditLog.count({ where: { action: 'other.work' } })).toBe(0);
  });

  it('a direct call inside a transaction callback runs at once (no deadlock on its own transaction); another transaction inside one is refused at once, naming the call', async () => {
    const store = createStore(database.prisma, provider);
    const started = performance.now();
    await store.transaction(async (tx) => {
      await tx.audit.record(refusal('inside.tx'));
      // A service reading through the direct repositories from inside a transaction (settings, time zones).
      await store.direct.audit.record(refusal('inside.direct'));
    });
    // Not after the transaction's timeout (5 s): the write made from inside did not wait for its own transaction.
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(await database.prisma.auditLog.count({ where: { action: { in: ['inside.tx', 'inside.direct'] } } })).toBe(2);

    const nested = store.transaction(async () => store.transaction(async (tx) => tx.audit.record(refusal('inside.nested'))));
    await expect(nested).rejects.toMatchObject({ name: 'TransactionMisuseError', call: 'store.transaction' });
    await expect(nested).rejects.toThrow(/^store\.transaction was called inside a store\.transaction callback/);
    // A second store over the same client is the same connection: refused too.
    const sibling = createStore(database.prisma, provider);
    await expect(store.transaction(async () => sibling.transaction(async (tx) => tx.audit.record(refusal('inside.sibling'))))).rejects.toMatchObject({ call: 'store.transaction' });
    expect(performance.now() - started).toBeLessThan(4_000);
    expect(await database.prisma.auditLog.count({ where: { action: { in: ['inside.nested', 'inside.sibling'] } } })).toBe(0);
  });
});
