// Fresh databases for tests: a temporary SQLite file, or a new PostgreSQL database on 127.0.0.1:5432.
// Without PostgreSQL the PostgreSQL suites are skipped with a message, unless REQUIRE_POSTGRES=1.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { DatabaseProvider } from '../../src/store/schema-files.js';

export const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function probePostgres(): Promise<string | null> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return (error as Error).message || String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

const postgresProblem = await probePostgres();
const postgresRequired = process.env.REQUIRE_POSTGRES === '1';
if (postgresProblem && postgresRequired) {
  throw new Error(`REQUIRE_POSTGRES=1 but PostgreSQL at ${POSTGRES_ADMIN_URL} is unreachable: ${postgresProblem}`);
}
if (postgresProblem) {
  console.warn(`PostgreSQL suites skipped: ${POSTGRES_ADMIN_URL} is unreachable (${postgresProblem}). Set REQUIRE_POSTGRES=1 to fail instead.`);
}

/** The providers whose suites run on this machine. */
export const availableProviders: DatabaseProvider[] = postgresProblem ? ['sqlite'] : ['sqlite', 'postgres'];

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(provider: DatabaseProvider): Promise<TestDatabase> {
  if (provider === 'sqlite') {
    const folder = mkdtempSync(join(tmpdir(), 'firebreak-test-'));
    return { url: `file:${join(folder, 'firebreak.db')}`, drop: async () => rmSync(folder, { recursive: true, force: true }) };
  }
  const name = `firebreak_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
