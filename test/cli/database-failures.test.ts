// A command the database answers with an error (a table gone, the file locked by another writer) says so
// on one line — which command, which database, what the database said — and exits non-zero; never Prisma's
// multi-line report or a stack, which LOG_LEVEL=debug adds. The real `firebreak` over a real database.
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigratedDatabase, type MigratedDatabase } from '../store/repositories/migrated-database.js';
import { runCli, testEnvironment, type CliResult } from '../support/cli.js';
import { availableProviders } from '../support/databases.js';

/** Prisma's report and a stack: what a person must not have to read to know what went wrong. */
function expectOneClearLine(result: CliResult): string {
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  const lines = result.stderr.split('\n').filter((line) => line !== '');
  expect(lines, result.stderr).toHaveLength(1);
  expect(result.stderr).not.toMatch(/Invalid `|\n\s+at |PrismaClient|client\.js|Node\.js v/);
  return lines[0]!;
}

describe.each(availableProviders)('firebreak on a database that answers with an error (%s)', (provider) => {
  let db: MigratedDatabase;
  const firebreak = (args: string[], extra: Record<string, string> = {}) => runCli(args, { env: testEnvironment({ DATABASE_URL: db.url, ...extra }) });

  beforeAll(async () => {
    db = await openMigratedDatabase(provider);
    // Recorded by an older or damaged install: the migrations say up to date, the table is gone.
    await db.prisma.$executeRawUnsafe(`DROP TABLE "PostMortem"${provider === 'postgres' ? ' CASCADE' : ''}`);
  }, 60_000);
  afterAll(async () => {
    await db?.dispose();
  });

  const where = () => (provider === 'sqlite' ? `the SQLite database ${db.url.slice('file:'.length)} (DATABASE_URL)` : `the PostgreSQL database ${new URL(db.url).pathname.slice(1)} at 127.0.0.1:5432 (DATABASE_URL)`);

  it('a missing table is one line naming the command, the database and the table, exit 1', async () => {
    const line = expectOneClearLine(await firebreak(['postmortem', 'list']));
    expect(line.startsWith(`firebreak postmortem list failed: ${where()} answered with an error: The table `)).toBe(true);
    expect(line).toMatch(/PostMortem` does not exist in the current database\./);
    expect(line).toContain('[Prisma P2021]');
    expect(line).toContain('LOG_LEVEL=debug');
  }, 30_000);

  it('LOG_LEVEL=debug adds the details after that line: the stack and Prisma’s error code', async () => {
    const result = await firebreak(['postmortem', 'list'], { LOG_LEVEL: 'debug' });
    expect(result.code).toBe(1);
    const [first, ...rest] = result.stderr.split('\n');
    expect(first).toMatch(/^firebreak postmortem list failed: .* \[Prisma P2021\]$/);
    const details = rest.join('\n');
    expect(details).toMatch(/\n\s+at /);
    expect(details).toContain("code: 'P2021'");
  }, 30_000);
});

describe('firebreak on a SQLite database another process is writing', () => {
  let db: MigratedDatabase;
  beforeAll(async () => {
    db = await openMigratedDatabase('sqlite');
    await db.prisma.workspace.create({ data: { teamId: 'T0LOCKED' } });
  }, 60_000);
  afterAll(async () => {
    await db?.dispose();
  });

  it('a write that waits out the lock says the database is locked, on one line, exit 1', async () => {
    // A backup or a long transaction of `firebreak start` holds the write lock past what a write waits (5 s).
    const writer = new Sqlite(db.url.slice('file:'.length));
    writer.exec('BEGIN IMMEDIATE');
    let result: CliResult;
    try {
      result = await runCli(['lexicon', 'reset'], { env: testEnvironment({ DATABASE_URL: db.url }) });
    } finally {
      writer.exec('ROLLBACK');
      writer.close();
    }
    const line = expectOneClearLine(result);
    expect(line.startsWith(`firebreak lexicon reset failed: The SQLite database ${db.url.slice('file:'.length)} is locked by another process`)).toBe(true);
    expect(line).toContain('nothing was written');
    // Nothing was reset meanwhile: the same command works once the lock is gone.
    const again = await runCli(['lexicon', 'reset'], { env: testEnvironment({ DATABASE_URL: db.url }) });
    expect(again.stderr).not.toContain('failed');
  }, 40_000);
});
