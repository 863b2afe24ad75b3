// Workspaces installed through OAuth: storing an install (or reinstall), looking a team's token up for
// every Slack call made on its behalf, and erasing it when Slack says the app was uninstalled or its
// tokens revoked — in one transaction with stopping that workspace's pending writes and reminders.
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../logger.js';
import { WORKSPACE_UNINSTALLED } from './ports/outbox.js';
import type { Installations, OAuthStates, RekeyOutcome, Repositories, Store, WorkspaceInstallation, WorkspaceSettings } from './ports/index.js';

export type UninstallReason = 'app_uninstalled' | 'tokens_revoked';

export interface InstallServiceOptions {
  store: Store<Pick<Repositories, 'installations' | 'oauthStates' | 'outbox' | 'reminders' | 'audit'>>;
  clock: Clock;
  logger: Logger;
  /**
   * How long a looked-up token is reused by this instance (default 5 s). Installs and uninstalls
   * handled here drop it at once; one handled by another instance is seen within this time.
   */
  cacheMs?: number;
}

export interface UninstallOutcome {
  erased: boolean;
  writesStopped: number;
  remindersStopped: number;
}

export class InstallService {
  private readonly tokens = new Map<string, { at: number; installation: Promise<WorkspaceInstallation | null> }>();
  private readonly cacheMs: number;

  constructor(private readonly options: InstallServiceOptions) {
    this.cacheMs = options.cacheMs ?? 5_000;
  }

  private get direct(): Pick<Repositories, 'installations' | 'oauthStates' | 'audit'> {
    return this.options.store.direct;
  }

  get states(): OAuthStates {
    return this.direct.oauthStates;
  }

  /** oauth.v2.access answered: the installation is stored (a reinstall replaces the token) and audited. */
  async installed(installation: WorkspaceInstallation): Promise<{ workspaceId: string; reinstalled: boolean }> {
    const outcome = await this.options.store.transaction(async (tx) => {
      const saved = await tx.installations.save(installation);
      await tx.audit.record({
        at: this.options.clock.now(),
        userId: installation.installerUserId,
        action: saved.reinstalled ? 'workspace.reinstalled' : 'workspace.installed',
        outcome: 'accepted',
        incidentId: null,
        data: { teamId: installation.teamId, scopes: installation.scopes, botUserId: installation.botUserId },
      });
      return saved;
    });
    this.tokens.delete(installation.teamId);
    this.options.logger.info({ team: installation.teamId, reinstalled: outcome.reinstalled }, outcome.reinstalled ? 'workspace reinstalled: its token was replaced' : 'workspace installed');
    return outcome;
  }

  /** The team's installation with its token, or null when Firebreak is not (or no longer) installed there. */
  installation(teamId: string): Promise<WorkspaceInstallation | null> {
    const now = this.options.clock.now();
    const cached = this.tokens.get(teamId);
    if (cached && now - cached.at < this.cacheMs) return cached.installation;
    const installation = this.direct.installations.find(teamId).catch((error: unknown) => {
      this.tokens.delete(teamId);
      throw error;
    });
    this.tokens.set(teamId, { at: now, installation });
    return installation;
  }

  async isInstalled(teamId: string): Promise<boolean> {
    return (await this.installation(teamId)) !== null;
  }

  /** The bot token of the team, or null when it has none. */
  async botToken(teamId: string): Promise<string | null> {
    return (await this.installation(teamId))?.botToken ?? null;
  }

  installedTeams(): ReturnType<Installations['installedTeams']> {
    return this.direct.installations.installedTeams();
  }

  /**
   * app_uninstalled / tokens_revoked: the token is erased, the workspace's unsent Slack writes are
   * failed and its reminders cancelled with the reason, all in one transaction; other teams are untouched.
   */
  async uninstalled(teamId: string, reason: UninstallReason, happenedAt?: number): Promise<UninstallOutcome> {
    const why = `${WORKSPACE_UNINSTALLED}${reason}`;
    const result = await this.options.store.transaction(async (tx) => {
      const now = this.options.clock.now();
      // Slack's retries and the event inbox can deliver an uninstall after a reinstall: it is not acted on.
      const erase = await tx.installations.erase(teamId, reason, now, happenedAt);
      const stale = erase === 'kept';
      const writesStopped = stale ? 0 : await tx.outbox.stopTeam(teamId, why);
      const remindersStopped = stale ? 0 : await tx.reminders.stopTeam(teamId, why);
      await tx.audit.record({ at: now, userId: null, action: `workspace.${reason}`, outcome: erase === 'erased' ? 'accepted' : stale ? 'stale' : 'no_op', incidentId: null, data: { teamId, writesStopped, remindersStopped, ...(happenedAt !== undefined ? { happenedAt } : {}) } });
      return { stale, outcome: { erased: erase === 'erased', writesStopped, remindersStopped } };
    });
    if (result.stale) {
      this.options.logger.info({ team: teamId, reason, happenedAt }, `ignored ${reason}: it happened before the workspace's current install (a late delivery)`);
      return result.outcome;
    }
    const { outcome } = result;
    this.tokens.delete(teamId);
    this.options.logger.warn({ team: teamId, reason, ...outcome }, `workspace ${reason === 'app_uninstalled' ? 'uninstalled Firebreak' : 'revoked Firebreak\'s tokens'}: its token is erased and its pending writes and reminders stopped`);
    return outcome;
  }

  /** An install that did not happen (cancelled on Slack's page, a bad or replayed state, a failed exchange). */
  async refused(reason: string, detail: string): Promise<void> {
    await this.options.store.direct.audit.record({ at: this.options.clock.now(), userId: null, action: 'workspace.install', outcome: `refused:${reason}`, incidentId: null, data: { detail } });
  }

  settings(workspaceId: string): Promise<WorkspaceSettings> {
    return this.direct.installations.settings(workspaceId);
  }

  updateSettings(teamId: string, settings: Partial<WorkspaceSettings>): Promise<void> {
    return this.direct.installations.updateSettings(teamId, settings);
  }

  rekey(): Promise<RekeyOutcome> {
    return this.direct.installations.rekey();
  }
}
