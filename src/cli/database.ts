// The DATABASE_URL database for commands that read what Firebreak recorded: opened as it is, never
// created or migrated (a missing SQLite file or an old schema is said plainly).
import { existsSync } from 'node:fs';
import type { Config } from '../config.js';
import type { Database } from '../store/database.js';

export async function openRecordedDatabase(): Promise<{ database: Database; config: Config }> {
  const [{ loadConfig }, { parseDatabaseUrl }, { openDatabase }, { FirebreakError }] = await Promise.all([
    import('../config.js'),
    import('../store/database-url.js'),
    import('../store/database.js'),
    import('../errors.js'),
  ]);
  const config = loadConfig();
  const target = parseDatabaseUrl(config.databaseUrl);
  if (target.sqliteFile && !existsSync(target.sqliteFile)) {
    throw new FirebreakError('not_found', `There is no database at ${target.sqliteFile} (DATABASE_URL): Firebreak has not recorded anything there yet.`);
  }
  const database = await openDatabase(target);
  if (!(await database.migrationsUpToDate())) {
    await database.close();
    throw new FirebreakError('migration_failed', 'The database (DATABASE_URL) is not up to date: run `firebreak migrate` first.');
  }
  return { database, config };
}
