// Whether the database has every migration this version ships, read with one plain query: kept apart
// from migrate.ts so commands that only read (and an up-to-date start-up) load neither the Wasm
// schema engine nor the other provider's driver.
import { existsSync, readdirSync } from 'node:fs';
import type { DatabaseTarget } from './database-url.js';
import { migrationsDir } from './schema-files.js';

/**
 * True when `_prisma_migrations` already records every migration as finished and none as failed,
 * read with a plain query so an up-to-date start-up does not load the Wasm engine at all.
 */
export async function migrationsUpToDate(target: DatabaseTarget, query: (sql: string) => Promise<unknown[]>): Promise<boolean> {
  const baseDir = migrationsDir(target.provider);
  const expected = existsSync(baseDir) ? readdirSync(baseDir, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name) : [];
  let rows: { migration_name: string; finished: unknown; rolled_back: unknown }[];
  try {
    rows = (await query(
      'SELECT migration_name, finished_at AS finished, rolled_back_at AS rolled_back FROM "_prisma_migrations"',
    )) as typeof rows;
  } catch {
    return false; // no history table yet
  }
  if (rows.some((row) => row.finished === null && row.rolled_back === null)) return false;
  const finished = new Set(rows.filter((row) => row.finished !== null && row.rolled_back === null).map((row) => row.migration_name));
  return expected.every((name) => finished.has(name));
}

