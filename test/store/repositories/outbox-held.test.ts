import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueSlackWrite, heldOutboxItems, releaseHeldOutboxItems, takeFailedOutboxItems } from '../../../src/store/repositories/outbox.js';
import { availableProviders } from '../../support/databases.js';
import { openMigratedDatabase, type MigratedDatabase } from './migrated-database.js';

const HELD = 'held:alerts_channel_watched';
const T0 = Date.UTC(2026, 11, 4, 9, 0, 0);

describe.each(availableProviders)('writes held while an alerts channel was watched, put back on %s', (provider) => {
  let database: MigratedDatabase;
  beforeAll(async () => {
    database = await openMigratedDatabase(provider);
  });
  afterAll(() => database.dispose());

  /** One write at minute `minute`, left as `status` (with `lastError`). */
  async function write(key: string, minute: number, outcome: { status: string; lastError?: string }, dependsOn: { threadOf?: string; messageOf?: string } = {}) {
    await enqueueSlackWrite(database.prisma, { key, method: dependsOn.messageOf ? 'chat.update' : 'chat.postMessage', payload: { channel: 'C0ALERTS', text: key }, ...dependsOn, now: T0 + minute * 60_000 });
    await database.prisma.outboxItem.update({ where: { key }, data: { status: outcome.status, lastError: outcome.lastError ?? null, attempts: 1 } });
  }
  const statusOf = async (key: string) => (await database.prisma.outboxItem.findUniqueOrThrow({ where: { key } })).status;

  it('thread lines go back in their order; of a message’s held edits only the newest, and none once a later edit was sent', async () => {
    await write('a:root', 0, { status: 'sent' });
    await write('a:line1', 1, { status: 'failed', lastError: HELD }, { threadOf: 'a:root' });
    await write('a:root:v2', 2, { status: 'failed', lastError: HELD }, { messageOf: 'a:root' });
    await write('a:line2', 3, { status: 'failed', lastError: HELD }, { threadOf: 'a:root' });
    await write('a:root:v3', 4, { status: 'failed', lastError: HELD }, { messageOf: 'a:root' });
    // Another root whose newest edit was sent after its channel became safe: its held edit is stale.
    await write('b:root', 0, { status: 'sent' });
    await write('b:root:v2', 0.5, { status: 'failed', lastError: HELD }, { messageOf: 'b:root' });
    await write('b:root:v3', 5, { status: 'sent' }, { messageOf: 'b:root' });
    // Held for another reason: never touched.
    await write('c:line', 2, { status: 'failed', lastError: 'channel_not_found' }, { threadOf: 'a:root' });

    const held = await heldOutboxItems(database.prisma, HELD, 100);
    expect(held.map((item) => item.key)).toEqual(['b:root:v2', 'a:line1', 'a:root:v2', 'a:line2', 'a:root:v3']);
    const released = await releaseHeldOutboxItems(database.prisma, [...held.map((item) => item.key), 'c:line'], HELD, T0 + 60 * 60_000);
    expect(released.sort()).toEqual(['a:line1', 'a:line2', 'a:root:v3']);
    expect(await statusOf('a:root:v2')).toBe('failed');
    expect(await statusOf('b:root:v2')).toBe('failed');
    expect(await statusOf('c:line')).toBe('failed');
    const back = await database.prisma.outboxItem.findUniqueOrThrow({ where: { key: 'a:line1' } });
    expect(back).toMatchObject({ status: 'pending', lastError: null, attempts: 0, nextAttemptAt: new Date(T0 + 60 * 60_000) });
    // Once: a second call finds nothing left to put back.
    expect(await releaseHeldOutboxItems(database.prisma, held.map((item) => item.key), HELD, T0 + 61 * 60_000)).toEqual([]);
  });

  it('a message put back takes along its newest edit, which failed only because the message was held', async () => {
    await write('d:root', 0, { status: 'sent' });
    await write('d:checklist', 1, { status: 'failed', lastError: HELD }, { threadOf: 'd:root' });
    await write('d:checklist:v2', 2, { status: 'failed', lastError: 'dependency_failed' }, { messageOf: 'd:checklist' });
    await write('d:checklist:v3', 3, { status: 'failed', lastError: 'dependency_failed' }, { messageOf: 'd:checklist' });
    expect((await releaseHeldOutboxItems(database.prisma, ['d:checklist'], HELD, T0)).sort()).toEqual(['d:checklist', 'd:checklist:v3']);
    expect(await statusOf('d:checklist:v2')).toBe('failed');
  });

  it('writes an uninstall stopped are taken once by two callers at the same time: the post goes back (still uncertain), the edits are closed', async () => {
    const STOPPED = 'workspace_uninstalled:app_uninstalled';
    await write('e:root', 0, { status: 'sent' });
    await write('e:card', 1, { status: 'failed', lastError: STOPPED }, { threadOf: 'e:root' });
    await database.prisma.outboxItem.update({ where: { key: 'e:card' }, data: { uncertain: true } });
    await write('e:root:v2', 2, { status: 'failed', lastError: STOPPED }, { messageOf: 'e:root' });
    await write('e:line', 3, { status: 'failed', lastError: STOPPED }, { threadOf: 'e:root' });
    await write('e:other', 4, { status: 'failed', lastError: 'channel_not_found' }, { threadOf: 'e:root' });
    const keys = ['e:card', 'e:root:v2', 'e:line', 'e:other'];
    const take = () => database.prisma.$transaction((tx) => takeFailedOutboxItems(tx as never, keys, [STOPPED], { resend: ['e:card'], closedAs: 'redrawn_after_reinstall', now: T0 + 60_000 }));
    const taken = await Promise.all([take(), take()]);
    expect(taken.sort()).toEqual([0, 3]);
    expect(await database.prisma.outboxItem.findUniqueOrThrow({ where: { key: 'e:card' } })).toMatchObject({ status: 'pending', lastError: null, uncertain: true, attempts: 0 });
    for (const key of ['e:root:v2', 'e:line']) expect(await database.prisma.outboxItem.findUniqueOrThrow({ where: { key } })).toMatchObject({ status: 'failed', lastError: 'redrawn_after_reinstall' });
    expect(await database.prisma.outboxItem.findUniqueOrThrow({ where: { key: 'e:other' } })).toMatchObject({ status: 'failed', lastError: 'channel_not_found' });
    expect(await take()).toBe(0);
  });
});
