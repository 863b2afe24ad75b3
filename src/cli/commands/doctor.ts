import { existsSync } from 'node:fs';
import type { Command } from 'commander';

export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('Check the live Slack configuration (token, scopes, alerts channel, watched channels, Socket Mode) and say what to fix, one line per problem')
    .action(async () => {
      const [{ loadConfig }, { runDoctor, manifestBotScopes }, { parseDatabaseUrl }, { openDatabase }, { createStore }] = await Promise.all([
        import('../../config.js'),
        import('../../slack/doctor.js'),
        import('../../store/database-url.js'),
        import('../../store/database.js'),
        import('../../store/store.js'),
      ]);
      const config = loadConfig();
      const out = (line: string) => process.stdout.write(`${line}\n`);
      if (!config.slack.botToken || !config.slack.signingSecret) {
        out('✗ Slack is not configured: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (without them `firebreak start` runs the local sandbox).');
        process.exitCode = 1;
        return;
      }
      // The channels Firebreak watches, when its database exists: the bot must be in each one.
      let watchedChannels: { id: string; name: string | null }[] = [];
      const target = parseDatabaseUrl(config.databaseUrl);
      if (!target.sqliteFile || existsSync(target.sqliteFile)) {
        const database = await openDatabase(target).catch(() => undefined);
        const rows = database ? await createStore(database.prisma, target.provider).direct.channels.active().catch(() => undefined) : undefined;
        watchedChannels = (rows ?? []).filter((row) => !row.channelId.includes(':')).map((row) => ({ id: row.channelId, name: row.name }));
        await database?.close();
      }
      const report = await runDoctor({
        botToken: config.slack.botToken,
        ...(config.slack.appToken ? { appToken: config.slack.appToken } : {}),
        ...(config.slack.apiUrl ? { apiUrl: config.slack.apiUrl } : {}),
        ...(config.alertsChannel ? { alertsChannel: config.alertsChannel } : {}),
        watchedChannels,
        requiredScopes: manifestBotScopes(),
      });
      for (const line of report.fine) out(`✓ ${line}`);
      for (const line of report.problems) out(`✗ ${line}`);
      out(report.problems.length === 0 ? `No problems found (${config.slack.appToken ? 'Socket Mode' : 'HTTP'} mode).` : `${report.problems.length} problem(s) to fix.`);
      process.exitCode = report.problems.length === 0 ? 0 : 1;
    });
}
