// Requests acknowledged before their listener finished, on both databases: only a gone instance's are
// told (never one still running, here or on another machine, until it is old); each is told once even
// when two instances start together; one whose listener finished leaves nothing; nothing of Slack's
// payload is kept.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnfinishedRequestService, unfinishedNoticeKey, type UnfinishedRequestInput } from '../../src/app/unfinished-requests.js';
import type { Locale } from '../../src/i18n/index.js';
import { createStore } from '../../src/store/store.js';
import { availableProviders } from '../support/databases.js';
import { openMigratedDatabase, type MigratedDatabase } from '../store/repositories/migrated-database.js';

const logger = pino({ level: 'silent' });
const MINUTE = 60_000;
const click = (userId: string | null): UnfinishedRequestInput => ({ kind: 'action', action: 'incident.acknowledge', teamId: 'T1', userId, channelId: 'C1', incidentIds: ['no-such-incident'] });

describe.each(availableProviders)('unfinished requests on %s', (provider) => {
  let database: MigratedDatabase;
  beforeAll(async () => {
    database = await openMigratedDatabase(provider);
  });
  afterAll(() => database.dispose());

  const clock = { at: Date.UTC(2026, 11, 6, 14, 3), now: () => clock.at };
  const languages: Record<string, Locale> = { U_ES: 'es' };
  const serviceOf = (instanceId: string, gone: string[] = []) =>
    new UnfinishedRequestService({
      store: createStore(database.prisma, provider),
      clock,
      logger,
      instanceId,
      claimantAlive: (id) => !gone.includes(id),
      languageOf: async (_teamId, userId) => languages[userId] ?? 'en',
      views: { notice: (locale, request, number) => `${locale}:${request.action}:${number ?? '-'}` },
    });
  const rows = () => database.prisma.quarantinedMessage.findMany({ where: { reason: { startsWith: 'interaction_unfinished' } }, orderBy: { at: 'asc' } });
  const notices = () => database.prisma.outboxItem.findMany({ where: { key: { startsWith: 'unfinished:' } } });

  it('tells a gone instance’s requests once, in the person’s language; leaves a running one’s alone until it is old', async () => {
    await database.prisma.quarantinedMessage.deleteMany();
    await database.prisma.outboxItem.deleteMany();
    const gone = await serviceOf('host:1:gone').keep(click('U_ES'));
    const running = await serviceOf('other-host:2:live').keep(click('U_EN'));
    const mine = serviceOf('host:3:me', ['host:1:gone']);
    const own = await mine.keep(click('U_OWN'));
    const orphan = await serviceOf('host:1:gone').keep(click(null));

    // Two instances starting together: each request is told by one of them.
    const told = await Promise.all([mine.tellLeftBehind(), serviceOf('host:4:too', ['host:1:gone']).tellLeftBehind()]);
    expect(told[0] + told[1]).toBe(2);
    const sent = await notices();
    expect(sent.map((item) => item.key)).toEqual([unfinishedNoticeKey(gone)]);
    expect(sent[0]!.payload).toMatchObject({ args: { channel: 'U_ES', text: 'es:incident.acknowledge:-' } });
    expect(sent[0]!.teamId).toBe('T1');
    const byId = new Map((await rows()).map((row) => [row.id, row.reason]));
    expect(byId.get(gone)).toBe('interaction_unfinished_told');
    // Nobody to tell: marked, and App Home still lists it.
    expect(byId.get(orphan)).toBe('interaction_unfinished_told');
    expect(byId.get(running)).toBe('interaction_unfinished');
    expect(byId.get(own)).toBe('interaction_unfinished');

    // Started again: told once.
    expect(await serviceOf('host:5:again', ['host:1:gone']).tellLeftBehind()).toBe(0);
    // Another machine's instance is taken for gone once its request is five minutes old; never the teller's own.
    clock.at += 5 * MINUTE;
    expect(await mine.tellLeftBehind()).toBe(1);
    expect((await notices()).map((item) => item.key).sort()).toEqual([unfinishedNoticeKey(gone), unfinishedNoticeKey(running)].sort());
    expect(new Map((await rows()).map((row) => [row.id, row.reason])).get(own)).toBe('interaction_unfinished');
  });

  it('a finished request leaves nothing; a told one stays listed', async () => {
    await database.prisma.quarantinedMessage.deleteMany();
    const service = serviceOf('host:6:me', ['host:7:gone']);
    const finished = await service.keep(click('U1'));
    await service.finished(finished);
    expect(await rows()).toHaveLength(0);

    const told = await serviceOf('host:7:gone').keep(click('U1'));
    await service.tellLeftBehind();
    await service.finished(told);
    expect((await rows()).map((row) => row.reason)).toEqual(['interaction_unfinished_told']);
    expect((await rows())[0]!.payload).toBe(JSON.stringify({ kind: 'action', action: 'incident.acknowledge', teamId: 'T1', userId: 'U1', incidentIds: ['no-such-incident'], instanceId: 'host:7:gone' }));
  });

  it('one that failed after its ack tells its person why, once, and stays listed', async () => {
    await database.prisma.quarantinedMessage.deleteMany();
    await database.prisma.outboxItem.deleteMany();
    const service = serviceOf('host:8:me');
    const id = await service.keep(click('U1'));
    await service.failed(id, { teamId: 'T1', userId: 'U1' }, 'it failed');
    await service.failed(id, { teamId: 'T1', userId: 'U1' }, 'it failed again');
    const sent = await notices();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.payload).toMatchObject({ args: { channel: 'U1', text: 'it failed' } });
    expect((await rows()).map((row) => row.reason)).toEqual(['interaction_unfinished_told']);
    expect(await serviceOf('host:9:next', ['host:8:me']).tellLeftBehind()).toBe(0);
  });
});
