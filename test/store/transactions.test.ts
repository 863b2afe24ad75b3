// The store's transactions against its writes made outside any, on both databases: such a write made
// while a transaction is open commits on its own (SQLite's one connection would otherwise run it inside
// the open transaction and roll it back with it), and the store refuses, at once and naming the call,
// a direct call or another transaction from inside a transaction's callback instead of hanging on it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/store.js';
import { TransactionMisuseError } from '../../src/store/transaction-scope.js';
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

  it('a direct call or another transaction inside a transaction callback is refused at once, naming the call; after it, direct calls work', async () => {
    const store = createStore(database.prisma, provider);
    const started = performance.now();
    const direct = store.transaction(async (tx) => {
      await tx.audit.record(refusal('inside.tx'));
      await store.direct.audit.record(refusal('inside.direct'));
    });
    await expect(direct).rejects.toThrow(TransactionMisuseError);
    await expect(direct).rejects.toThrow(/^store\.direct\.audit\.record was called inside a store\.transaction callback/);
    // Not after the transaction's timeout (5 s): the deadlock is reported, not waited out.
    expect(performance.now() - started).toBeLessThan(2_000);

    const nested = store.transaction(async () => store.transaction(async (tx) => tx.audit.record(refusal('inside.nested'))));
    await expect(nested).rejects.toMatchObject({ name: 'TransactionMisuseError', call: 'store.transaction' });
    // A second store over the same client is the same connection: refused too.
    const sibling = createStore(database.prisma, provider);
    await expect(store.transaction(async () => sibling.direct.incidents.teamOf('nope'))).rejects.toMatchObject({ call: 'store.direct.incidents.teamOf' });

    // The failed transactions wrote nothing; outside any callback the direct repositories work.
    expect(await database.prisma.auditLog.count({ where: { action: { startsWith: 'inside.' } } })).toBe(0);
    await store.direct.audit.record(refusal('after.tx'));
    expect(await database.prisma.auditLog.count({ where: { action: 'after.tx' } })).toBe(1);
  });
});
