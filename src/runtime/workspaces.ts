// Per-workspace context for the composition root: which workspace row a Slack team is, its settings,
// language and time zone, and running work once per installed workspace. With OAuth installs each
// workspace chooses its own (App Home, /firebreak alerts); with one bot token there is one workspace
// and the environment (ALERTS_CHANNEL, LOCALE, TEAM_TIMEZONE) speaks for it.
import type { Config } from '../config.js';
import type { Clock } from '../domain/clock.js';
import { isLocale, type Locale } from '../i18n/index.js';
import type { InstallService } from '../app/installs.js';
import type { Store } from '../app/ports/store.js';
import type { WorkspaceSettings } from '../app/ports/installations.js';
import { workspaceTimeZone, type WorkspaceTimeZone } from '../app/workspace-time-zone.js';
import { currentTeam, inTeam } from '../slack/team-scope.js';
import { cached } from './cached.js';

export interface WorkspaceContextOptions {
  store: Store;
  clock: Clock;
  config: Pick<Config, 'locale' | 'teamTimezone'>;
  installs?: InstallService | undefined;
}

export interface WorkspaceContext {
  /** A Slack team's workspace row (cached for a minute). */
  workspaceIds(teamId: string): Promise<string>;
  /** The Slack team of a workspace row (cached for a minute); null for a row without one. */
  teamOfWorkspace(workspaceId: string): Promise<string | null>;
  /** A workspace's settings (OAuth installs: alerts channel, language, time zone chosen in App Home). */
  settingsOfTeam(teamId: string): Promise<WorkspaceSettings & { workspaceId: string }>;
  /** The time zone of a workspace's wall clock: its setting (OAuth installs), else TEAM_TIMEZONE. */
  timeZoneOf: WorkspaceTimeZone;
  /** The language a workspace chose, else LOCALE. */
  languageOf(chosen: string | null | undefined): Locale;
  /** A workspace's language by its row: its App Home choice (OAuth installs), else LOCALE. */
  languageOfWorkspace(workspaceId: string): Promise<Locale>;
  /** Caches of what Slack says are per team with OAuth installs (two workspaces may both have @community-leads). */
  teamKey(): string;
  /** OAuth installs only: runs work for a workspace row in its Slack team's scope (its token). */
  inWorkspace: (<T>(workspaceId: string, work: () => Promise<T>) => Promise<T>) | undefined;
  /**
   * Runs `work` for every installed workspace, one after the other, each in its team's scope (OAuth
   * installs; a failure stops the round unless `work` catches it), or once with no team without them.
   */
  forEachWorkspace(work: (teamId?: string) => Promise<void>): Promise<void>;
}

export function workspaceContext({ store, clock, config, installs }: WorkspaceContextOptions): WorkspaceContext {
  const locale: Locale = config.locale;
  const teamOfWorkspace = cached(clock, (workspaceId) => store.direct.workspaces.teamOf(workspaceId));
  const languageOf = (chosen: string | null | undefined): Locale => (isLocale(chosen) ? chosen : locale);
  return {
    workspaceIds: cached(clock, (teamId) => store.direct.workspaces.idForTeam(teamId)),
    teamOfWorkspace,
    settingsOfTeam: async (teamId) => {
      const workspaceId = await store.direct.workspaces.idForTeam(teamId);
      return { workspaceId, ...(await store.direct.installations.settings(workspaceId)) };
    },
    timeZoneOf: workspaceTimeZone({ installations: store.direct.installations, defaultTimeZone: config.teamTimezone, perWorkspaceSettings: Boolean(installs) }),
    languageOf,
    languageOfWorkspace: async (workspaceId) => (installs ? languageOf((await store.direct.installations.settings(workspaceId)).locale) : locale),
    teamKey: () => (installs ? (currentTeam() ?? '') : ''),
    inWorkspace: installs ? async <T>(workspaceId: string, work: () => Promise<T>): Promise<T> => inTeam(await teamOfWorkspace(workspaceId), work) : undefined,
    forEachWorkspace: async (work) => {
      if (!installs) return work();
      for (const { teamId } of await installs.installedTeams()) await inTeam(teamId, () => work(teamId));
    },
  };
}
