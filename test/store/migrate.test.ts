import { mkdtempSync, mkdirSync, readFileSync, readdirSync, writeFileSync, cpSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseDatabaseUrl } from '../../src/store/database-url.js';
import { applyPendingMigrations, databaseDrift, pendingSchemaChanges } from '../../src/store/migrate.js';
import { migrationsDir, providers, readModels, renderProviderSchema, schemaPath } from '../../src/store/schema-files.js';
import { availableProviders, createTestDatabase, type TestDatabase } from '../support/databases.js';

describe('provider schemas', () => {
  it.each(providers)('%s schema is generated from prisma/models.prisma and has not drifted', (provider) => {
    expect(readFileSync(schemaPath(provider), 'utf8')).toBe(renderProviderSchema(provider, readModels()));
  });

  it('both providers have the same migration history', () => {
    const names = providers.map((provider) => readdirSync(migrationsDir(provider)).filter((name) => /^\d{14}_/.test(name)));
    expect(names[0]).toEqual(names[1]);
  });
});

describe.each(availableProviders)('migrations on %s', (provider) => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.drop();
    database = undefined;
  });

  it('the committed migrations produce exactly the schema (empty diff)', async () => {
    database = await createTestDatabase(provider);
    const target = parseDatabaseUrl(database.url);
    expect(await pendingSchemaChanges(target)).toBe('');
  });

  it('applies every migration once, records it, and leaves no drift from the schema', async () => {
    database = await createTestDatabase(provider);
    const target = parseDatabaseUrl(database.url);
    const first = await applyPendingMigrations(target);
    expect(first.applied.length).toBe(readdirSync(migrationsDir(provider)).filter((name) => /^\d{14}_/.test(name)).length);
    expect((await applyPendingMigrations(target)).applied).toEqual([]);
    expect(await databaseDrift(target)).toBe('');
  });
});

describe.each(availableProviders)('migrating a database in use on %s: a failed migration, and one that changes data', (provider) => {
  let database: TestDatabase | undefined;
  let folder: string | undefined;
  afterEach(async () => {
    await database?.drop();
    if (folder) rmSync(folder, { recursive: true, force: true });
    database = undefined;
  });

  /** A fresh database as the previous version left it: every migration before `migration` applied. */
  async function databaseBefore(migration: string): Promise<ReturnType<typeof parseDatabaseUrl>> {
    database = await createTestDatabase(provider);
    const target = parseDatabaseUrl(database.url);
    folder = mkdtempSync(join(tmpdir(), 'firebreak-migrations-'));
    cpSync(migrationsDir(provider), folder, { recursive: true });
    rmSync(join(folder, migration), { recursive: true });
    await applyPendingMigrations(target, { migrationsDir: folder });
    return target;
  }

  function migrationsWith(extra: Record<string, string>): string {
    folder = mkdtempSync(join(tmpdir(), 'firebreak-migrations-'));
    cpSync(migrationsDir(provider), folder, { recursive: true });
    for (const [name, sql] of Object.entries(extra)) {
      mkdirSync(join(folder, name));
      writeFileSync(join(folder, name, 'migration.sql'), sql);
    }
    return folder;
  }

  async function tableExists(url: string, table: string): Promise<boolean> {
    const { openDatabase } = await import('../../src/store/database.js');
    const opened = await openDatabase(parseDatabaseUrl(url));
    try {
      const sql =
        provider === 'sqlite'
          ? `SELECT name FROM sqlite_master WHERE type = 'table' AND name = '${table}'`
          : `SELECT table_name AS name FROM information_schema.tables WHERE table_name = '${table}'`;
      return (await opened.prisma.$queryRawUnsafe<unknown[]>(sql)).length > 0;
    } finally {
      await opened.close();
    }
  }

  it('is rolled back, named with its file, and can be retried once fixed', async () => {
    database = await createTestDatabase(provider);
    const target = parseDatabaseUrl(database.url);
    const broken = migrationsWith({
      '29990101000000_broken': 'CREATE TABLE "HalfDone" ("id" INTEGER NOT NULL);\nINSERT INTO "NoSuchTable" VALUES (1);\n',
    });
    await expect(applyPendingMigrations(target, { migrationsDir: broken })).rejects.toThrow(
      /Migration 29990101000000_broken failed and was rolled back \(.*29990101000000_broken\/migration\.sql\)/,
    );
    // The earlier migrations stay applied; the broken one left nothing behind.
    expect(await tableExists(database.url, 'Incident')).toBe(true);
    expect(await tableExists(database.url, 'HalfDone')).toBe(false);

    writeFileSync(join(broken, '29990101000000_broken', 'migration.sql'), 'CREATE TABLE "HalfDone" ("id" INTEGER NOT NULL);\n');
    expect((await applyPendingMigrations(target, { migrationsDir: broken })).applied).toEqual(['29990101000000_broken']);
    expect(await tableExists(database.url, 'HalfDone')).toBe(true);
  });

  it('a half-applied earlier migration is reported, not retried', async () => {
    database = await createTestDatabase(provider);
    const target = parseDatabaseUrl(database.url);
    await applyPendingMigrations(target);
    const pending = migrationsWith({ '29990101000000_next': 'CREATE TABLE "Later" ("id" INTEGER NOT NULL);\n' });
    // What a crash in the middle of a migration leaves: started, never finished, never rolled back.
    const { openDatabase } = await import('../../src/store/database.js');
    const opened = await openDatabase(target);
    await opened.prisma.$executeRawUnsafe(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ('crashed', 'x', '29990101000000_next', CURRENT_TIMESTAMP, 0)`,
    );
    await opened.close();
    await expect(applyPendingMigrations(target, { migrationsDir: pending })).rejects.toThrow(/half-applied/);
    expect(await tableExists(database.url, 'Later')).toBe(false);
  });

  it('makes a channel /firebreak unwatch stopped the command’s, so a playbook naming it never resumes it; watched ones stay the playbooks’', async () => {
    const MIGRATION = '20261205010000_unwatched_by_command';
    const target = await databaseBefore(MIGRATION);
    const { openDatabase } = await import('../../src/store/database.js');
    const before = await openDatabase(target);
    try {
      const workspace = await before.prisma.workspace.create({ data: { teamId: 'T0MIGRATE' } });
      for (const [channelId, active, watchedBy] of [['C0UNWATCHED', false, 'playbook'], ['C0WATCHED', true, 'playbook'], ['C0COMMAND', true, 'command']] as const) {
        await before.prisma.watchedChannel.create({ data: { workspaceId: workspace.id, channelId, active, watchedBy } });
      }
    } finally {
      await before.close();
    }
    // SQLite runs one Firebreak at a time: the migration runs with the database closed, as at an upgrade.
    expect((await applyPendingMigrations(target)).applied).toEqual([MIGRATION]);
    const after = await openDatabase(target);
    try {
      const rows = await after.prisma.watchedChannel.findMany({ orderBy: { channelId: 'asc' }, select: { channelId: true, active: true, watchedBy: true } });
      expect(rows).toEqual([
        { channelId: 'C0COMMAND', active: true, watchedBy: 'command' },
        { channelId: 'C0UNWATCHED', active: false, watchedBy: 'command' },
        { channelId: 'C0WATCHED', active: true, watchedBy: 'playbook' },
      ]);
    } finally {
      await after.close();
    }
  });

  it('decodes the Slack escapes a declared incident was stored with, as typed; a detected one and a typed entity stay', async () => {
    const MIGRATION = '20261206220000_declared_summary_as_typed';
    const target = await databaseBefore(MIGRATION);
    const { openDatabase } = await import('../../src/store/database.js');
    const before = await openDatabase(target);
    // As /firebreak declare stored `Checkout <500> & "&lt;" on #support` before: Slack-escaped.
    const escaped = 'Checkout &lt;500&gt; &amp; "&amp;lt;" on <#C0SUPPORT|support>';
    try {
      const workspace = await before.prisma.workspace.create({ data: { teamId: 'T0MIGRATE' } });
      const incident = (id: string, number: number, title: string, detection: object) => ({
        id, workspaceId: workspace.id, number, channelId: 'C0SUPPORT', status: 'open', severity: 'sev2', playbookId: 'p', playbookHash: 'h', title, locale: 'en', alertChannelId: 'C0ALERTS', detection, openedAt: new Date(), detectedAt: new Date(),
      });
      await before.prisma.incident.create({ data: incident('declared', 1, escaped, { source: 'declared', declaredBy: 'U0ANN', summary: escaped }) });
      await before.prisma.incident.create({ data: incident('detected', 2, '#support', { source: 'detector', samples: [{ text: 'a &amp; b' }] }) });
    } finally {
      await before.close();
    }
    expect((await applyPendingMigrations(target)).applied).toEqual([MIGRATION]);
    const after = await openDatabase(target);
    try {
      const rows = await after.prisma.incident.findMany({ orderBy: { number: 'asc' }, select: { title: true, detection: true } });
      const typed = 'Checkout <500> & "&lt;" on <#C0SUPPORT|support>';
      expect(rows).toEqual([
        { title: typed, detection: { source: 'declared', declaredBy: 'U0ANN', summary: typed } },
        { title: '#support', detection: { source: 'detector', samples: [{ text: 'a &amp; b' }] } },
      ]);
    } finally {
      await after.close();
    }
  });
});
