// The reputation digest's schedules: weekly (Monday 09:00 team time) and, when asked for, daily. With
// OAuth installs one schedule per installed workspace, to its alerts channel; with one bot token one
// schedule to DIGEST_CHANNEL (else ALERTS_CHANNEL), or none when neither is set.
import type { Config } from '../config.js';
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../logger.js';
import { DIGEST_DAILY_KIND, DIGEST_WEEKLY_KIND, DigestService } from '../app/digest.js';
import type { InstallService } from '../app/installs.js';
import type { OutboxWriter, Store } from '../app/ports/index.js';
import type { PostMortemService } from '../app/postmortems.js';
import type { ReminderFiring, Scheduler } from '../jobs/index.js';
import { digestMessage } from '../slack/blocks/digest.js';
import type { WorkspaceContext } from './workspaces.js';

export interface DigestScheduleOptions {
  config: Pick<Config, 'locale' | 'dailyDigest' | 'digestChannel' | 'alertsChannel'>;
  clock: Clock;
  logger: Logger;
  installs?: InstallService | undefined;
  postMortems: Pick<PostMortemService, 'aggregate'>;
  workspaces: Pick<WorkspaceContext, 'workspaceIds' | 'settingsOfTeam' | 'timeZoneOf' | 'languageOf'>;
  store: Store<{ outbox: Pick<OutboxWriter, 'enqueue' | 'waitingByKey' | 'closeWaiting'> }>;
}

const weekly = { dayOfWeek: 1, hour: 9, minute: 0 };
const daily = { hour: 9, minute: 0 };

/** Digests left waiting in a channel digests no longer go to are dropped, with a note where they go now. */
export interface StrandedDigests {
  drop(teamId?: string): Promise<number>;
}

export function registerDigests(scheduler: Scheduler, { config, clock, logger, installs, postMortems, workspaces, store }: DigestScheduleOptions): StrandedDigests {
  const locale = config.locale;
  const digest = new DigestService({ clock, locale, views: { digest: digestMessage }, aggregate: (period) => postMortems.aggregate(period) });
  if (installs) {
    // OAuth installs: one schedule per installed workspace (keyed by its team, in its time zone), its
    // own figures, in its language, to its alerts channel, sent with its token. Uninstalled: none.
    const scopes = async () =>
      Promise.all((await installs.installedTeams()).map(async ({ teamId }) => ({ id: teamId, timeZone: await workspaces.timeZoneOf(await workspaces.workspaceIds(teamId)) })));
    const postFor = async (tx: Parameters<DigestService['post']>[0], firing: ReminderFiring, days: number) => {
      if (!firing.scope) return;
      const settings = await workspaces.settingsOfTeam(firing.scope);
      if (!settings.alertsChannel) {
        logger.warn({ team: firing.scope }, 'no digest for this workspace: it has no alerts channel yet (App Home, or /firebreak alerts #channel)');
        return;
      }
      await digest.post(tx, firing, days, { channelId: settings.alertsChannel, locale: workspaces.languageOf(settings.locale), workspaceId: settings.workspaceId, teamId: firing.scope });
    };
    scheduler.registerRecurring({ kind: DIGEST_WEEKLY_KIND, every: weekly, scopes, handler: (tx, firing) => postFor(tx, firing, 7) });
    if (config.dailyDigest) scheduler.registerRecurring({ kind: DIGEST_DAILY_KIND, every: daily, scopes, handler: (tx, firing) => postFor(tx, firing, 1) });
    return {
      async drop(teamId) {
        if (!teamId) return 0;
        const settings = await workspaces.settingsOfTeam(teamId);
        return settings.alertsChannel ? digest.dropStranded(store, { channelId: settings.alertsChannel, locale: workspaces.languageOf(settings.locale), teamId }) : 0;
      },
    };
  } else {
    const digestChannel = config.digestChannel ?? config.alertsChannel;
    if (digestChannel) {
      const target = { channelId: digestChannel, locale };
      scheduler.registerRecurring({ kind: DIGEST_WEEKLY_KIND, every: weekly, handler: (tx, firing) => digest.post(tx, firing, 7, target) });
      if (config.dailyDigest) scheduler.registerRecurring({ kind: DIGEST_DAILY_KIND, every: daily, handler: (tx, firing) => digest.post(tx, firing, 1, target) });
    }
    return { drop: async () => (digestChannel ? digest.dropStranded(store, { channelId: digestChannel, locale }) : 0) };
  }
}
