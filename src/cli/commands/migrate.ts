import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { parseDatabaseUrl } from '../../store/database-url.js';
import { prepareSqliteFile } from '../../store/database.js';
import { applyPendingMigrations, markRolledBack } from '../../store/migrate.js';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('Apply pending database migrations (like `prisma migrate deploy`, offline)')
    .option('--rolled-back <migration>', 'mark a half-applied migration as rolled back, after restoring the database')
    .action(async (options: { rolledBack?: string }) => {
      const target = parseDatabaseUrl(loadConfig().databaseUrl);
      prepareSqliteFile(target);
      if (options.rolledBack) {
        await markRolledBack(target, options.rolledBack);
        process.stdout.write(`Marked ${options.rolledBack} as rolled back.\n`);
        return;
      }
      const { applied } = await applyPendingMigrations(target);
      process.stdout.write(applied.length ? `Applied ${applied.length} migration(s): ${applied.join(', ')}\n` : 'Database is up to date.\n');
    });
}
