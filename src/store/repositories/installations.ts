// OAuth installs on the Workspace row: the bot token sealed (token-cipher.ts), the rest of Slack's
// answer as a small JSON document without any token; and the single-use OAuth states.
import type { Installations, OAuthStates, WorkspaceInstallation, WorkspaceSettings } from '../../app/ports/index.js';
import { FirebreakError } from '../../errors.js';
import type { Db } from '../db.js';
import type { TokenCipher } from '../token-cipher.js';

interface StoredInstallation {
  version: 1;
  teamName: string | null;
  scopes: string[];
  appId: string | null;
  installerUserId: string | null;
}

function requireCipher(cipher: TokenCipher | undefined): TokenCipher {
  if (!cipher) throw new FirebreakError('token_key_missing', 'TOKEN_ENCRYPTION_KEYS is not set: OAuth installations cannot be stored or read.');
  return cipher;
}

export function installationsOn(db: Db, cipher: TokenCipher | undefined): Installations {
  return {
    async save(installation) {
      const sealed = requireCipher(cipher).seal(installation.botToken, installation.teamId);
      const document: StoredInstallation = { version: 1, teamName: installation.teamName, scopes: installation.scopes, appId: installation.appId, installerUserId: installation.installerUserId };
      const fields = {
        name: installation.teamName,
        botUserId: installation.botUserId,
        botId: installation.botId,
        enterpriseId: installation.enterpriseId,
        botTokenSealed: sealed,
        installation: document as object,
        installedAt: new Date(installation.installedAt),
        uninstalledAt: null,
        uninstallReason: null,
      };
      const before = await db.workspace.findUnique({ where: { teamId: installation.teamId }, select: { installedAt: true } });
      const row = await db.workspace.upsert({ where: { teamId: installation.teamId }, create: { teamId: installation.teamId, ...fields }, update: fields, select: { id: true } });
      return { workspaceId: row.id, reinstalled: Boolean(before?.installedAt) };
    },
    async find(teamId) {
      const row = await db.workspace.findUnique({ where: { teamId } });
      if (!row?.botTokenSealed || !row.botUserId) return null;
      const document = (row.installation ?? {}) as Partial<StoredInstallation>;
      return {
        teamId,
        teamName: row.name,
        enterpriseId: row.enterpriseId,
        botToken: requireCipher(cipher).open(row.botTokenSealed, teamId),
        botUserId: row.botUserId,
        botId: row.botId ?? '',
        scopes: document.scopes ?? [],
        appId: document.appId ?? null,
        installerUserId: document.installerUserId ?? null,
        installedAt: row.installedAt?.getTime() ?? row.createdAt.getTime(),
      } satisfies WorkspaceInstallation;
    },
    async erase(teamId, reason, at, happenedAt) {
      const olderInstall = happenedAt === undefined ? {} : { OR: [{ installedAt: null }, { installedAt: { lt: new Date(happenedAt) } }] };
      const { count } = await db.workspace.updateMany({ where: { teamId, botTokenSealed: { not: null }, ...olderInstall }, data: { botTokenSealed: null, uninstalledAt: new Date(at), uninstallReason: reason } });
      if (count > 0) return 'erased';
      if (happenedAt === undefined) return 'none';
      return (await db.workspace.count({ where: { teamId, botTokenSealed: { not: null } } })) > 0 ? 'kept' : 'none';
    },
    async uninstalled(teamId) {
      const row = await db.workspace.findUnique({ where: { teamId }, select: { botTokenSealed: true, uninstalledAt: true, uninstallReason: true } });
      if (!row?.uninstalledAt || row.botTokenSealed) return null;
      return { at: row.uninstalledAt.getTime(), reason: row.uninstallReason ?? 'app_uninstalled' };
    },
    async installedTeams() {
      const rows = await db.workspace.findMany({ where: { botTokenSealed: { not: null } }, select: { teamId: true, name: true, installedAt: true, createdAt: true }, orderBy: { installedAt: 'asc' } });
      return rows.map((row) => ({ teamId: row.teamId, teamName: row.name, installedAt: (row.installedAt ?? row.createdAt).getTime() }));
    },
    async rekey() {
      const keys = requireCipher(cipher);
      const rows = await db.workspace.findMany({ where: { botTokenSealed: { not: null } }, select: { id: true, teamId: true, botTokenSealed: true } });
      let resealed = 0;
      let current = 0;
      const unreadable: { teamId: string; reason: string }[] = [];
      for (const row of rows) {
        const sealed = row.botTokenSealed!;
        if (keys.isCurrent(sealed)) {
          current += 1;
          continue;
        }
        let token: string;
        try {
          token = keys.open(sealed, row.teamId);
        } catch (error) {
          // One workspace's unreadable token must not leave the others under a key about to be dropped.
          unreadable.push({ teamId: row.teamId, reason: error instanceof Error ? error.message : String(error) });
          continue;
        }
        const fresh = keys.seal(token, row.teamId);
        // Compare-and-set: a reinstall that wrote a new token meanwhile is not overwritten.
        const { count } = await db.workspace.updateMany({ where: { id: row.id, botTokenSealed: sealed }, data: { botTokenSealed: fresh } });
        resealed += count;
      }
      return { resealed, current, unreadable };
    },
    async settings(workspaceId) {
      const row = await db.workspace.findUnique({ where: { id: workspaceId }, select: { alertsChannel: true, locale: true, timeZone: true } });
      return { alertsChannel: row?.alertsChannel ?? null, locale: row?.locale ?? null, timeZone: row?.timeZone ?? null } satisfies WorkspaceSettings;
    },
    async updateSettings(teamId, settings) {
      await db.workspace.upsert({ where: { teamId }, create: { teamId, ...settings }, update: settings });
    },
  };
}

export function oauthStatesOn(db: Db): OAuthStates {
  return {
    async issue(id, installOptions, expiresAt) {
      await db.oAuthState.create({ data: { id, installOptions: installOptions as object, expiresAt: new Date(expiresAt) } });
    },
    async consume(id, now) {
      // One conditional update: of two redirects carrying the same state, exactly one wins.
      const { count } = await db.oAuthState.updateMany({ where: { id, consumedAt: null, expiresAt: { gt: new Date(now) } }, data: { consumedAt: new Date(now) } });
      if (count !== 1) return null;
      const row = await db.oAuthState.findUnique({ where: { id }, select: { installOptions: true } });
      return (row?.installOptions ?? {}) as Record<string, unknown>;
    },
    async prune(before) {
      const { count } = await db.oAuthState.deleteMany({ where: { expiresAt: { lt: new Date(before) } } });
      return count;
    },
    open: (now) => db.oAuthState.count({ where: { consumedAt: null, expiresAt: { gt: new Date(now) } } }),
  };
}

/** Cancels the pending reminders of a team's incidents, with the reason. */
export async function stopTeamReminders(db: Db, teamId: string, reason: string): Promise<number> {
  const incidents = await db.incident.findMany({ where: { workspace: { teamId } }, select: { id: true } });
  if (incidents.length === 0) return 0;
  const { count } = await db.reminder.updateMany({ where: { status: 'pending', incidentId: { in: incidents.map((incident) => incident.id) } }, data: { status: 'cancelled', lastError: reason } });
  return count;
}
