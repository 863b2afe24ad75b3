import type { Command } from 'commander';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('Apply pending database migrations (like `prisma migrate deploy`, offline)')
    .option('--rolled-back <migration>', 'mark a half-applied migration as rolled back, after restoring the database')
    .action(async (options: { rolledBack?: string }) => {
      const [{ loadConfig }, { parseDatabaseUrl }, { prepareSqliteFile }, { applyPendingMigrations, markRolledBack }] = await Promise.all([
        import('../../config.js'),
        import('../../store/database-url.js'),
        import('../../store/database.js'),
        import('../../store/migrate.js'),
      ]);
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
