// Where OAuth installs are kept: one per Slack workspace, its bot token sealed at rest (store/ seals
// and opens it; nobody else sees the sealed form), and the single-use `state` values of the install flow.

/** A workspace's installation as Slack's oauth.v2.access described it. */
export interface WorkspaceInstallation {
  teamId: string;
  teamName: string | null;
  enterpriseId: string | null;
  botToken: string;
  botUserId: string;
  botId: string;
  scopes: string[];
  appId: string | null;
  /** Who clicked Allow. */
  installerUserId: string | null;
  installedAt: number;
}

/** Per-workspace settings chosen after install; null falls back to ALERTS_CHANNEL / LOCALE / TEAM_TIMEZONE. */
export interface WorkspaceSettings {
  alertsChannel: string | null;
  locale: string | null;
  timeZone: string | null;
}

export interface Installations {
  /** Stores (or replaces, on a reinstall) a workspace's installation. `reinstalled`: it had one before. */
  save(installation: WorkspaceInstallation): Promise<{ workspaceId: string; reinstalled: boolean }>;
  /** The installation of a team with a usable token; null when never installed, uninstalled or revoked. */
  find(teamId: string): Promise<WorkspaceInstallation | null>;
  /**
   * Erases the team's token (uninstalled / tokens revoked) and records why: `erased`, `none` when there
   * was none, `kept` when the install is newer than `happenedAt` (the uninstall Slack reports came
   * before a reinstall, and reached Firebreak late).
   */
  erase(teamId: string, reason: string, at: number, happenedAt?: number): Promise<'erased' | 'kept' | 'none'>;
  /** When and why the team's token was erased (uninstalled / tokens revoked); null when it has one or never had. */
  uninstalled(teamId: string): Promise<{ at: number; reason: string } | null>;
  /** Teams with a usable token, oldest install first. */
  installedTeams(): Promise<{ teamId: string; teamName: string | null; installedAt: number }[]>;
  /** Re-seals every stored token with the first key; a token no listed key opens is left as it is and named. */
  rekey(): Promise<RekeyOutcome>;
  settings(workspaceId: string): Promise<WorkspaceSettings>;
  updateSettings(teamId: string, settings: Partial<WorkspaceSettings>): Promise<void>;
}

/** The OAuth `state`: issued by /slack/install, consumed exactly once by /slack/oauth_redirect. */
export interface OAuthStates {
  issue(id: string, installOptions: Record<string, unknown>, expiresAt: number): Promise<void>;
  /** The install options when `id` was issued, is unexpired and not consumed yet (and marks it consumed); null otherwise. */
  consume(id: string, now: number): Promise<Record<string, unknown> | null>;
  /** Forgets states that expired before `before`. */
  prune(before: number): Promise<number>;
  /** States issued and still usable at `now` (unexpired, not consumed). */
  open(now: number): Promise<number>;
}

/** `firebreak tokens rekey`: tokens re-sealed with the first key, already under it, and those no listed key opens. */
export interface RekeyOutcome {
  resealed: number;
  current: number;
  /** Left as they are (the others are still re-sealed): each with why, naming its key id. */
  unreadable: { teamId: string; reason: string }[];
}
