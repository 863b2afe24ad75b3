// Bolt's `authorize` for the single bot token from the environment: auth.test is asked once it is
// needed and remembered once it answers; a failure is not remembered, so a Slack that was unreachable
// at start-up does not leave every later request unauthorised (Bolt's own token mode caches it).
import type { Authorize } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';

export interface BotIdentity {
  botUserId: string;
  botId: string;
  teamId: string;
  team?: string;
}

export interface BotTokenAuthorization {
  authorize: Authorize<boolean>;
  /** The bot's identity: asks auth.test at most once at a time, remembers only a success. */
  identity(): Promise<BotIdentity>;
}

export function botTokenAuthorization(client: WebClient, botToken: string): BotTokenAuthorization {
  let identity: Promise<BotIdentity> | undefined;
  const ask = (): Promise<BotIdentity> =>
    (identity ??= client.auth
      .test({ token: botToken })
      .then((answer) => ({ botUserId: answer.user_id ?? '', botId: answer.bot_id ?? '', teamId: answer.team_id ?? '', ...(answer.team ? { team: answer.team } : {}) }))
      .catch((error: unknown) => {
        identity = undefined;
        throw error;
      }));
  return {
    identity: ask,
    authorize: async ({ isEnterpriseInstall }) => {
      const { botUserId, botId, teamId } = await ask();
      return { botToken, botUserId, botId, teamId, isEnterpriseInstall };
    },
  };
}

/** The OAuth installs, as Bolt's authorize needs them (InstallService implements it). */
export interface InstalledTeams {
  installation(teamId: string): Promise<{ botToken: string; botUserId: string; botId: string; teamId: string; enterpriseId: string | null } | null>;
}

/** The request comes from a workspace without an install: a definite answer, not a failure to retry. */
export class NotInstalledError extends Error {
  override readonly name = 'NotInstalledError';
}

/**
 * Bolt's `authorize` for OAuth installs: the token of the team the request comes from. A team that has
 * not installed Firebreak (or uninstalled it) is refused before any listener runs; Bolt still lets
 * app_uninstalled and tokens_revoked through, so they can be acted on.
 */

export function installationAuthorization(installations: InstalledTeams): Authorize<boolean> {
  return async ({ teamId, enterpriseId, isEnterpriseInstall }) => {
    const installation = teamId ? await installations.installation(teamId) : null;
    if (!installation) throw new NotInstalledError(`Firebreak is not installed in workspace ${teamId ?? '(none)'}${enterpriseId ? ` of ${enterpriseId}` : ''}`);
    return { botToken: installation.botToken, botUserId: installation.botUserId, botId: installation.botId, teamId: installation.teamId, ...(installation.enterpriseId ? { enterpriseId: installation.enterpriseId } : {}), isEnterpriseInstall };
  };
}
