import { afterEach, describe, expect, it } from 'vitest';
import { digestInput } from '../../src/app/digest.js';
import { digestMessage } from '../../src/slack/blocks/digest.js';
import { ManualClock } from '../../src/domain/clock.js';
import { aggregateMetrics } from '../../src/domain/incidents/index.js';
import { checkMessageLimits } from '../../src/slack/blocks/limits.js';
import { openDatabase, type Database } from '../../src/store/database.js';
import { parseDatabaseUrl } from '../../src/store/database-url.js';
import { applyPendingMigrations } from '../../src/store/migrate.js';
import { repositoriesOn } from '../../src/store/store.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';

describe('weekly digest', () => {
  let test: TestDatabase | undefined;
  let database: Database | undefined;
  afterEach(async () => {
    await database?.close();
    await test?.drop();
  });

  it('reports each watched channel against its usual negative share, the period metrics and what is still open', async () => {
    test = await createTestDatabase('sqlite');
    const target = parseDatabaseUrl(test.url);
    await applyPendingMigrations(target);
    database = await openDatabase(target);
    const { prisma } = database;
    const now = Date.UTC(2026, 10, 23, 9, 0);
    const workspace = await prisma.workspace.create({ data: { teamId: 'T1' } });
    const channel = await prisma.watchedChannel.create({
      data: { workspaceId: workspace.id, channelId: 'C1', name: 'support', detectorState: { version: 1, bucketsSeen: 500, negativeShare: 0.1 } },
    });
    for (const [hoursAgo, messages, negatives] of [[30, 100, 10], [5, 50, 25], [24 * 9, 1000, 900]] as const) {
      await prisma.channelBucket.create({ data: { channelRef: channel.id, start: new Date(now - hoursAgo * 3_600_000), data: {}, messages, negatives } });
    }
    const input = await digestInput(repositoriesOn(prisma), { clock: new ManualClock(now), locale: 'en', periodDays: 7, aggregate: async (period) => aggregateMetrics([], period) });
    // The bucket nine days ago is outside the week.
    expect(input.channels).toEqual([{ name: 'support', messages: 150, negatives: 35, usualShare: 0.1 }]);
    const digest = digestMessage(input);
    expect(checkMessageLimits(digest)).toEqual([]);
    const text = JSON.stringify(digest.blocks);
    expect(text).toContain('#support*: 150 messages, 23.3 % negative (usual 10 %)');
    expect(text).toContain('0 open incidents');
    expect(JSON.stringify(digestMessage({ ...input, locale: 'es' }).blocks)).toContain('150 mensajes, 23,3 % negativos (habitual 10 %)');
  });
});
