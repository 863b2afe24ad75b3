import type { Command } from 'commander';

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('Start Firebreak (Slack app, HTTP endpoints); applies pending migrations first unless MIGRATE_ON_START=false')
    .action(async () => {
      // Imported when run, so other subcommands (and --help) do not pay for the server's modules.
      const [{ loadConfig }, { createLogger }, { startFirebreak }] = await Promise.all([
        import('../../config.js'),
        import('../../logger.js'),
        import('../../main.js'),
      ]);
      const config = loadConfig();
      const logger = createLogger(config.logLevel);
      const running = await startFirebreak(config, logger);
      await new Promise<void>((resolve) => {
        const shutdown = (signal: string) => {
          logger.info({ signal }, 'shutting down');
          void running.close().then(resolve, (error: unknown) => {
            logger.error({ err: error }, 'shutdown failed');
            resolve();
          });
        };
        process.once('SIGTERM', () => shutdown('SIGTERM'));
        process.once('SIGINT', () => shutdown('SIGINT'));
      });
    });
}
