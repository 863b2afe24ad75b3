// Who administers Firebreak in a workspace, as Slack and the install say: its admins and owners
// (users.info, a member of this very team), and whoever installed Firebreak there (OAuth). They change
// its settings, and operate it even before any playbook names them (a fresh install is never locked out).
import type { WebClient } from '@slack/web-api';
import type { InstallService } from '../app/installs.js';

export async function administersWorkspace(installs: Pick<InstallService, 'installation'> | undefined, teamId: string, userId: string, webClient: WebClient): Promise<boolean> {
  if ((await installs?.installation(teamId))?.installerUserId === userId) return true;
  const user = (await webClient.users.info({ user: userId }).catch(() => undefined))?.user;
  return Boolean(user && user.team_id === teamId && !user.deleted && (user.is_admin || user.is_owner || user.is_primary_owner));
}
