// A fresh, migrated database of either provider, opened through the app's own openDatabase.
import { openDatabase, type Database } from '../../../src/store/database.js';
import { parseDatabaseUrl } from '../../../src/store/database-url.js';
import { applyPendingMigrations } from '../../../src/store/migrate.js';
import type { DatabaseProvider } from '../../../src/store/schema-files.js';
import { createTestDatabase } from '../../support/databases.js';

export interface MigratedDatabase extends Database {
  url: string;
  /** Another client on the same database, as a second instance would have. */
  openAnother(): Promise<Database>;
  /** Closes every client opened here and drops the database. */
  dispose(): Promise<void>;
}

export async function openMigratedDatabase(provider: DatabaseProvider): Promise<MigratedDatabase> {
  const test = await createTestDatabase(provider);
  const target = parseDatabaseUrl(test.url);
  await applyPendingMigrations(target);
  const opened: Database[] = [];
  const open = async () => {
    const database = await openDatabase(target);
    opened.push(database);
    return database;
  };
  const main = await open();
  return Object.assign(main, {
    url: test.url,
    openAnother: open,
    dispose: async () => {
      await Promise.all(opened.map((database) => database.close().catch(() => undefined)));
      await test.drop();
    },
  });
}
