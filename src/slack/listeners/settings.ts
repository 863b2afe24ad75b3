// App Home's workspace settings (OAuth installs): the alerts channel, language and time zone chosen
// from the selects; the change is stored and App Home drawn again. Refused by redraw for anyone but
// workspace admins and the installer (the selects are shown read-only to them anyway), and for an
// alerts channel Firebreak watches as a community channel (the reason is shown under the select);
// while Slack does not say who the person is, refused and told by direct message.
import type { App, BlockAction } from '@slack/bolt';
import { isTimeZone } from '../../domain/clock.js';
import { isLocale, t } from '../../i18n/index.js';
import { actionIds } from '../blocks/ids.js';
import { committedThenAcknowledged } from '../listener-guard.js';
import { tellPerson, type SlackServices } from './services.js';

export function registerSettingsListeners(app: App, services: SlackServices): void {
  const update = services.updateWorkspaceSettings;
  if (!update) return;
  const handle = (read: (action: Record<string, unknown>) => { alertsChannel?: string; locale?: 'en' | 'es'; timeZone?: string } | null) =>
    app.action<BlockAction>(
      { type: 'block_actions', action_id: new RegExp(`^${actionIds.settingsAlertsChannel}$|^${actionIds.settingsLocale}$|^${actionIds.settingsTimeZone}$`) },
      async ({ ack, body, action, client }) => {
        const change = read(action as unknown as Record<string, unknown>);
        const teamId = body.team?.id ?? body.user.team_id;
        // Acknowledged once stored: a change that fails is told to its person (the listener guard), never dropped.
        const outcome = await committedThenAcknowledged(ack, async () => (change && teamId ? update(teamId, body.user.id, change, client) : undefined));
        // Slack did not say in time whether this person may change settings: nothing changed, and the redrawn
        // select alone would not say why, so they are told (a direct message: App Home has no channel).
        if (outcome === 'refused:slack_unavailable') {
          const locale = await services.localeFor(teamId).catch(() => services.locale);
          await tellPerson(client, { user: body.user.id }, { text: t(locale, 'ui.settings.unconfirmed', {}) }).catch((error: unknown) =>
            services.logger.warn({ err: error }, 'could not tell a person that Slack did not say whether they may change settings'),
          );
        }
        // App Home is a tab, not a modal (no `response_action: errors`): a refused pick is said under the select.
        await services.publishHome?.(client, body.user.id, outcome === 'refused:watched_community_channel' ? change?.alertsChannel : undefined);
      },
    );
  handle((action) => {
    const selected = (value: unknown) => (value as { value?: string } | undefined)?.value;
    switch (action['action_id']) {
      case actionIds.settingsAlertsChannel:
        return typeof action['selected_channel'] === 'string' && /^[CG][A-Z0-9]{2,}$/.test(action['selected_channel']) ? { alertsChannel: action['selected_channel'] } : null;
      case actionIds.settingsLocale: {
        const locale = selected(action['selected_option']);
        return isLocale(locale) ? { locale } : null;
      }
      case actionIds.settingsTimeZone: {
        const zone = selected(action['selected_option']);
        return zone && isTimeZone(zone) ? { timeZone: zone } : null;
      }
      default:
        return null;
    }
  });
}
