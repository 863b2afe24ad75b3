// OAuth installs: Slack says the app was uninstalled from a workspace, or its bot token revoked. That
// workspace's token is erased and its pending Slack writes and reminders stopped (InstallService);
// other workspaces are untouched, and from then on the workspace's requests are refused (authorize).
import type { App } from '@slack/bolt';
import type { UninstallReason } from '../../app/installs.js';
import type { Logger } from '../../logger.js';

export interface UninstallListenerServices {
  /** `happenedAt`: when Slack says it happened (a late delivery of one older than the current install is ignored). */
  uninstalled(teamId: string, reason: UninstallReason, happenedAt?: number): Promise<unknown>;
  logger: Logger;
}

/** The envelope's event_time (whole seconds) as epoch ms, at the end of its second: in doubt, an uninstall is acted on. */
const happenedAt = (body: { event_time?: unknown }): number | undefined => (typeof body.event_time === 'number' && Number.isFinite(body.event_time) ? body.event_time * 1000 + 999 : undefined);

export function registerInstallListeners(app: App, services: UninstallListenerServices): void {
  app.event('app_uninstalled', async ({ body }) => {
    if (typeof body.team_id === 'string') await services.uninstalled(body.team_id, 'app_uninstalled', happenedAt(body));
  });
  app.event('tokens_revoked', async ({ event, body }) => {
    // Firebreak keeps only the bot token: a revoked user token changes nothing here.
    const bots = (event as { tokens?: { bot?: unknown } }).tokens?.bot;
    if (Array.isArray(bots) && bots.length > 0 && typeof body.team_id === 'string') await services.uninstalled(body.team_id, 'tokens_revoked', happenedAt(body));
  });
}
