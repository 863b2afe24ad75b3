// App Home: its read model (app/home.ts) wired to the store and services, and publishing it to a
// viewer. With OAuth installs a viewer sees their own workspace only, in its language, with its
// settings, editable by its admins and owners and by whoever installed Firebreak there. Someone who
// does not operate Firebreak there (a community member) sees only a short notice.
import type { WebClient } from '@slack/web-api';
import type { Config } from '../config.js';
import type { Clock } from '../domain/clock.js';
import type { DetectorSettings } from '../domain/detection/settings.js';
import { isLocale, type Locale } from '../i18n/index.js';
import { AppHome, HOME_METRICS_DAYS, type PermalinkOf } from '../app/home.js';
import type { IncidentService } from '../app/incidents.js';
import type { InstallService } from '../app/installs.js';
import type { OutdatedChannelName } from '../app/named-channels.js';
import type { Store } from '../app/ports/store.js';
import type { PostMortemService } from '../app/postmortems.js';
import type { OperatorRefusal } from '../slack/listeners/services.js';
import { appHomeNoticeView, appHomeView } from '../slack/blocks/home.js';
import { currentTeam } from '../slack/team-scope.js';
import type { AlertsChannels } from './alerts-channels.js';
import { cached } from './cached.js';
import type { WorkspaceAdmins } from './workspace-admins.js';
import type { WorkspaceContext } from './workspaces.js';

/** Permalinks remembered across App Home draws. */
const PERMALINKS_KEPT = 2_000;

export interface AppHomePublishingOptions {
  store: Store;
  clock: Clock;
  config: Pick<Config, 'alertsChannel' | 'locale' | 'teamTimezone'>;
  installs?: InstallService | undefined;
  incidents: Pick<IncidentService, 'policyFor'>;
  postMortems: Pick<PostMortemService, 'aggregate' | 'recentPublished'>;
  channelName(channelId: string): Promise<string | null>;
  settingsFor(channelId: string, channelName: string | null): DetectorSettings;
  workspaces: Pick<WorkspaceContext, 'workspaceIds'>;
  alertsChannels: Pick<AlertsChannels, 'watched'>;
  /** Playbooks giving their alerts channel by a name Slack renamed (a workspace's, or the bot token's one). */
  renamedAlertsChannels(workspaceId: string | undefined): Promise<OutdatedChannelName[]>;
  /**
   * Null when the viewer operates Firebreak in the workspace; else why not (App Home then says only what
   * Firebreak is, or that Slack did not confirm who they are: never kept, the next opening asks again).
   */
  operatorRefusal(teamId: string | undefined, userId: string, webClient: WebClient): Promise<OperatorRefusal | null>;
  admins: Pick<WorkspaceAdmins, 'check'>;
  /** The viewer's language (localeOfPerson): the workspace's choice, else their Slack language, else LOCALE. */
  localeOfPerson(teamId: string | undefined, userId: string, webClient: WebClient): Promise<Locale>;
}

export interface AppHomePublishing {
  /** Draws the viewer's App Home and publishes it; `refusedAlertsChannel` says why a choice was refused. */
  publishHome(webClient: WebClient, userId: string, refusedAlertsChannel?: string): Promise<void>;
  /** A workspace's settings are changed by its admins and owners, and by whoever installed Firebreak there. */
  mayChangeSettings(teamId: string, userId: string, webClient: WebClient): Promise<boolean>;
}

export function appHomePublishing(options: AppHomePublishingOptions): AppHomePublishing {
  const { store, clock, config, installs, postMortems, workspaces, alertsChannels } = options;

  // App Home shows the last 30 days' medians and p90s, measured at most once a minute.
  const homeMetrics = cached(clock, (workspaceId) => postMortems.aggregate({ from: clock.now() - HOME_METRICS_DAYS * 86_400_000, to: clock.now() + 1, ...(workspaceId ? { workspaceId } : {}) }));

  const home = new AppHome({
    store,
    clock,
    locale: config.locale,
    policyFor: (playbookId) => options.incidents.policyFor(playbookId),
    channelName: options.channelName,
    settingsFor: options.settingsFor,
    recentPostMortems: (limit, workspaceId) => postMortems.recentPublished(limit, workspaceId),
    metrics: (workspaceId) => homeMetrics(workspaceId ?? ''),
  });

  const mayChangeSettings = async (teamId: string, userId: string, webClient: WebClient) => (await options.admins.check(teamId, userId, webClient)) === 'admin';

  // A message's permalink never changes: asked of Slack once, remembered (bounded; the oldest forgotten first).
  const permalinks = new Map<string, string>();
  const permalinkIn =
    (webClient: WebClient, teamId: string | undefined): PermalinkOf =>
    async (channelId, ts) => {
      const key = `${teamId ?? ''}:${channelId}:${ts}`;
      const known = permalinks.get(key);
      if (known) return known;
      const permalink = (await webClient.chat.getPermalink({ channel: channelId, message_ts: ts })).permalink ?? null;
      if (!permalink) return null;
      if (permalinks.size >= PERMALINKS_KEPT) permalinks.delete(permalinks.keys().next().value as string);
      permalinks.set(key, permalink);
      return permalink;
    };

  // One person's App Home is drawn one publish at a time, each reading the settings when its turn comes:
  // two settings changed at once (language, then time zone) end with a view showing both.
  const drawing = new Map<string, Promise<void>>();
  function publishHome(webClient: WebClient, userId: string, refusedAlertsChannel?: string): Promise<void> {
    const teamId = installs ? currentTeam() : undefined;
    const key = `${teamId ?? ''}:${userId}`;
    const next = (drawing.get(key) ?? Promise.resolve()).catch(() => undefined).then(() => drawHome(webClient, userId, teamId, refusedAlertsChannel));
    drawing.set(key, next);
    void next.finally(() => drawing.get(key) === next && drawing.delete(key)).catch(() => undefined);
    return next;
  }

  async function drawHome(webClient: WebClient, userId: string, teamId: string | undefined, refusedAlertsChannel?: string): Promise<void> {
    const workspaceId = teamId ? await workspaces.workspaceIds(teamId) : undefined;
    // One read of the settings: the language and the selects never come from two different moments.
    const settings = workspaceId ? await store.direct.installations.settings(workspaceId) : undefined;
    const chosenLocale = settings && isLocale(settings.locale) ? settings.locale : null;
    // Incidents, channel negativity and post-mortems are internal: a community member sees a notice instead.
    const refusal = await options.operatorRefusal(teamId, userId, webClient);
    // Each person's App Home is theirs alone: in their language, as other answers only one person reads
    // (read from the admin check's users.info answer; when Slack gave none, the workspace's language).
    const viewerLocale =
      refusal === 'slack_unavailable' ? (chosenLocale ?? config.locale) : await options.localeOfPerson(teamId, userId, webClient).catch(() => chosenLocale ?? config.locale);
    if (refusal) {
      await webClient.views.publish({ user_id: userId, view: appHomeNoticeView(viewerLocale, refusal) as never });
      return;
    }
    const model = await home.modelFor(userId, workspaceId, viewerLocale, permalinkIn(webClient, teamId));
    if (!teamId || !workspaceId || !settings) {
      const renamedAlertsChannels = await options.renamedAlertsChannels(undefined).catch(() => []);
      await webClient.views.publish({ user_id: userId, view: appHomeView({ ...model, watchedAlertsChannels: await alertsChannels.watched(undefined, undefined), renamedAlertsChannels }) as never });
      return;
    }
    const view = appHomeView({
      ...model,
      watchedAlertsChannels: await alertsChannels.watched(workspaceId, settings.alertsChannel),
      renamedAlertsChannels: await options.renamedAlertsChannels(workspaceId).catch(() => []),
      settings: {
        alertsChannel: settings.alertsChannel,
        locale: chosenLocale,
        timeZone: settings.timeZone,
        defaults: { alertsChannel: config.alertsChannel ?? null, locale: config.locale, timeZone: config.teamTimezone },
        editable: await mayChangeSettings(teamId, userId, webClient),
        ...(refusedAlertsChannel ? { refusedAlertsChannel } : {}),
      },
    });
    await webClient.views.publish({ user_id: userId, view: view as never });
  }

  return { publishHome, mayChangeSettings };
}
