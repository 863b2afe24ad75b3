import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { Config } from '../../config.js';
import type { WatchedChannels } from '../../app/ports/index.js';

/**
 * The doctor's side of the alerts-channel trust rule: the app's own check (app/alerts-channel.ts) on
 * the database's watched rows (none without a database) and the playbooks of PLAYBOOKS_DIR.
 */
async function watchedCheck(config: Config, channels: Pick<WatchedChannels, 'find' | 'findByChannelId' | 'findByName'> | undefined, workspaceId?: string) {
  const [{ alertsChannelGuard }, { loadPlaybooks }] = await Promise.all([import('../../app/alerts-channel.js'), import('../../domain/playbooks/load.js')]);
  const { playbooks } = await loadPlaybooks(config.playbooksDir).catch(() => ({ playbooks: [] }));
  const none = { find: async () => null, findByChannelId: async () => null, findByName: async () => null };
  return {
    playbookAlertsChannels: playbooks.flatMap((playbook) => (playbook.alertsChannel ? [{ playbookId: playbook.id, channel: playbook.alertsChannel }] : [])),
    isWatched: async (channel: { id: string; name: string | null }) =>
      Boolean(await alertsChannelGuard({ channels: channels ?? none, playbooks: () => playbooks, channelName: async () => channel.name }).refusal(channel.id, workspaceId)),
  };
}

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
      if (config.slack.oauth) {
        process.exitCode = await oauthDoctor(config, out);
        return;
      }
      if (!config.slack.botToken || !config.slack.signingSecret) {
        out('✗ Slack is not configured: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (without them `firebreak start` runs the local sandbox).');
        process.exitCode = 1;
        return;
      }
      // The channels Firebreak watches, when its database exists: the bot must be in each one.
      let watchedChannels: { id: string; name: string | null }[] = [];
      const target = parseDatabaseUrl(config.databaseUrl);
      const database = !target.sqliteFile || existsSync(target.sqliteFile) ? await openDatabase(target).catch(() => undefined) : undefined;
      const channels = database ? createStore(database.prisma, target.provider).direct.channels : undefined;
      const rows = channels ? await channels.active().catch(() => undefined) : undefined;
      watchedChannels = (rows ?? []).filter((row) => !row.channelId.includes(':')).map((row) => ({ id: row.channelId, name: row.name }));
      const report = await runDoctor({
        botToken: config.slack.botToken,
        ...(config.slack.appToken ? { appToken: config.slack.appToken } : {}),
        ...(config.slack.apiUrl ? { apiUrl: config.slack.apiUrl } : {}),
        ...(config.alertsChannel ? { alertsChannel: config.alertsChannel } : {}),
        watchedChannels,
        requiredScopes: manifestBotScopes(),
        ...(await watchedCheck(config, channels)),
      }).finally(() => database?.close());
      for (const line of report.fine) out(`✓ ${line}`);
      for (const line of report.problems) out(`✗ ${line}`);
      out(report.problems.length === 0 ? `No problems found (${config.slack.appToken ? 'Socket Mode' : 'HTTP'} mode).` : `${report.problems.length} problem(s) to fix.`);
      process.exitCode = report.problems.length === 0 ? 0 : 1;
    });
}

/** OAuth installs: the same checks for every installed workspace, with its stored token and settings. */
async function oauthDoctor(config: Config, out: (line: string) => void): Promise<number> {
  const [{ runDoctor, manifestBotScopes }, { openRecordedDatabase }, { createStore }, { createTokenCipher }] = await Promise.all([
    import('../../slack/doctor.js'),
    import('../database.js'),
    import('../../store/store.js'),
    import('../../store/token-cipher.js'),
  ]);
  const { database } = await openRecordedDatabase();
  const problems: string[] = [];
  const fine: string[] = [];
  try {
    const store = createStore(database.prisma, database.target.provider, createTokenCipher(config.tokenEncryptionKeys));
    const teams = await store.direct.installations.installedTeams();
    if (teams.length === 0) problems.push('no workspace has installed Firebreak yet: open /slack/install on this server in a browser and click Add to Slack.');
    const active = await store.direct.channels.active();
    for (const team of teams) {
      const label = `${team.teamName ?? team.teamId} (${team.teamId})`;
      const installation = await store.direct.installations.find(team.teamId).catch((error: unknown) => {
        problems.push(`${label}: ${error instanceof Error ? error.message : String(error)}`);
        return null;
      });
      if (!installation) continue;
      const workspaceId = await store.direct.workspaces.idForTeam(team.teamId);
      const settings = await store.direct.installations.settings(workspaceId);
      const alertsChannel = settings.alertsChannel ?? config.alertsChannel;
      const report = await runDoctor({
        botToken: installation.botToken,
        workspace: label,
        ...(config.slack.apiUrl ? { apiUrl: config.slack.apiUrl } : {}),
        ...(alertsChannel ? { alertsChannel } : {}),
        watchedChannels: active.filter((row) => row.workspaceId === workspaceId && !row.channelId.includes(':')).map((row) => ({ id: row.channelId, name: row.name })),
        requiredScopes: manifestBotScopes(),
        ...(await watchedCheck(config, store.direct.channels, workspaceId)),
      });
      problems.push(...report.problems);
      fine.push(...report.fine);
    }
  } finally {
    await database.close();
  }
  for (const line of fine) out(`✓ ${line}`);
  for (const line of problems) out(`✗ ${line}`);
  out(problems.length === 0 ? 'No problems found (OAuth installs).' : `${problems.length} problem(s) to fix.`);
  return problems.length === 0 ? 0 : 1;
}
