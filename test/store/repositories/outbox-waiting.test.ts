// Writes waiting for a channel Slack would not take them in (archived, the bot not in it) go back in
// their lanes when the channel can be used again: that channel's (and that team's) only, with the writes
// waiting on them in other lanes, and once, however many callers put them back at the same moment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueSlackWrite, outboxWaitingWith, pruneOutbox, releaseWaitingOutboxItems, stopWaitingOutboxItems } from '../../../src/store/repositories/outbox.js';
import { availableProviders } from '../../support/databases.js';
import { openMigratedDatabase, type MigratedDatabase } from './migrated-database.js';

const ARCHIVED = 'waiting_for_channel:is_archived';
const T0 = Date.UTC(2026, 11, 5, 9, 0, 0);

describe.each(availableProviders)('writes waiting for their channel, put back on %s', (provider) => {
  let database: MigratedDatabase;
  beforeAll(async () => {
    database = await openMigratedDatabase(provider);
  });
  afterAll(() => database.dispose());

  async function write(key: string, channel: string, teamId: string, lastError: string, dependsOn: { threadOf?: string } = {}, minute = 0) {
    await enqueueSlackWrite(database.prisma, { key, method: 'chat.postMessage', payload: { channel, text: key }, teamId, ...dependsOn, now: T0 + minute * 60_000 });
    await database.prisma.outboxItem.update({ where: { key }, data: { status: 'failed', lastError, attempts: 1 } });
  }
  const statusOf = async (key: string) => (await database.prisma.outboxItem.findUniqueOrThrow({ where: { key } })).status;

  it('puts back the channel’s waiting writes of its team and those waiting on them, once', async () => {
    await write('w:root', 'C0ALERTS1', 'T0AAA', ARCHIVED, {}, 0);
    await write('w:line', 'C0ALERTS1', 'T0AAA', ARCHIVED, { threadOf: 'w:root' }, 1);
    // In another lane, waiting on the root (its thread is in the archived channel).
    await write('w:elsewhere', 'C0OTHER01', 'T0AAA', ARCHIVED, { threadOf: 'w:root' }, 2);
    // Another channel, another team's same channel id, and a write that failed for good: left be.
    await write('x:root', 'C0OTHER01', 'T0AAA', 'waiting_for_channel:not_in_channel', {}, 3);
    await write('y:root', 'C0ALERTS1', 'T0BBB', ARCHIVED, {}, 4);
    await write('z:root', 'C0ALERTS1', 'T0AAA', 'msg_too_long', {}, 5);

    const at = T0 + 60 * 60_000;
    const [first, second] = await Promise.all([
      releaseWaitingOutboxItems(database.prisma, { channelId: 'C0ALERTS1', teamId: 'T0AAA' }, at),
      releaseWaitingOutboxItems(database.prisma, { channelId: 'C0ALERTS1', teamId: 'T0AAA' }, at),
    ]);
    expect([first, second].filter((keys) => keys.length > 0).map((keys) => [...keys].sort())).toEqual([['w:elsewhere', 'w:line', 'w:root']]);
    expect(await database.prisma.outboxItem.findUniqueOrThrow({ where: { key: 'w:root' } })).toMatchObject({ status: 'pending', lastError: null, attempts: 0, nextAttemptAt: new Date(at) });
    expect(await statusOf('x:root')).toBe('failed');
    expect(await statusOf('y:root')).toBe('failed');
    expect(await statusOf('z:root')).toBe('failed');

    // Without a channel (start-up): every waiting write, never one that failed for good.
    expect((await releaseWaitingOutboxItems(database.prisma, {}, at)).sort()).toEqual(['x:root', 'y:root']);
    expect(await statusOf('z:root')).toBe('failed');
  });

  it('an incident raised in another alerts channel closes its writes still waiting in the old one, so no release posts them there', async () => {
    await write('m:root', 'C0GONE001', 'T0AAA', ARCHIVED, {}, 10);
    await write('m:reminder', 'C0GONE001', 'T0AAA', ARCHIVED, { threadOf: 'm:root' }, 11);
    await write('n:root', 'C0GONE001', 'T0AAA', ARCHIVED, {}, 12);
    await database.prisma.outboxItem.updateMany({ where: { key: { in: ['m:root', 'm:reminder'] } }, data: { incidentId: 'incident-m' } });
    expect(await outboxWaitingWith(database.prisma, ['m:root', 'n:root', 'z:root', 'nope'])).toEqual(new Map([['m:root', ARCHIVED], ['n:root', ARCHIVED]]));
    expect(await stopWaitingOutboxItems(database.prisma, 'incident-m', 'moved_to_another_alerts_channel')).toBe(2);
    expect(await releaseWaitingOutboxItems(database.prisma, { channelId: 'C0GONE001' }, T0)).toEqual(['n:root']);
    expect(await database.prisma.outboxItem.findUniqueOrThrow({ where: { key: 'm:reminder' } })).toMatchObject({ status: 'failed', lastError: 'moved_to_another_alerts_channel' });
  });

  it('retention keeps writes still waiting for their channel (an alert not yet delivered); finished ones go', async () => {
    const day = 86_400_000;
    await write('p:waiting', 'C0GONE001', 'T0AAA', 'waiting_for_channel:channel_not_found');
    await write('p:failed', 'C0GONE001', 'T0AAA', 'msg_too_long');
    await database.prisma.outboxItem.updateMany({ where: { key: { startsWith: 'p:' } }, data: { createdAt: new Date(T0 - 40 * day) } });
    expect(await pruneOutbox(database.prisma, T0 - 30 * day)).toBe(1);
    expect(await database.prisma.outboxItem.findMany({ where: { key: { startsWith: 'p:' } }, select: { key: true } })).toEqual([{ key: 'p:waiting' }]);
  });
});
