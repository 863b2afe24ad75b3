// OAuth installs: Slack says the app was uninstalled from a workspace, or its bot token revoked. That
// workspace's token is erased and its pending Slack writes and reminders stopped (InstallService);
// other workspaces are untouched, and from then on the workspace's requests are refused (authorize).
import type { App } from '@slack/bolt';
import type { UninstallReason } from '../../app/installs.js';
import type { Logger } from '../../logger.js';

export interface UninstallListenerServices {
  uninstalled(teamId: string, reason: UninstallReason): Promise<unknown>;
  logger: Logger;
}

export function registerInstallListeners(app: App, services: UninstallListenerServices): void {
  app.event('app_uninstalled', async ({ body }) => {
    if (typeof body.team_id === 'string') await services.uninstalled(body.team_id, 'app_uninstalled');
  });
  app.event('tokens_revoked', async ({ event, body }) => {
    // Firebreak keeps only the bot token: a revoked user token changes nothing here.
    const bots = (event as { tokens?: { bot?: unknown[] } }).tokens?.bot ?? [];
    if (bots.length > 0 && typeof body.team_id === 'string') await services.uninstalled(body.team_id, 'tokens_revoked');
  });
}
