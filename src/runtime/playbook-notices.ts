// Telling the team about broken playbooks: problems found when an edit is reloaded, and channels or
// user groups a playbook names that a workspace lacks. Said in the log and in the alerts channel
// (OAuth installs: each workspace's own, in its language, with its token), never in a watched one.
import type { WebClient } from '@slack/web-api';
import type { Config } from '../config.js';
import { t, type Locale } from '../i18n/index.js';
import { checkPlaybookReferences, formatProblem, type Playbook, type PlaybookProblem } from '../domain/playbooks/index.js';
import type { Logger } from '../logger.js';
import type { AlertsChannelGuard } from '../app/alerts-channel.js';
import type { Directory } from '../app/directory.js';
import type { InstallService } from '../app/installs.js';
import { inTeam } from '../slack/team-scope.js';
import type { WorkspaceContext } from './workspaces.js';

export type PlaybookNoticeIntro = 'ui.notice.playbook_edit_broken' | 'ui.notice.playbook_references_missing';

export interface PlaybookNoticesOptions {
  config: Pick<Config, 'alertsChannel' | 'locale'>;
  client: WebClient;
  logger: Logger;
  installs?: InstallService | undefined;
  workspaces: Pick<WorkspaceContext, 'settingsOfTeam' | 'languageOf'>;
  directory: Directory;
  /** Resolves once the alerts-channel guard exists: playbooks load (and may report) before it does. */
  alertsGuard: Promise<AlertsChannelGuard>;
}

export interface PlaybookNotices {
  /**
   * Tells the alerts channel about playbook problems. With OAuth installs: each installed workspace's
   * own alerts channel (or only those of `teams`: one workspace, or those a limited playbook serves),
   * in its language, with its token; one without an alerts channel yet has only the log.
   */
  tellAlertsChannel(problems: readonly PlaybookProblem[], intro: PlaybookNoticeIntro, teams?: string | readonly string[]): Promise<void>;
  /**
   * Channels and user groups the playbooks name but the workspace in scope lacks: logged and told, the
   * other references keep working. The caller passes the playbooks that serve the workspace; with OAuth
   * installs each is checked with its own token (a reference to another workspace's channel ID is missing there).
   */
  checkReferences(playbooks: readonly Playbook[], teamId?: string): Promise<void>;
}

export function playbookNotices({ config, client, logger, installs, workspaces, directory, alertsGuard }: PlaybookNoticesOptions): PlaybookNotices {
  const { settingsOfTeam, languageOf } = workspaces;

  async function tellAlertsChannel(problems: readonly PlaybookProblem[], intro: PlaybookNoticeIntro, teams?: string | readonly string[]): Promise<void> {
    if (problems.length === 0) return;
    const guard = await alertsGuard;
    const lines = problems.slice(0, 15).map((problem) => `• \`${formatProblem(problem)}\``);
    const more = problems.length > 15 ? `\n…+${problems.length - 15}` : '';
    const post = async (channel: string, language: Locale, workspaceId?: string) => {
      // Internal too: never into an alerts channel the community reads (start-up says so in the log).
      if (await guard.refusal(channel, workspaceId)) return;
      await client.chat
        .postMessage({ channel, text: `:warning: ${t(language, intro, {})}\n${lines.join('\n')}${more}`.slice(0, 3900) })
        .catch((error: unknown) => logger.warn({ err: error, team: workspaceId }, 'could not tell the alerts channel about playbook problems'));
    };
    if (!installs) {
      if (config.alertsChannel) await post(config.alertsChannel, config.locale);
      return;
    }
    const installed = (await installs.installedTeams()).map((team) => team.teamId);
    const audience = typeof teams === 'string' ? [teams] : teams ? installed.filter((team) => teams.includes(team)) : installed;
    for (const team of audience) {
      const settings = await settingsOfTeam(team);
      if (!settings.alertsChannel) {
        logger.warn({ team }, 'playbook problems not posted in this workspace: it has no alerts channel yet');
        continue;
      }
      await inTeam(team, () => post(settings.alertsChannel!, languageOf(settings.locale), settings.workspaceId));
    }
  }

  async function checkReferences(playbooks: readonly Playbook[], teamId?: string): Promise<void> {
    const problems = await checkPlaybookReferences(playbooks, {
      channelExists: (ref) => directory.channelExists(ref),
      userExists: (userId) => directory.userExists(userId),
      userGroupExists: async (ref) => Boolean(await directory.group(ref.startsWith('S') ? { kind: 'group', id: ref } : { kind: 'handle', handle: ref })),
    });
    for (const problem of problems) logger.warn({ file: problem.file, line: problem.line, path: problem.path, team: teamId }, `playbook reference: ${problem.message}`);
    await tellAlertsChannel(problems, 'ui.notice.playbook_references_missing', teamId);
  }

  return { tellAlertsChannel, checkReferences };
}
