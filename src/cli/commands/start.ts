import type { Command } from 'commander';

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('Start Firebreak (Slack app, HTTP endpoints); applies pending migrations first unless MIGRATE_ON_START=false')
    .action(async () => {
      // Signals are handled before anything starts: a stop asked for during start-up is honoured as
      // soon as start-up ends (which never waits for Slack), and a second signal exits at once.
      let stopRequested: ((signal: string) => void) | undefined;
      const stop = new Promise<string>((resolve) => (stopRequested = resolve));
      let signals = 0;
      const onSignal = (signal: NodeJS.Signals) => {
        signals += 1;
        if (signals > 1) process.exit(signal === 'SIGINT' ? 130 : 143);
        stopRequested?.(signal);
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
      // Imported when run, so other subcommands (and --help) do not pay for the server's modules.
      const [{ loadConfig }, { createLogger }, { startFirebreak }, { installProcessGuards }] = await Promise.all([
        import('../../config.js'),
        import('../../logger.js'),
        import('../../main.js'),
        import('../../process-guards.js'),
      ]);
      const config = loadConfig();
      const logger = createLogger(config.logLevel);
      const guards = installProcessGuards(logger);
      const running = await startFirebreak(config, logger);
      guards.countWith(running.metrics.processErrors);
      guards.onFatal(() => running.close());
      const signal = await stop;
      logger.info({ signal }, 'shutting down');
      await running.close().catch((error: unknown) => logger.error({ err: error }, 'shutdown failed'));
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    });
}
