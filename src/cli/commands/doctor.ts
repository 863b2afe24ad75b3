import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { Config } from '../../config.js';
import type { NamedChannels, WatchedChannels } from '../../app/ports/index.js';
import type { Playbook } from '../../domain/playbooks/index.js';

/**
 * What a team meets first with its own playbooks: files Firebreak would not load, each at its
 * file:line:column as `firebreak playbooks validate` says it (problems).
 */
async function playbookFileProblems(config: Config): Promise<{ playbooks: Playbook[]; problems: string[] }> {
  const [{ loadPlaybooks }, { formatProblem }] = await Promise.all([import('../../domain/playbooks/load.js'), import('../../domain/playbooks/index.js')]);
  const loaded = await loadPlaybooks(config.playbooksDir);
  return { playbooks: loaded.playbooks, problems: loaded.problems.map((problem) => `PLAYBOOKS_DIR: ${formatProblem(problem)}`) };
}

/**
 * Channels, users and user groups the playbooks serving a workspace name that it does not have,
 * asked of Slack with its bot token (warnings, as at start-up: the playbook runs, but an approver who
 * does not exist never approves).
 */
async function playbookReferenceWarnings(config: Config, playbooks: readonly Playbook[], botToken: string, teamId: string, workspace?: string): Promise<string[]> {
  const [{ checkPlaybookReferences, formatProblem }, { playbooksOfTeam }, { slackDirectory }, { systemClock }, { WebClient }] = await Promise.all([
    import('../../domain/playbooks/index.js'),
    import('../../domain/playbooks/watching.js'),
    import('../../app/directory.js'),
    import('../../domain/clock.js'),
    import('@slack/web-api'),
  ]);
  const client = new WebClient(botToken, { ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}), retryConfig: { retries: 0 } });
  const directory = slackDirectory(client, systemClock);
  const prefix = `${workspace ? `${workspace}: ` : ''}PLAYBOOKS_DIR: `;
  // A channel or group Slack did not answer about is not reported missing, but said to be unchecked, with why.
  const unchecked: string[] = [];
  const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));
  const missing = await checkPlaybookReferences(playbooksOfTeam(playbooks, teamId), {
    channelExists: (ref) =>
      directory.channelExists(ref).catch((error: unknown) => {
        unchecked.push(`${prefix}channel \`${/^[CG][A-Z0-9]+$/.test(ref) ? ref : `#${ref}`}\`: could not check that it exists: ${reason(error)}; run firebreak doctor again`);
        return true;
      }),
    userGroupExists: async (ref) =>
      Boolean(
        await directory.group(ref.startsWith('S') ? { kind: 'group', id: ref } : { kind: 'handle', handle: ref }).catch((error: unknown) => {
          unchecked.push(`${prefix}user group \`${ref.startsWith('S') ? ref : `@${ref}`}\`: could not check that it exists: ${reason(error)}; run firebreak doctor again`);
          return true;
        }),
      ),
    userExists: (userId) => directory.userExists(userId),
  });
  return [...missing.map((problem) => `${prefix}${formatProblem(problem)}: fix the playbook, or create it in Slack`), ...unchecked];
}

/**
 * The doctor's side of the alerts-channel trust rule: the app's own check (app/alerts-channel.ts) on
 * the database's watched rows (none without a database) and the playbooks of PLAYBOOKS_DIR that serve
 * the workspace (all of them when its team is not known).
 */
async function watchedCheck(
  all: readonly Playbook[],
  channels: Pick<WatchedChannels, 'find' | 'findByChannelId' | 'findByName'> | undefined,
  workspaceId?: string,
  teamId?: string,
  named?: { workspaceId: string; channels: Pick<NamedChannels, 'find'> },
) {
  const [{ alertsChannelGuard }, { playbooksOfTeam }] = await Promise.all([import('../../app/alerts-channel.js'), import('../../domain/playbooks/watching.js')]);
  const playbooks = teamId ? playbooksOfTeam(all, teamId) : all;
  const none = { find: async () => null, findByChannelId: async () => null, findByName: async () => null };
  return {
    // The names Firebreak has bound in this workspace: a rename since is then reported (none without a database).
    ...(named ? { namedChannel: (name: string) => named.channels.find(named.workspaceId, name) } : {}),
    playbookAlertsChannels: playbooks.flatMap((playbook) => (playbook.alertsChannel ? [{ playbookId: playbook.id, channel: playbook.alertsChannel }] : [])),
    isWatched: async (channel: { id: string; name: string | null }) =>
      Boolean(await alertsChannelGuard({ channels: channels ?? none, playbooks: () => playbooks, channelName: async () => channel.name }).refusal(channel.id, workspaceId)),
  };
}

/**
 * Warnings, not problems: a playbook's `workspaces` entry naming a team Firebreak is not installed in
 * (OAuth) or that is not the bot token's: the playbook is simply not used there (maybe not yet installed).
 */
function workspaceWarnings(playbooks: readonly Playbook[], teams: readonly string[], oauth: boolean): string[] {
  return playbooks.flatMap((playbook) =>
    (playbook.workspaces ?? [])
      .filter((teamId) => !teams.includes(teamId))
      .map((teamId) =>
        oauth
          ? `playbook ${playbook.id} (${playbook.source.file}): workspaces: ${teamId} is not a workspace Firebreak is installed in; the playbook serves it once it installs.`
          : `playbook ${playbook.id} (${playbook.source.file}): workspaces: ${teamId} is not the bot token's workspace (${teams[0] ?? 'unknown'}); the playbook is not used there.`,
      ),
  );
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
      const direct = database ? createStore(database.prisma, target.provider).direct : undefined;
      const channels = direct?.channels;
      const files = await playbookFileProblems(config);
      const playbooks = files.playbooks;
      // The token's workspace: playbooks limited to others are not checked against it, only warned about.
      const { WebClient } = await import('@slack/web-api');
      const tokenTeam = await new WebClient(config.slack.botToken, { ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}), retryConfig: { retries: 0 } }).auth
        .test()
        .then((answer) => answer.team_id ?? undefined, () => undefined);
      const rows = channels ? await channels.active().catch(() => undefined) : undefined;
      const tokenBindings = async () => {
        const row = database && direct && tokenTeam ? await database.prisma.workspace.findUnique({ where: { teamId: tokenTeam }, select: { id: true } }).catch(() => null) : null;
        return row && direct ? { workspaceId: row.id, channels: direct.namedChannels } : undefined;
      };
      watchedChannels = (rows ?? []).filter((row) => !row.channelId.includes(':')).map((row) => ({ id: row.channelId, name: row.name }));
      const report = await runDoctor({
        botToken: config.slack.botToken,
        ...(config.slack.appToken ? { appToken: config.slack.appToken } : {}),
        ...(config.slack.apiUrl ? { apiUrl: config.slack.apiUrl } : {}),
        ...(config.alertsChannel ? { alertsChannel: config.alertsChannel } : {}),
        watchedChannels,
        requiredScopes: manifestBotScopes(),
        // The token's workspace row, read only (doctor creates none): where its name bindings are kept.
        ...(await watchedCheck(playbooks, channels, undefined, tokenTeam, await tokenBindings())),
      }).finally(() => database?.close());
      for (const line of report.fine) out(`✓ ${line}`);
      if (tokenTeam) for (const line of workspaceWarnings(playbooks, [tokenTeam], false)) out(`! ${line}`);
      // The token did not work: said above, and nothing to look references up with.
      for (const line of tokenTeam ? await playbookReferenceWarnings(config, files.playbooks, config.slack.botToken, tokenTeam) : []) out(`! ${line}`);
      const problems = [...report.problems, ...files.problems];
      for (const line of problems) out(`✗ ${line}`);
      out(problems.length === 0 ? `No problems found (${config.slack.appToken ? 'Socket Mode' : 'HTTP'} mode).` : `${problems.length} problem(s) to fix.`);
      process.exitCode = problems.length === 0 ? 0 : 1;
    });
}

/** OAuth installs: the same checks for every installed workspace, with its stored token and settings. */
async function oauthDoctor(config: Config, out: (line: string) => void): Promise<number> {
  const [{ runDoctor, runSocketModeDoctor, manifestBotScopes }, { openRecordedDatabase }, { createStore }, { createTokenCipher }] = await Promise.all([
    import('../../slack/doctor.js'),
    import('../database.js'),
    import('../../store/store.js'),
    import('../../store/token-cipher.js'),
  ]);
  const { database } = await openRecordedDatabase();
  const problems: string[] = [];
  const fine: string[] = [];
  const warnings: string[] = [];
  const files = await playbookFileProblems(config);
  const playbooks = files.playbooks;
  problems.push(...files.problems);
  try {
    const store = createStore(database.prisma, database.target.provider, createTokenCipher(config.tokenEncryptionKeys));
    const teams = await store.direct.installations.installedTeams();
    if (teams.length === 0) problems.push('no workspace has installed Firebreak yet: open /slack/install on this server in a browser and click Add to Slack.');
    const active = await store.direct.channels.active();
    warnings.push(...workspaceWarnings(playbooks, teams.map((team) => team.teamId), true));
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
        ...(await watchedCheck(playbooks, store.direct.channels, workspaceId, team.teamId, { workspaceId, channels: store.direct.namedChannels })),
      });
      problems.push(...report.problems);
      fine.push(...report.fine);
      // A token Slack refuses answers no look-up: nothing is reported missing then (each look-up says yes).
      warnings.push(...(await playbookReferenceWarnings(config, playbooks, installation.botToken, team.teamId, label)));
    }
  } finally {
    await database.close();
  }
  // Socket Mode: one app-level token for every workspace, so checked once.
  if (config.slack.appToken) {
    const socket = await runSocketModeDoctor({ appToken: config.slack.appToken, ...(config.slack.apiUrl ? { apiUrl: config.slack.apiUrl } : {}) });
    problems.push(...socket.problems);
    fine.push(...socket.fine);
  }
  for (const line of fine) out(`✓ ${line}`);
  for (const line of warnings) out(`! ${line}`);
  for (const line of problems) out(`✗ ${line}`);
  out(problems.length === 0 ? `No problems found (OAuth installs, ${config.slack.appToken ? 'Socket Mode' : 'HTTP'}).` : `${problems.length} problem(s) to fix.`);
  return problems.length === 0 ? 0 : 1;
}
