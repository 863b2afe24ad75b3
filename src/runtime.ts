// Wires the application to Slack and the database: playbooks, incident service, watcher, listeners,
// outbox worker, scheduler, leadership and detection ticks. main.ts calls it once Slack is configured.
import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Config } from './config.js';
import type { Clock } from './domain/clock.js';
import { t, type Locale } from './i18n/index.js';
import { languageHint } from './domain/language/detect.js';
import { resolveDetectorSettings, type DetectorSettings } from './domain/detection/settings.js';
import { detectorSettingsUnder, playbooksNameChannel, staffRefsOf } from './domain/playbooks/watching.js';
import { checkPlaybookReferences, formatProblem, PlaybookRegistry, type Playbook, type PlaybookProblem } from './domain/playbooks/index.js';
import type { Metrics } from './metrics.js';
import { createScheduler, registerRetentionJob, type Scheduler } from './jobs/index.js';
import { startPostgresLeadership, startSingleInstanceLeadership, type Leadership } from './jobs/leadership.js';
import { acquireSqliteInstanceGuard } from './jobs/instance-guard.js';
import type { Logger } from './logger.js';
import type { Database } from './store/database.js';
import { createStore } from './store/store.js';
import { appHomeView } from './slack/blocks/home.js';
import { registerCommandListeners } from './slack/listeners/commands.js';
import { installListenerGuard } from './slack/listener-guard.js';
import { registerEventListeners } from './slack/listeners/events.js';
import { registerInteractionListeners } from './slack/listeners/interactions.js';
import type { SlackServices } from './slack/listeners/services.js';
import { createOutboxWebClient, createOutboxWorker, type OutboxWorker } from './slack/outbox/index.js';
import { slackIncidentViews, slackUnansweredViews } from './slack/views.js';
import { slackDirectory } from './app/directory.js';
import { AppHome, HOME_METRICS_DAYS } from './app/home.js';
import { IncidentService, INCIDENT_REMINDER_KIND, outboxRecords } from './app/incidents.js';
import { PostMortemService, POSTMORTEM_REMINDER_KIND } from './app/postmortems.js';
import { registerPostMortemListeners } from './slack/listeners/postmortems.js';
import { slackFeedbackViews, slackPostMortemViews } from './slack/postmortem-views.js';
import { Watcher } from './app/watcher.js';
import { FeedbackService } from './app/feedback.js';
import { DIGEST_DAILY_KIND, DIGEST_WEEKLY_KIND, DigestService } from './app/digest.js';
import { digestMessage } from './slack/blocks/digest.js';
import { registerFeedbackListeners } from './slack/listeners/feedback.js';

export interface RuntimeOptions {
  config: Config;
  database: Database;
  app: App;
  /** Firebreak's own Web API client (the bot token); Bolt's app.client carries no token. */
  client?: WebClient;
  logger: Logger;
  clock: Clock;
  metrics?: Metrics;
  /** Spikes on this channel are drills (the sandbox while a scenario plays). */
  isDrill?(channelId: string): boolean;
}

export interface Runtime {
  incidents: IncidentService;
  feedback: FeedbackService;
  postMortems: PostMortemService;
  watcher: Watcher;
  playbooks: PlaybookRegistry;
  outbox: OutboxWorker;
  scheduler: Scheduler;
  leadership: Leadership;
  /** The leader's periodic work, run now (the ticker runs it every DETECTION_INTERVAL_SECONDS). */
  tick(): Promise<void>;
  close(): Promise<void>;
}

const CACHE_MS = 60_000;

/** A value cached for a minute, per key. */
function cached<T>(clock: Clock, load: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const entries = new Map<string, { at: number; value: Promise<T> }>();
  return (key) => {
    const entry = entries.get(key);
    if (entry && clock.now() - entry.at < CACHE_MS) return entry.value;
    const value = load(key).catch((error: unknown) => {
      entries.delete(key);
      throw error;
    });
    entries.set(key, { at: clock.now(), value });
    return value;
  };
}

export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { config, database, app, logger, clock, metrics } = options;
  const { prisma } = database;
  const store = createStore(prisma, database.target.provider);
  const client: WebClient = options.client ?? app.client;
  const locale: Locale = config.locale;

  const playbooks = await PlaybookRegistry.open(config.playbooksDir, {
    onProblems: (problems) => {
      for (const problem of problems) logger.warn({ file: problem.file, line: problem.line, column: problem.column, path: problem.path }, `playbook problem: ${problem.message}${problem.hint ? ` (${problem.hint})` : ''}`);
      // An edit that broke a playbook: the last good version keeps running, and the team is told.
      void tellAlertsChannel(problems, t(locale, 'ui.notice.playbook_edit_broken', {}));
    },
  });
  playbooks.watch();
  for (const problem of playbooks.problems) logger.warn({ file: problem.file, line: problem.line }, `playbook problem: ${problem.message}`);
  logger.info({ playbooks: playbooks.playbooks.map((playbook) => playbook.id) }, `loaded ${playbooks.playbooks.length} playbook(s)`);

  async function tellAlertsChannel(problems: readonly PlaybookProblem[], intro: string): Promise<void> {
    if (!config.alertsChannel || problems.length === 0) return;
    const lines = problems.slice(0, 15).map((problem) => `• \`${formatProblem(problem)}\``);
    const more = problems.length > 15 ? `\n…+${problems.length - 15}` : '';
    await client.chat
      .postMessage({ channel: config.alertsChannel, text: `:warning: ${intro}\n${lines.join('\n')}${more}`.slice(0, 3900) })
      .catch((error: unknown) => logger.warn({ err: error }, 'could not tell the alerts channel about playbook problems'));
  }

  const directory = slackDirectory(client, clock);
  // Channels and user groups a playbook names but the workspace lacks: reported, the others keep working.
  void checkPlaybookReferences(playbooks.playbooks, {
    channelExists: (ref) => directory.channelExists(ref),
    userGroupExists: async (ref) => Boolean(await directory.group(ref.startsWith('S') ? { kind: 'group', id: ref } : { kind: 'handle', handle: ref })),
  })
    .then((problems) => {
      for (const problem of problems) logger.warn({ file: problem.file, line: problem.line, path: problem.path }, `playbook reference: ${problem.message}`);
      return tellAlertsChannel(problems, t(locale, 'ui.notice.playbook_references_missing', {}));
    })
    .catch((error: unknown) => logger.warn({ err: error }, 'could not check playbook references'));
  const baseSettings = resolveDetectorSettings(config.detectorSettings, 'DETECTOR_SETTINGS');
  const channelName = cached(clock, async (channelId) => {
    if (channelId.includes(':')) return channelId.split(':').slice(1).join(':');
    const answer = await client.conversations.info({ channel: channelId }).catch(() => undefined);
    return answer?.channel?.name ?? null;
  });

  const staffUserIds = cached(clock, async () => {
    const ids = new Set<string>();
    for (const person of staffRefsOf(playbooks.playbooks)) {
      if (person.kind === 'user') ids.add(person.id);
      else (await directory.group(person).catch(() => null))?.memberUserIds.forEach((id) => ids.add(id));
    }
    return [...ids];
  });

  function playbookFor(channelId: string, name: string | null): Playbook | undefined {
    try {
      return playbooks.select({ channelId, ...(name ? { channelName: name } : {}) });
    } catch {
      return undefined;
    }
  }

  const settingsFor = (channelId: string, name: string | null): DetectorSettings => detectorSettingsUnder(playbookFor(channelId, name), baseSettings);

  // Both exist only after the services that wake them: filled in below.
  const workers: { outbox?: OutboxWorker; scheduler?: Scheduler } = {};
  const wake = () => {
    workers.outbox?.wake();
    workers.scheduler?.wake();
  };

  const postMortems = new PostMortemService({ store, clock, logger, views: slackPostMortemViews, bucketMs: baseSettings.bucketMs, onCommitted: wake });

  const incidents = new IncidentService({
    store,
    clock,
    logger,
    directory,
    views: slackIncidentViews,
    playbook: (id) => playbooks.get(id),
    selectPlaybook: (context) => playbooks.select(context),
    ...(config.alertsChannel ? { alertsChannel: config.alertsChannel } : {}),
    locale,
    onCommitted: wake,
    channelName,
    onPostMortemCreated: (tx, incident, postMortem, effects) => postMortems.applyEffects(tx, incident, postMortem, effects),
  });

  const isStaff = async (userId: string) => (await staffUserIds('all')).includes(userId);
  const feedback = new FeedbackService({ store, clock, logger, isStaff, views: slackFeedbackViews, onCommitted: wake });
  await feedback.refresh();

  const watcher = new Watcher({
    store,
    clock,
    logger,
    incidents,
    settingsFor,
    async describeChannel(_workspaceId, channelId) {
      const name = await channelName(channelId);
      return { name, watchedBy: playbooksNameChannel(playbooks.playbooks, { channelId, ...(name ? { channelName: name } : {}) }) ? 'playbook' : null };
    },
    isStaff,
    correctionsFor: (workspaceId) => feedback.correctionsFor(workspaceId),
    calibrate: (workspaceId, channelId, settings) => feedback.calibrate(workspaceId, channelId, settings),
    permalinkOf: async (channelId, ts) => (channelId.includes(':') ? null : ((await client.chat.getPermalink({ channel: channelId, message_ts: ts })).permalink ?? null)),
    onScored: (result) => metrics?.messagesScored.inc({ language: result.language, label: result.label }),
    onSpike: (decision) => metrics?.alertsRaised.inc({ severity: decision.explanation.kind }),
    onQuarantined: (reason) => metrics?.messagesQuarantined.inc({ reason }),
    onNormalised: (fix) => metrics?.inputNormalised.inc({ reason: fix }),
    ...(options.isDrill ? { isDrill: options.isDrill } : {}),
  });

  const workspaceIds = cached(clock, (teamId) => store.direct.workspaces.idForTeam(teamId));

  const services: SlackServices = {
    clock,
    logger,
    locale,
    incidents,
    watcher,
    playbook: (id) => playbooks.get(id),
    playbooks: () => playbooks.playbooks,
    workspaceId: workspaceIds,
    ...(metrics ? { metrics } : {}),
    firstDelivery: async (eventId) => {
      const first = await store.direct.processedEvents.recordOnce(eventId, clock.now());
      if (!first) metrics?.eventsDeduplicated.inc({ type: 'event' });
      return first;
    },
    templateDefaults: config.templateDefaults,
    channelName,
    communityLanguage: async (channelId) => {
      const channel = await store.direct.channels.findByChannelId(channelId);
      return channel?.languageMix ? languageHint(channel.languageMix) : undefined;
    },
    publishHome: (webClient, userId) => publishHome(webClient, userId),
    onUnknownAction: (actionId) => logger.warn({ actionId }, 'unknown action id'),
  };

  // App Home shows the last 30 days' medians and p90s, measured at most once a minute.
  const homeMetrics = cached(clock, () => postMortems.aggregate({ from: clock.now() - HOME_METRICS_DAYS * 86_400_000, to: clock.now() + 1 }));

  const home = new AppHome({
    store,
    clock,
    locale,
    policyFor: (playbookId) => incidents.policyFor(playbookId),
    channelName,
    settingsFor,
    recentPostMortems: (limit) => postMortems.recentPublished(limit),
    metrics: () => homeMetrics('home'),
  });

  async function publishHome(webClient: WebClient, userId: string): Promise<void> {
    const view = appHomeView(await home.modelFor(userId));
    await webClient.views.publish({ user_id: userId, view: view as never });
  }

  // Before any listener is registered: every one then runs behind the team check and the ack guard.
  // A token's team never changes: remembered once auth.test answers, asked again only after a failure.
  let installedTeamId: Promise<string | null> | undefined;
  const installedTeam = () =>
    (installedTeamId ??= client.auth.test().then(
      (answer) => answer.team_id ?? null,
      (error: unknown) => {
        installedTeamId = undefined;
        throw error;
      },
    ));
  void installedTeam().catch(() => undefined);
  installListenerGuard(app, {
    logger,
    locale,
    // Unknown only while Slack cannot be reached, when Bolt's own authorisation refuses requests anyway.
    isInstalled: async (teamId) => {
      const installed = await installedTeam().catch(() => undefined);
      return installed === undefined || installed === null ? false : installed === teamId;
    },
    ownerTeamOf: (incidentId) => incidents.ownerTeamOf(incidentId),
    audit: (entry) => incidents.recordRefusedRequest(entry),
    onRefused: (kind, reason) => metrics?.requestsRefused.inc({ kind, reason }),
    onListenerFailed: () => metrics?.processErrors.inc({ kind: 'listener_failed' }),
  });
  registerEventListeners(app, services);
  registerInteractionListeners(app, services);
  registerCommandListeners(app, services);
  registerPostMortemListeners(app, services, { postMortems, timeZone: config.teamTimezone });
  registerFeedbackListeners(app, services, feedback);
  app.error(async (error) => {
    logger.error({ err: error }, 'Slack listener failed');
  });

  if (!config.slack.botToken) throw new Error('startRuntime needs a bot token');
  const worker = createOutboxWorker({
    store,
    client: createOutboxWebClient({ token: config.slack.botToken, ...(config.slack.apiUrl ? { apiUrl: config.slack.apiUrl } : {}) }),
    clock,
    logger,
    ...(metrics ? { metrics } : {}),
    // A write Slack refuses for good (channel_not_found, not_in_channel…) is said in the incident thread.
    // A public reply's last gate: quorum on the exact text, preflight, drills kept in their thread.
    guards: { [outboxRecords.replyPosted]: (db, item) => incidents.replyHoldReason(db.incidents, item) },
    onFailed: (tx, failure) => incidents.onWriteRefused(tx, failure),
    afterSend: {
      [outboxRecords.root]: async (tx, sent) => {
        const posted = await incidents.onRootPosted(tx, sent);
        // The chart is an illustration, not a state change: drawn and uploaded after this commit, best effort.
        setImmediate(() => void postChart(posted.incidentId, posted.channelId, posted.ts));
      },
      [outboxRecords.replyPosted]: (tx, sent) => incidents.onReplyPosted(tx, sent),
    },
  });
  worker.start();
  workers.outbox = worker;

  /** The channel's negative share and volume over the last hours, spike marked, in the incident thread. */
  async function postChart(incidentId: string, channel: string, threadTs: string): Promise<void> {
    try {
      const record = await incidents.find(incidentId);
      if (!record) return;
      const { incident } = record.state;
      const watched = await store.direct.channels.findByChannelId(incident.channelId);
      if (!watched) return;
      const settings = settingsFor(incident.channelId, watched.name);
      const spikeAt = incident.firstAbnormalAt ?? incident.detectedAt;
      const from = spikeAt - 6 * 3_600_000;
      const series = await store.direct.buckets.countsSince(watched.ref, from);
      if (series.length < 2 || !series.some((bucket) => bucket.start <= spikeAt)) return;
      const { renderNegativityChart } = await import('./slack/chart/index.js');
      const png = await renderNegativityChart(series, {
        spikeAt: Math.max(series[0]!.start, Math.min(spikeAt, series.at(-1)!.start)),
        width: 640,
        height: 300,
        locale: incident.locale,
        timeZone: config.teamTimezone,
        bucketMs: settings.bucketMs,
      });
      await client.filesUploadV2({ channel_id: channel, thread_ts: threadTs, file: png, filename: `incident-${incident.number}-negativity.png`, title: `#${incident.number}` });
    } catch (error) {
      logger.warn({ err: error, incidentId }, 'could not post the negativity chart');
    }
  }

  const scheduler = createScheduler({ store, clock, logger, ...(metrics ? { metrics } : {}), timeZone: config.teamTimezone, onFired: wake });
  workers.scheduler = scheduler;
  scheduler.register(INCIDENT_REMINDER_KIND, (tx, firing) => incidents.fireReminder(tx, firing));
  scheduler.register(POSTMORTEM_REMINDER_KIND, (tx, firing) => postMortems.fireReminder(tx, firing));
  registerRetentionJob(scheduler, { retentionDays: config.messageRetentionDays, repositoriesIn: (tx) => tx });
  // Weekly digest (Monday 09:00 team time) and, when asked for, a daily one, to DIGEST_CHANNEL.
  const digestChannel = config.digestChannel ?? config.alertsChannel;
  if (digestChannel) {
    const digest = new DigestService({ clock, locale, channelId: digestChannel, views: { digest: digestMessage }, aggregate: (period) => postMortems.aggregate(period) });
    scheduler.registerRecurring({ kind: DIGEST_WEEKLY_KIND, every: { dayOfWeek: 1, hour: 9, minute: 0 }, handler: (tx, firing) => digest.post(tx, firing, 7) });
    if (config.dailyDigest) scheduler.registerRecurring({ kind: DIGEST_DAILY_KIND, every: { hour: 9, minute: 0 }, handler: (tx, firing) => digest.post(tx, firing, 1) });
  }

  const { remindUnanswered } = await import('./app/unanswered.js');
  const { peopleOf } = await import('./app/playbook-policy.js');
  /** The leader's periodic work: close buckets and detect; remind unanswered negative messages. */
  async function leaderTick(): Promise<void> {
    await watcher.tick();
    const reminded = await remindUnanswered({
      store,
      clock,
      views: slackUnansweredViews,
      locale,
      ...(config.alertsChannel ? { alertsChannel: config.alertsChannel } : {}),
      playbookFor,
      recipients: (playbook, audience) => peopleOf(playbook, audience, directory),
    });
    if (reminded > 0) wake();
  }
  let detectionTimer: NodeJS.Timeout | undefined;
  const startLeaderWork = async () => {
    await scheduler.start();
    const tick = () => {
      void leaderTick().catch((error: unknown) => logger.error({ err: error }, 'detection tick failed'));
    };
    detectionTimer = setInterval(tick, config.detectionIntervalMs);
    detectionTimer.unref();
  };
  const stopLeaderWork = async () => {
    if (detectionTimer) clearInterval(detectionTimer);
    detectionTimer = undefined;
    await scheduler.stop();
  };
  let leadership: Leadership;
  if (database.target.provider === 'postgres') {
    leadership = startPostgresLeadership({ url: database.target.url, logger, onElected: startLeaderWork, onDemoted: stopLeaderWork });
  } else {
    const guard = await acquireSqliteInstanceGuard({ leases: store.direct.leases, databaseFile: database.target.sqliteFile ?? database.target.url, logger });
    leadership = await startSingleInstanceLeadership(guard, { onElected: startLeaderWork, onDemoted: stopLeaderWork });
  }
  metrics?.setSources({ isLeader: () => leadership.isLeader });

  return {
    incidents,
    feedback,
    postMortems,
    watcher,
    playbooks,
    outbox: worker,
    scheduler,
    leadership,
    tick: leaderTick,
    async close() {
      await leadership.stop();
      await stopLeaderWork();
      await worker.stop();
      playbooks.close();
    },
  };
}
