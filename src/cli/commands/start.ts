import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { createLogger } from '../../logger.js';
import { startFirebreak } from '../../main.js';

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('Start Firebreak (Slack app, HTTP endpoints); applies pending migrations first unless MIGRATE_ON_START=false')
    .action(async () => {
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
