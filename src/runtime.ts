// Wires the application to Slack and the database: playbooks, incident service, watcher, listeners,
// outbox worker, scheduler, leadership and detection ticks. main.ts calls it once Slack is configured.
// Parts with a job of their own live beside it in src/runtime/: per-workspace context, alerts channels,
// playbook notices, App Home publishing, digest schedules, the one-minute cache.
import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Config } from './config.js';
import type { Clock } from './domain/clock.js';
import { isLocale, type Locale } from './i18n/index.js';
import { languageHint } from './domain/language/detect.js';
import { resolveDetectorSettings, type DetectorSettings } from './domain/detection/settings.js';
import { detectorSettingsUnder, playbooksInDoubt, playbooksNameChannel, playbooksOfTeam, problemsByAudience, staffRefsOf } from './domain/playbooks/watching.js';
import { PlaybookRegistry, type Playbook } from './domain/playbooks/index.js';
import { CHANNEL_ID } from './domain/playbooks/ref-syntax.js';
import type { Metrics } from './metrics.js';
import { createScheduler, registerRetentionJob, type Scheduler } from './jobs/index.js';
import { startPostgresLeadership, startSingleInstanceLeadership, type Leadership } from './jobs/leadership.js';
import { acquireSqliteInstanceGuard } from './jobs/instance-guard.js';
import type { Logger } from './logger.js';
import type { Database } from './store/database.js';
import { createStore } from './store/store.js';
import { classifySlackFailure } from './slack/outbox/slack-errors.js';
import { registerCommandListeners } from './slack/listeners/commands.js';
import { installListenerGuard } from './slack/listener-guard.js';
import { registerEventListeners } from './slack/listeners/events.js';
import { registerInteractionListeners } from './slack/listeners/interactions.js';
import type { OperatorRefusal, SlackServices } from './slack/listeners/services.js';
import { createOutboxWebClient, createOutboxWorker, type OutboxWorker } from './slack/outbox/index.js';
import { slackIncidentViews, slackUnansweredViews } from './slack/views.js';
import { isFirebreakError } from './errors.js';
import { deactivatedAmong, GroupsUnavailableError, slackDirectory } from './app/directory.js';
import type { AlertsChannelGuard } from './app/alerts-channel.js';
import { incidentChart } from './app/incident-chart.js';
import { IncidentService, INCIDENT_REMINDER_KIND, outboxRecords, owningTeam, type ReminderContext } from './app/incidents.js';
import { PostMortemService, POSTMORTEM_REMINDER_KIND, type PostMortemReminderContext } from './app/postmortems.js';
import { replyParentKnownDeleted, tellWaitingReply } from './app/reply-guard.js';
import { activePostMortemReviewersOf, approversNow } from './app/playbook-policy.js';
import { registerPostMortemListeners } from './slack/listeners/postmortems.js';
import { slackFeedbackViews, slackPostMortemViews } from './slack/postmortem-views.js';
import { Watcher } from './app/watcher.js';
import { ChannelLifecycle } from './app/channel-lifecycle.js';
import { NamedChannelsService } from './app/named-channels.js';
import { channelNamed, channelNow } from './slack/channel-lookup.js';
import { FeedbackService } from './app/feedback.js';
import { registerFeedbackListeners } from './slack/listeners/feedback.js';
import type { InstallService } from './app/installs.js';
import type { Directory } from './app/directory.js';
import { registerInstallListeners } from './slack/listeners/installs.js';
import { registerSettingsListeners } from './slack/listeners/settings.js';
import { currentTeam, inTeam } from './slack/team-scope.js';
import { alertsChannels } from './runtime/alerts-channels.js';
import { appHomePublishing } from './runtime/app-home.js';
import { workspaceAdmins } from './runtime/workspace-admins.js';
import { cached } from './runtime/cached.js';
import { registerDigests, type StrandedDigests } from './runtime/digests.js';
import { playbookNotices } from './runtime/playbook-notices.js';
import { workspaceContext } from './runtime/workspaces.js';
import { personLanguage } from './runtime/person-language.js';
import { UnfinishedRequestService } from './app/unfinished-requests.js';
import { slackUnfinishedViews } from './slack/blocks/unfinished.js';
import { isDeadLocalInstance, newInstanceId } from './instance-id.js';

export interface RuntimeOptions {
  config: Config;
  database: Database;
  app: App;
  /** Firebreak's own Web API client (the bot token); Bolt's app.client carries no token. */
  client?: WebClient;
  /** The same tokens for answers a person waits on: a 429 rejects at once (app.ts); `client` when absent. */
  promptClient?: WebClient;
  logger: Logger;
  clock: Clock;
  metrics?: Metrics;
  /** Spikes on this channel are drills (the sandbox while a scenario plays). */
  isDrill?(channelId: string): boolean;
  /**
   * OAuth installs in several workspaces: each team's token comes from here (`client` routes every call
   * to the token of the team in scope), and app_uninstalled / tokens_revoked erase it.
   */
  installs?: InstallService;
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
  /** OAuth installs: checks a (newly installed) workspace's playbook references with its token and tells its alerts channel. */
  checkPlaybookReferences(teamId: string): Promise<void>;
  /**
   * OAuth installs, after a reinstall (and at start-up): approved replies the uninstall stopped are marked
   * not posted and their incident threads told, with the workspace's new token.
   */
  reportRepliesStoppedByUninstall(teamId: string): Promise<number>;
  /**
   * OAuth installs, after a reinstall (and at start-up): the alerts and cards whose edits the uninstall
   * stopped are redrawn from the stored state, and the thread lines it stopped listed in one note.
   */
  redrawWritesStoppedByUninstall(teamId: string): Promise<number>;
  /** Whether an alerts channel in use is a watched community channel, and how many incidents are held. */
  alertsChannelHealth(): Promise<AlertsChannelHealth>;
  /**
   * The language of what one person is told before any listener runs (a command Slack sent broken, a
   * workspace Firebreak cannot act for now): as every answer to one person (the workspace's App Home
   * choice, their Slack locale, LOCALE) for a workspace Firebreak serves; LOCALE for any other.
   */
  answerLocale(teamId: string | undefined, userId: string | undefined): Promise<Locale>;
  /** For /healthz: writes waiting for a channel Slack will not take them in, by reason, with the oldest's creation. */
  waitingWrites(): Promise<{ reason: string; count: number; oldestAt: number }[]>;
  close(): Promise<void>;
}

export interface AlertsChannelHealth {
  ok: boolean;
  /** Alerts channels in use (ALERTS_CHANNEL, a workspace's, a playbook's) that are watched community channels. */
  watchedChannels: string[];
  /** Open incidents whose root is held (never posted) because their alerts channel is watched. */
  heldIncidents: number;
}

export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { config, database, app, logger, clock, metrics } = options;
  const { prisma } = database;
  const store = createStore(prisma, database.target.provider);
  const client: WebClient = options.client ?? app.client;
  const locale: Locale = config.locale;
  const { installs } = options;
  // With OAuth installs every request runs in its team's scope (team-scope.ts), before any listener.
  if (installs) app.use(async ({ context, next }) => inTeam(context.teamId, next));
  const workspaces = workspaceContext({ store, clock, config, installs });
  const { workspaceIds, teamOfWorkspace, settingsOfTeam, timeZoneOf, languageOfWorkspace, teamKey, inWorkspace, forEachWorkspace } = workspaces;
  /** The bot token's own team (one bot token, no OAuth installs), once auth.test has answered. */
  let tokenTeamId: string | undefined;
  // A token's team never changes: remembered once auth.test answers, asked again only after a failure.
  let installedTeamId: Promise<string | null> | undefined;
  const installedTeam = (): Promise<string | null> =>
    (installedTeamId ??= client.auth.test().then(
      (answer) => (tokenTeamId = answer.team_id ?? undefined) ?? null,
      (error: unknown) => {
        installedTeamId = undefined;
        throw error;
      },
    ));
  if (!installs) void installedTeam().catch(() => undefined);
  /**
   * The Slack team a playbook look-up is for: the team in scope (OAuth installs), else the token's. A
   * playbook limited to other workspaces is then never consulted (unknown team: unlimited ones only).
   */
  const teamHere = (): string | undefined => (installs ? currentTeam() : tokenTeamId);

  const directories = new Map<string, Directory>();
  const directoryHere = () => {
    const key = teamKey();
    let found = directories.get(key);
    if (!found) directories.set(key, (found = slackDirectory(client, clock, options.promptClient)));
    return found;
  };
  const directory: Directory = {
    group: (ref, lookUp) => directoryHere().group(ref, lookUp),
    channelExists: (ref) => directoryHere().channelExists(ref),
    userExists: (userId) => directoryHere().userExists(userId),
    deactivatedUsers: (userIds, lookUp) => directoryHere().deactivatedUsers?.(userIds, lookUp) ?? Promise.resolve([]),
  };

  /** Resolved with the alerts-channel guard once it exists (below): notices wait for it (they go to alerts channels). */
  let alertsCheckReady!: (guard: AlertsChannelGuard) => void;
  const alertsCheckExists = new Promise<AlertsChannelGuard>((resolve) => (alertsCheckReady = resolve));
  const notices = playbookNotices({ config, client, logger, installs, workspaces, directory, alertsGuard: alertsCheckExists });
  /** Set once the watcher exists (below): channels a playbook put under watch follow each reload. */
  let followPlaybooks: (() => void) | undefined;
  /** Set once the incident service exists (below): alerts and cards of incidents whose playbook changed are redrawn. */
  let redrawForPlaybooks: ((playbookIds: string[]) => void) | undefined;
  const playbooks = await PlaybookRegistry.open(config.playbooksDir, {
    onReload: (reload) => {
      followPlaybooks?.();
      const touched = [...reload.added, ...reload.changed, ...reload.removed];
      if (touched.length > 0) redrawForPlaybooks?.(touched);
    },
    onProblems: (problems, serving) => {
      for (const problem of problems) logger.warn({ file: problem.file, line: problem.line, column: problem.column, path: problem.path }, `playbook problem: ${problem.message}${problem.hint ? ` (${problem.hint})` : ''}`);
      // An edit that broke a playbook: the last good version keeps running, and the workspaces it serves are told.
      for (const group of problemsByAudience(problems, serving)) {
        void notices
          .tellAlertsChannel(group.problems, 'ui.notice.playbook_edit_broken', group.workspaces)
          .catch((error: unknown) => logger.warn({ err: error }, 'could not tell about playbook problems'));
      }
    },
  });
  playbooks.watch();
  logger.info({ playbooks: playbooks.playbooks.map((playbook) => playbook.id) }, `loaded ${playbooks.playbooks.length} playbook(s)`);

  // Checked at start-up for every installed workspace, and for a new one when it installs.
  const checkReferences = async (teamId?: string) => {
    const team = teamId ?? (installs ? undefined : ((await installedTeam().catch(() => null)) ?? undefined));
    await notices.checkReferences(playbooksOfTeam(playbooks.playbooks, team), teamId);
  };
  void forEachWorkspace((teamId) =>
    checkReferences(teamId).catch((error: unknown) => logger.warn({ err: error, team: teamId }, 'could not check playbook references')),
  ).catch((error: unknown) => logger.warn({ err: error }, 'could not check playbook references'));
  const baseSettings = resolveDetectorSettings(config.detectorSettings, 'DETECTOR_SETTINGS');
  // Slack's answer about a channel's name: null when Slack answered without one (channel_not_found, no
  // access); a Slack that did not answer (500s, 429s past the client's retries, a lost connection) or
  // answered a passing `ok: false` (internal_error, fatal_error…) throws, and is asked again next time
  // instead of remembered: a new channel's first messages then wait in the inbox, never dropped as not watched.
  const answeredChannelName = cached(clock, async (channelId) => {
    if (channelId.includes(':')) return channelId.split(':').slice(1).join(':');
    const answer = await client.conversations.info({ channel: channelId }).catch((error: unknown) => {
      if ((error as { code?: unknown }).code === 'slack_webapi_platform_error' && classifySlackFailure(error).kind === 'permanent') return undefined;
      throw error;
    });
    return answer?.channel?.name ?? null;
  });
  /** The name when Slack gives it, null otherwise: for what can go on without it (a title, a notice). */
  const channelName = Object.assign((channelId: string) => answeredChannelName(channelId).catch(() => null), { forget: (channelId: string) => answeredChannelName.forget(channelId) });

  // People a playbook names are staff only in the workspaces it serves. Only a complete answer is kept:
  // when Slack did not list a group, the load fails with the people it could name (StaffIncomplete) and
  // the next look-up asks again, so nobody is refused for a minute on a list missing a group.
  const staffUserIds = cached(clock, async (teamId) => {
    const ids = new Set<string>();
    let unavailable: GroupsUnavailableError | undefined;
    for (const person of staffRefsOf(playbooksOfTeam(playbooks.playbooks, teamId || undefined))) {
      if (person.kind === 'user') ids.add(person.id);
      // Every group comes from one list: once Slack did not give it, asking again for the next is in vain.
      else if (!unavailable) {
        try {
          (await directory.group(person))?.memberUserIds.forEach((id) => ids.add(id));
        } catch (error) {
          if (!(error instanceof GroupsUnavailableError)) throw error;
          unavailable = error;
        }
      }
    }
    if (unavailable) throw new StaffIncomplete([...ids], unavailable);
    return [...ids];
  });
  /** Who the playbooks name in a team; `complete` is false when Slack did not say who is in a group just now. */
  const staffOf = (teamId: string): Promise<{ userIds: string[]; complete: boolean }> =>
    staffUserIds(teamId).then(
      (userIds) => ({ userIds, complete: true }),
      (error: unknown) => {
        if (error instanceof StaffIncomplete) return { userIds: error.known, complete: false };
        throw error;
      },
    );

  function playbookFor(channelId: string, name: string | null): Playbook | undefined {
    try {
      return playbooks.select({ channelId, ...(name ? { channelName: name } : {}), teamId: teamHere() });
    } catch {
      return undefined;
    }
  }

  const settingsFor = (channelId: string, name: string | null): DetectorSettings => detectorSettingsUnder(playbookFor(channelId, name), baseSettings);

  // The trust rule on alerts channels, asked wherever one is chosen and before each incident root is posted.
  const alertsChannelsInUse = alertsChannels({
    config,
    channels: store.direct.channels,
    playbooks: () => playbooksOfTeam(playbooks.playbooks, teamHere()),
    channelName,
    workspaces,
    // A check naming no workspace (a digest, a notice outside any incident, ALERTS_CHANNEL) reads the row of the team in scope.
    workspaceInScope: async () => {
      const team = teamHere();
      return team ? workspaceIds(team) : undefined;
    },
  });
  const alertsGuard = alertsChannelsInUse.guard;
  alertsCheckReady(alertsGuard);
  // Said loudly at start-up: incidents are never posted into a watched community channel.
  void forEachWorkspace(async (teamId) => {
    for (const channel of await alertsChannelsInUse.watchedOfTeam(teamId)) {
      logger.error({ channel, team: teamId }, 'an alerts channel is a watched community channel: incident threads are never posted there; choose a staff-only channel (App Home, /firebreak alerts, ALERTS_CHANNEL or the playbook\'s alertsChannel)');
    }
  }).catch((error: unknown) => logger.warn({ err: error }, 'could not check the alerts channels'));

  /** Set once the digest schedules exist (below): digests left waiting where digests no longer go are dropped. */
  const digests: { stranded?: StrandedDigests } = {};
  const dropStrandedDigests = (teamId?: string) =>
    (digests.stranded?.drop(teamId) ?? Promise.resolve(0)).catch((error: unknown) => {
      logger.error({ err: error, team: teamId }, 'could not drop the digests waiting for a channel digests no longer go to; tried again at the next alerts channel change or start');
      return 0;
    });
  // Both exist only after the services that wake them: filled in below.
  const workers: { outbox?: OutboxWorker; scheduler?: Scheduler } = {};
  const wake = () => {
    workers.outbox?.wake();
    workers.scheduler?.wake();
  };

  // A playbook's alertsChannel given by name is resolved once to its ID (asked with the workspace's token).
  const namedChannels = new NamedChannelsService({
    store,
    logger,
    clock,
    lookup: (workspaceId, name) => (inWorkspace ? inWorkspace(workspaceId, () => channelNamed(client, name)) : channelNamed(client, name)),
  });
  const resolveNamedChannels = () =>
    forEachWorkspace(async (teamId) => {
      const team = teamId ?? (installs ? undefined : ((await installedTeam().catch(() => null)) ?? undefined));
      if (team) await namedChannels.resolveAll(await workspaceIds(team), playbooksOfTeam(playbooks.playbooks, team));
    }).catch((error: unknown) => logger.warn({ err: error }, 'could not resolve the alerts channels playbooks give by name; tried again at the next incident'));

  const postMortems = new PostMortemService({
    store,
    clock,
    logger,
    views: slackPostMortemViews,
    bucketMs: baseSettings.bucketMs,
    timeZoneOf,
    onCommitted: wake,
    reviewersOf: async (incident) => {
      const playbook = playbooks.get(incident.state.incident.playbookId);
      return playbook ? activePostMortemReviewersOf(playbook, directory) : null;
    },
    deactivatedAmong: (userIds) => deactivatedAmong(directory, userIds),
    approversOf: async (incident) => {
      const playbook = playbooks.get(incident.state.incident.playbookId);
      return playbook ? approversNow(playbook, directory) : [];
    },
  });

  const incidents = new IncidentService({
    store,
    clock,
    logger,
    directory,
    views: slackIncidentViews,
    playbook: (id) => playbooks.get(id),
    selectPlaybook: async (context, workspaceId) => playbooks.select({ ...context, teamId: (await teamOfWorkspace(workspaceId)) ?? undefined }),
    ...(config.alertsChannel ? { alertsChannel: config.alertsChannel } : {}),
    workspaceSettings: (workspaceId) => store.direct.installations.settings(workspaceId),
    alertsChannelRefusal: (channelId, workspaceId) => alertsGuard.refusal(channelId, workspaceId),
    resolveChannel: (workspaceId, ref) => namedChannels.resolve(workspaceId, ref),
    locale,
    onCommitted: wake,
    channelName,
    onPostMortemCreated: (tx, incident, postMortem, effects) => postMortems.applyEffects(tx, incident, postMortem, effects),
  });
  // A playbook edit may change who can approve a reply waiting for approval: its incidents' alerts and
  // cards say it as the playbook says now (each workspace in its team's scope, one reload at a time).
  let redrawing = Promise.resolve();
  redrawForPlaybooks = (playbookIds) => {
    redrawing = redrawing
      .then(() =>
        forEachWorkspace(async (teamId) => {
          const workspaceId = teamId ? await workspaceIds(teamId) : undefined;
          await incidents.approversChanged({ ...(workspaceId ? { workspaceId } : {}), playbookIds, reason: 'playbook' });
        }),
      )
      .catch((error: unknown) => logger.error({ err: error }, 'could not redraw the incidents a playbook edit changed the approvers of'));
  };
  // A reinstall reports the replies its uninstall stopped and redraws the alerts and cards whose edits it
  // stopped; a process gone before it did is caught up here.
  if (installs) {
    void forEachWorkspace(async (teamId) => {
      if (!teamId) return;
      await incidents.reportRepliesStoppedByUninstall(teamId).catch((error: unknown) => logger.warn({ err: error, team: teamId }, 'could not report the replies an uninstall stopped'));
      await incidents.redrawWritesStoppedByUninstall(teamId);
    }).catch((error: unknown) => logger.warn({ err: error }, 'could not redraw the incidents an uninstall left stale'));
  }

  // Replies an older version left waiting for approval in incidents it resolved: closed once, as resolve
  // closes them (on every instance, as the catch-ups above: a second decision finds nothing and changes nothing).
  const leftWaitingFailed = 'could not close the replies left waiting in resolved incidents; tried again at the next start';
  void forEachWorkspace(async (teamId) => {
    // One workspace failing leaves the others to be closed.
    try {
      await incidents.closeRepliesLeftWaiting(teamId ? await workspaceIds(teamId) : undefined);
    } catch (error) {
      logger.error({ err: error, team: teamId }, leftWaitingFailed);
    }
  }).catch((error: unknown) => logger.error({ err: error }, leftWaitingFailed));

  // Scoring: someone Slack could not confirm as staff just now counts as a member (their message is scored).
  // Every message asks, so what Slack last said, complete or not, is kept a few seconds: while Slack
  // cannot list the groups, each message would otherwise wait on it (up to 1.5 s) and ask it once more.
  const staffForScoring = cached(clock, async (teamId) => (await staffOf(teamId)).userIds, { ttlMs: 5_000 });
  const isStaff = async (userId: string) => (await staffForScoring(teamHere() ?? '')).includes(userId);
  const admins = workspaceAdmins({ clock, installs });

  /**
   * Who operates Firebreak in a workspace (every command but help, and App Home): the people its
   * playbooks name (isStaff), its Slack admins and owners, and whoever installed Firebreak there (OAuth).
   * Admins and owners keep a workspace whose playbooks name nobody yet (the shipped default, a fresh
   * install) from being locked out, with the users:read scope Firebreak already has; membership of the
   * alerts channel is not used (anyone may join a public one). Anything Slack cannot confirm says no
   * (`slack_unavailable`, said as such and never cached); users.info answers are kept briefly per
   * (team, user) and forgotten on user_change.
   */
  async function operatorRefusal(teamId: string | undefined, userId: string, webClient: WebClient): Promise<OperatorRefusal | null> {
    const team = teamId ?? teamHere() ?? (installs ? undefined : ((await installedTeam().catch(() => null)) ?? undefined));
    const staff = await staffOf(team ?? '');
    if (staff.userIds.includes(userId)) return null;
    if (team === undefined) return staff.complete ? 'not_staff' : 'groups_unavailable';
    const answer = await admins.check(team, userId, webClient);
    if (answer === 'admin') return null;
    if (answer === 'unconfirmed') return 'slack_unavailable';
    // Not an admin, and maybe in a group Slack did not list: not refused on that list, told Slack did not answer.
    return staff.complete ? 'not_staff' : 'groups_unavailable';
  }
  const mayOperate = async (teamId: string | undefined, userId: string, webClient: WebClient) => (await operatorRefusal(teamId, userId, webClient)) === null;
  const feedback = new FeedbackService({ store, clock, logger, views: slackFeedbackViews, onCommitted: wake });
  await feedback.refresh();
  await feedback.recalibrate().catch((error: unknown) => logger.warn({ err: error }, 'could not derive channel calibrations again from their feedback'));

  const watcher = new Watcher({
    store,
    clock,
    logger,
    incidents,
    settingsFor,
    async describeChannel(workspaceId, channelId) {
      // Whether a playbook names it needs its name: without Slack's answer the message waits in the inbox
      // and is tried again, rather than being dropped as not watched.
      const name = await answeredChannelName(channelId);
      const serving = playbooksOfTeam(playbooks.playbooks, (await teamOfWorkspace(workspaceId)) ?? undefined);
      return { name, watchedBy: playbooksNameChannel(serving, { channelId, ...(name ? { channelName: name } : {}) }) ? 'playbook' : null };
    },
    isStaff,
    correctionsFor: (workspaceId) => feedback.correctionsFor(workspaceId),
    calibrate: (workspaceId, channelId, settings) => feedback.calibrate(workspaceId, channelId, settings),
    forgetDeleted: (deletion) => feedback.messageDeleted(deletion),
    ...(inWorkspace ? { inWorkspace } : {}),
    permalinkOf: async (channelId, ts) => (channelId.includes(':') ? null : ((await client.chat.getPermalink({ channel: channelId, message_ts: ts })).permalink ?? null)),
    onScored: (result) => metrics?.messagesScored.inc({ language: result.language, label: result.label }),
    // Labelled with the incident's severity (sev1–sev4; `unknown` if it could not be read): bounded.
    onSpike: (_decision, _channelId, severity) => metrics?.alertsRaised.inc({ severity: severity ?? 'unknown' }),
    onQuarantined: (reason) => metrics?.messagesQuarantined.inc({ reason }),
    onNormalised: (fix) => metrics?.inputNormalised.inc({ reason: fix }),
    ...(options.isDrill ? { isDrill: options.isDrill } : {}),
  });

  // A channel a playbook put under watch is watched while a playbook serving its workspace names it:
  // after each reload (and now, at start-up) the others stop, and those named again resume. One run
  // at a time; idempotent, so instances sharing a database may all run it.
  let following = Promise.resolve();
  followPlaybooks = () => {
    // A name a playbook (now) gives its alerts channel is resolved while Slack still knows it.
    void resolveNamedChannels();
    following = following
      .then(async () => {
        const { stopped } = await watcher.followPlaybooks(
          async (workspaceId) => playbooksOfTeam(playbooks.playbooks, (await teamOfWorkspace(workspaceId)) ?? undefined),
          { mayStop: !playbooksInDoubt(playbooks.problems, playbooks.playbooks) },
        );
        // No longer watched, an alerts channel is safe again: incidents held there are raised now (as after /firebreak unwatch).
        for (const workspaceId of new Set(stopped.map((channel) => channel.workspaceId))) {
          await (inWorkspace ? inWorkspace(workspaceId, () => incidents.raiseHeldIncidents(workspaceId)) : incidents.raiseHeldIncidents(workspaceId));
        }
      })
      .catch((error: unknown) => logger.error({ err: error }, 'could not make the channels playbooks watch follow the playbooks; tried again at the next playbook edit or start'));
  };
  followPlaybooks();

  // Channels changing under Firebreak: renames carry the stored name along; a channel usable again gets its waiting writes.
  const channelLifecycle = new ChannelLifecycle({
    store,
    watcher,
    clock,
    logger,
    servingOf: async (workspaceId) => playbooksOfTeam(playbooks.playbooks, (await teamOfWorkspace(workspaceId)) ?? undefined),
    mayStop: () => !playbooksInDoubt(playbooks.problems, playbooks.playbooks),
    forgetChannelName: (channelId) => channelName.forget(channelId),
    namedChannelRenamed: (workspaceId, channelId, name) => namedChannels.renamed(workspaceId, channelId, name),
    namedChannelDeleted: (workspaceId, channelId) => namedChannels.channelDeleted(workspaceId, channelId),
    channelNow: (workspaceId, channelId) => (inWorkspace ? inWorkspace(workspaceId, () => channelNow(client, channelId)) : channelNow(client, channelId)),
    channelTookName: (workspaceId, channelId, name, serving) => namedChannels.channelTookName(workspaceId, channelId, name, serving),
    raiseHeldIncidents: (workspaceId) => (inWorkspace ? inWorkspace(workspaceId, () => incidents.raiseHeldIncidents(workspaceId)) : incidents.raiseHeldIncidents(workspaceId)),
    onReleased: wake,
  });

  /** A name an incident's root was posted to means the channel Slack posted it in: remembered for the workspace. */
  async function learnChannelName(incidentId: string, name: string, channelId: string): Promise<void> {
    try {
      const found = await incidents.find(incidentId);
      if (found) await namedChannels.learn(found.workspaceId, name, channelId);
    } catch (error) {
      logger.warn({ err: error, incidentId, channelName: name }, 'could not remember which channel a name given as alerts channel means; asked of Slack at the next incident');
    }
  }

  /** Playbooks (serving the workspace) that give their alerts channel by a name Slack renamed. */
  async function renamedAlertsChannels(workspaceId: string | undefined) {
    const team = installs ? (workspaceId ? await teamOfWorkspace(workspaceId) : null) : await installedTeam().catch(() => null);
    if (!team) return [];
    return namedChannels.outdated(workspaceId ?? (await workspaceIds(team)), playbooksOfTeam(playbooks.playbooks, team));
  }
  const appHome = appHomePublishing({ store, clock, config, installs, incidents, postMortems, channelName, settingsFor, workspaces, alertsChannels: alertsChannelsInUse, operatorRefusal, admins, renamedAlertsChannels,
    // Read at each draw, once the services below exist.
    localeOfPerson: (teamId, userId, webClient) => services.localeOfPerson(teamId, userId, webClient),
  });

  const services: SlackServices = {
    clock,
    logger,
    locale,
    localeFor: async (teamId) => {
      const team = installs ? (teamId ?? currentTeam()) : undefined;
      return team ? languageOfWorkspace(await workspaceIds(team)) : locale;
    },
    localeOfPerson: personLanguage({
      fallback: locale,
      chosenByWorkspace: async (teamId) => {
        const team = installs ? (teamId ?? currentTeam()) : undefined;
        const chosen = team ? (await settingsOfTeam(team)).locale : null;
        return isLocale(chosen) ? chosen : undefined;
      },
      slackLocale: async (teamId, userId, webClient) => {
        const team = teamId ?? teamHere() ?? (installs ? undefined : ((await installedTeam().catch(() => null)) ?? undefined));
        return team === undefined ? undefined : admins.slackLocale(team, userId, webClient);
      },
    }),
    incidents,
    watcher,
    // An incident opened under a playbook before it was limited to other workspaces offers nothing from it.
    playbook: (id) => playbooksOfTeam(playbooks.playbooks, teamHere()).find((playbook) => playbook.id === id),
    playbooks: () => playbooksOfTeam(playbooks.playbooks, teamHere()),
    workspaceId: workspaceIds,
    ...(metrics ? { metrics } : {}),
    templateDefaults: config.templateDefaults,
    channelName,
    // The workspace's own row: a Slack Connect channel has the same id (and its own mix) in the other organisation.
    communityLanguage: async (workspaceId, channelId) => {
      const channel = await store.direct.channels.find(workspaceId, channelId);
      return channel?.languageMix ? languageHint(channel.languageMix) : undefined;
    },
    isAlertsChannel: async (teamId, channelId) => {
      const settings = await settingsOfTeam(teamId);
      const named = alertsChannelsInUse.named(settings.alertsChannel);
      if (named.includes(channelId)) return true;
      // A playbook may name its alerts channel by name (`alerts`, `#alerts`): Slack is asked only then.
      const byName = named.filter((channel) => !CHANNEL_ID.test(channel)).map((channel) => channel.replace(/^#/, ''));
      if (byName.length === 0) return false;
      // The channel a name meant when resolved, though Slack has renamed it since.
      for (const name of byName) if ((await store.direct.namedChannels.find(settings.workspaceId, name))?.channelId === channelId) return true;
      const name = await channelName(channelId).catch(() => null);
      return name !== null && byName.includes(name);
    },
    async isStaffAlertsChannel(teamId, channelId) {
      if (!(await services.isAlertsChannel?.(teamId, channelId))) return false;
      return (await alertsGuard.refusal(channelId, (await settingsOfTeam(teamId)).workspaceId)) === null;
    },
    channelLifecycle: {
      renamed: async (teamId, event) => channelLifecycle.renamed(await workspaceIds(teamId), event),
      // With OAuth installs only that team's writes; one bot token has one team.
      usableAgain: async (teamId, event) => channelLifecycle.usableAgain(event, installs ? teamId : undefined, await workspaceIds(teamId)),
      created: async (teamId, event) => channelLifecycle.created(await workspaceIds(teamId), event),
      deleted: async (teamId, event) => channelLifecycle.deleted(await workspaceIds(teamId), event),
    },
    mayOperate,
    async refuseNonOperator(teamId, userId, action, webClient) {
      const refusal = await operatorRefusal(teamId, userId, webClient);
      if (refusal === null) return null;
      await store.direct.audit.record({ at: clock.now(), userId, action, outcome: `refused:${refusal}`, incidentId: null, data: { teamId } });
      metrics?.requestsRefused.inc({ kind: action.slice(0, Math.max(0, action.indexOf(':'))) || 'command', reason: refusal });
      return refusal;
    },
    // Slack says who changed: a member's role (user_change), a group's members (subteam_*). Other instances
    // keep their answers until these expire, which is why both stay short and an approval asks again.
    userChanged: (teamId, userId) => {
      admins.forget(teamId, userId);
      directories.get(installs ? teamId : '')?.forgetUser?.(userId);
    },
    async userDeactivated(teamId, userId) {
      // With OAuth installs only that team's incidents; one bot token has one team.
      const workspaceId = installs ? await workspaceIds(teamId) : undefined;
      // Open incidents stop counting on them; post-mortems in review stop waiting for them.
      const work = async () => {
        await incidents.personDeactivated(userId, workspaceId);
        await postMortems.personDeactivated(userId, workspaceId);
      };
      await (inWorkspace && workspaceId ? inWorkspace(workspaceId, work) : work());
    },
    async userActive(teamId, userId) {
      const workspaceId = installs ? await workspaceIds(teamId) : undefined;
      await (inWorkspace && workspaceId ? inWorkspace(workspaceId, () => incidents.personReactivated(userId, workspaceId)) : incidents.personReactivated(userId, workspaceId));
    },
    async userGroupChanged(teamId) {
      directories.get(installs ? teamId : '')?.forget?.();
      staffUserIds.forget(teamId);
      staffUserIds.forget('');
      // A reply may have become approvable, or no longer: the alerts and cards say it as Slack says now.
      const workspaceId = installs ? await workspaceIds(teamId) : undefined;
      const redraw = () => incidents.approversChanged({ ...(workspaceId ? { workspaceId } : {}), approverGroups: true, reason: 'user_group' });
      await (inWorkspace && workspaceId ? inWorkspace(workspaceId, redraw) : redraw());
    },
    publishHome: (webClient, userId, refusedAlertsChannel) => appHome.publishHome(webClient, userId, refusedAlertsChannel),
    onUnknownAction: (actionId) => logger.warn({ actionId }, 'unknown action id'),
    async updateWorkspaceSettings(teamId, userId, change, webClient, unusable) {
      // Fail closed: a Slack that does not say in time who this is (slow, 429, 5xx) changes nothing, and is said as such.
      const admin = await admins.check(teamId, userId, webClient);
      const allowed = admin === 'admin';
      const refusal = allowed && change.alertsChannel ? (unusable ?? (await alertsGuard.refusal(change.alertsChannel, await workspaceIds(teamId)))) : null;
      const outcome = admin === 'unconfirmed' ? 'refused:slack_unavailable' : !allowed ? 'refused:not_admin' : refusal ? (`refused:${refusal}` as const) : 'accepted';
      // One commit of its own: the change and its audit together (on SQLite a write outside a
      // transaction would join, and could be rolled back with, whichever one is open).
      await store.transaction(async (tx) => {
        await tx.audit.record({ at: clock.now(), userId, action: 'workspace.settings', outcome, incidentId: null, data: { teamId, ...change } });
        if (outcome === 'accepted') await tx.installations.updateSettings(teamId, change);
      });
      // A safe alerts channel now: incidents held in a watched one are raised there (after the answer).
      if (outcome === 'accepted' && change.alertsChannel) {
        void workspaceIds(teamId)
          .then((workspaceId) => incidents.raiseHeldIncidents(workspaceId))
          // Digests stranded in the old channel: dropped, with a note in the new one (a summary, not an alert).
          .then(() => dropStrandedDigests(teamId))
          .catch((error: unknown) => logger.error({ err: error, team: teamId }, 'could not raise held incidents after the alerts channel changed'));
      }
      return outcome;
    },
  };

  // Requests the guard acknowledged before their listener finished: told to their person after a crash.
  const unfinished = new UnfinishedRequestService({
    store,
    clock,
    logger,
    instanceId: newInstanceId(),
    claimantAlive: (instanceId) => !isDeadLocalInstance(instanceId),
    languageOf: (teamId, userId) => answerLocale(teamId ?? undefined, userId),
    workspaceIdOf: workspaceIds,
    views: slackUnfinishedViews,
    onEnqueued: () => wake(),
  });

  // Before any listener is registered: every one then runs behind the team check and the ack guard.
  installListenerGuard(app, {
    logger,
    locale,
    localeFor: () => services.localeFor(),
    localeOfPerson: (teamId, userId, webClient) => services.localeOfPerson(teamId, userId, webClient),
    // Unknown only while Slack cannot be reached, when Bolt's own authorisation refuses requests anyway.
    isInstalled: async (teamId) => {
      if (installs) return installs.isInstalled(teamId);
      const installed = await installedTeam().catch(() => undefined);
      return installed === undefined || installed === null ? false : installed === teamId;
    },
    ownerTeamOf: (incidentId) => incidents.ownerTeamOf(incidentId),
    ownerTeamOfFeedback: async (feedbackId) => {
      const found = await store.direct.feedback.find(feedbackId);
      const teamId = found ? await store.direct.workspaces.teamOf(found.workspaceId) : null;
      return teamId ? owningTeam(teamId) : undefined;
    },
    audit: (entry) => incidents.recordRefusedRequest(entry),
    onRefused: (kind, reason) => metrics?.requestsRefused.inc({ kind, reason }),
    onListenerFailed: () => metrics?.processErrors.inc({ kind: 'listener_failed' }),
    unfinished: { keep: (request) => unfinished.keep(request), finished: (id) => unfinished.finished(id), failed: (id, person, text) => unfinished.failed(id, person, text) },
  });
  registerEventListeners(app, services);
  registerInteractionListeners(app, services);
  registerCommandListeners(app, services);
  registerPostMortemListeners(app, services, { postMortems, timeZoneOf });
  registerFeedbackListeners(app, services, feedback);
  if (installs) registerSettingsListeners(app, services);
  if (installs) registerInstallListeners(app, { uninstalled: (teamId, reason, happenedAt) => installs.uninstalled(teamId, reason, happenedAt), logger });

  if (!config.slack.botToken && !installs) throw new Error('startRuntime needs a bot token or the OAuth installs');
  const worker = createOutboxWorker({
    store,
    client: createOutboxWebClient({ ...(config.slack.botToken ? { token: config.slack.botToken } : {}), ...(config.slack.apiUrl ? { apiUrl: config.slack.apiUrl } : {}) }),
    // OAuth installs: each item goes with its workspace's token, looked up when it is sent.
    ...(installs ? { tokenFor: async (teamId: string | null) => (teamId ? installs.botToken(teamId) : null) } : {}),
    clock,
    logger,
    ...(metrics ? { metrics } : {}),
    unansweredWaitMs: config.outboxUnansweredWaitMs,
    // A write Slack refuses for good (channel_not_found, not_in_channel…) is said in the incident thread.
    // A public reply's last gate: quorum on the exact text, preflight, drills kept in their thread.
    guards: { [outboxRecords.replyPosted]: (db, item) => incidents.replyHoldReason(db.incidents, item) },
    // Nothing internal goes to an alerts channel once that channel is a watched community channel.
    writeGuard: (item) => incidents.writeHoldReason(item),
    // Internal writes wait for a channel Slack will not take them in now; a public reply does not (it was approved for that moment: said in the thread instead).
    waitsForChannel: (item) => item.record?.kind !== outboxRecords.replyPosted,
    // A public reply is never posted twice nor under a deleted member message: held for staff when unsure.
    postsWithCare: (item) => item.record?.kind === outboxRecords.replyPosted,
    // A member's message the watcher saw deleted holds its reply without a read Slack may rate-limit.
    parentKnownDeleted: (parent) => replyParentKnownDeleted(store.direct, parent),
    // A reply waiting out Slack's limit on reads before posting is said in its incident thread (once per read).
    onReadWait: (tx, wait) => (wait.record?.kind === outboxRecords.replyPosted ? tellWaitingReply(tx, wait, clock.now()) : Promise.resolve()),
    // What recording an alert root or a public reply needs from Slack (user groups, a channel name): asked before its transaction.
    prepare: (item) => incidents.contextForWrite(item),
    onFailed: (tx, failure, context) => incidents.onWriteRefused(tx, failure, context),
    afterSend: {
      [outboxRecords.root]: async (tx, sent, context) => {
        const posted = await incidents.onRootPosted(tx, sent, context);
        // Posted to a channel given by name: Slack's answer says which channel the name means (kept after this commit).
        const given = sent.args['channel'];
        if (typeof given === 'string' && !CHANNEL_ID.test(given)) setImmediate(() => void learnChannelName(posted.incidentId, given, posted.channelId));
        // The chart is an illustration, not a state change: drawn and uploaded after this commit, best effort.
        setImmediate(() => void postChart(posted.incidentId, posted.channelId, posted.ts));
      },
      [outboxRecords.replyPosted]: (tx, sent, context) => incidents.onReplyPosted(tx, sent, context),
    },
  });
  worker.start();
  workers.outbox = worker;
  // Requests a crashed instance acknowledged and never finished: each person told once (the outbox sends
  // it), at start-up and then every minute (another machine's instance is only known gone once its rows are old).
  const tellUnfinished = () =>
    void unfinished
      .tellLeftBehind()
      .then((told) => told > 0 && wake())
      .catch((error: unknown) => logger.error({ err: error }, 'could not tell people about requests left unfinished by a crash; tried again in a minute'));
  tellUnfinished();
  const unfinishedTimer = setInterval(tellUnfinished, 60_000);
  unfinishedTimer.unref();

  // At start-up (ALERTS_CHANNEL or a playbook corrected): incidents held in a watched channel, or waiting
  // for one Slack would not take them in, are raised in the alerts channel chosen now, each workspace with
  // its own token. Idempotent: two instances raise each once. One workspace that fails (its row, the
  // database for a moment) does not keep the others' held. Then the writes still waiting for their
  // channel are tried once more (an unarchive may have come while Firebreak was down).
  void forEachWorkspace(async (teamId) => {
    try {
      await incidents.raiseHeldIncidents(teamId ? await workspaceIds(teamId) : undefined);
      await dropStrandedDigests(teamId);
    } catch (error) {
      logger.error({ err: error, team: teamId }, 'could not raise held incidents at start-up');
    }
  })
    .catch((error: unknown) => logger.error({ err: error }, 'could not raise held incidents at start-up'))
    .then(() => channelLifecycle.retryWaiting())
    .catch((error: unknown) => logger.error({ err: error }, 'could not put back the writes waiting for their channel at start-up'));

  /** For /healthz: alerts channels in use that are watched community channels, and incidents held because of them. */
  async function alertsChannelHealth(): Promise<AlertsChannelHealth> {
    const watched = new Set<string>();
    await forEachWorkspace(async (teamId) => {
      for (const channel of await alertsChannelsInUse.watchedOfTeam(teamId)) watched.add(channel);
    });
    const heldIncidents = (await incidents.heldIncidents()).length;
    return { ok: watched.size === 0 && heldIncidents === 0, watchedChannels: [...watched], heldIncidents };
  }

  /** The channel's negative share and volume over the last hours, spike marked, in the incident thread. */
  async function postChart(incidentId: string, channel: string, threadTs: string): Promise<void> {
    try {
      const chart = await incidentChart(
        { store, find: (id) => incidents.find(id), settingsFor, timeZoneOf },
        incidentId,
      );
      if (!chart) return;
      // Loaded only when a chart is drawn: the renderer (Vega, resvg) is heavy at start-up.
      const { postIncidentChart } = await import('./slack/chart/post-incident-chart.js');
      const teamId = installs ? await incidents.ownerTeamOf(incidentId) : undefined;
      await inTeam(teamId, () => postIncidentChart(client, chart, channel, threadTs));
    } catch (error) {
      logger.warn({ err: error, incidentId }, 'could not post the negativity chart');
    }
  }

  const scheduler = createScheduler({ store, clock, logger, ...(metrics ? { metrics } : {}), timeZone: config.teamTimezone, onFired: wake });
  workers.scheduler = scheduler;
  /** A reminder's handler runs for its incident's workspace (OAuth installs: that team's token). */
  const forIncident = async <T>(incidentId: string | null, work: () => Promise<T>): Promise<T> => inTeam(installs && incidentId ? await incidents.ownerTeamOf(incidentId) : undefined, work);
  scheduler.register<ReminderContext | null>(
    INCIDENT_REMINDER_KIND,
    (tx, firing, context) => forIncident(firing.incidentId, () => incidents.fireReminder(tx, firing, context)),
    // Its incident's user groups and channel name are asked of Slack (with that workspace's token) before the transaction.
    (firing) => forIncident(firing.incidentId, () => incidents.contextForReminder(firing)),
  );
  scheduler.register<PostMortemReminderContext | null>(
    POSTMORTEM_REMINDER_KIND,
    (tx, firing, context) => forIncident(firing.incidentId, () => postMortems.fireReminder(tx, firing, context)),
    // Whether its recipients still have Slack accounts is asked (with that workspace's token) before the transaction.
    (firing) => forIncident(firing.incidentId, () => postMortems.contextForReminder(firing)),
  );
  registerRetentionJob(scheduler, { retentionDays: config.messageRetentionDays, repositoriesIn: (tx) => tx });
  digests.stranded = registerDigests(scheduler, { config, clock, logger, installs, postMortems, workspaces, store });

  const { remindUnanswered } = await import('./app/unanswered.js');
  const { peopleOf } = await import('./app/playbook-policy.js');
  /** The leader's periodic work: close buckets and detect; remind unanswered negative messages. */
  async function leaderTick(): Promise<void> {
    await watcher.tick();
    const reminded = await remindUnanswered({
      store,
      clock,
      views: slackUnansweredViews,
      languageOf: languageOfWorkspace,
      ...(config.alertsChannel && !installs ? { alertsChannel: config.alertsChannel } : {}),
      alertsChannelOf: async (workspaceId) => (await store.direct.installations.settings(workspaceId)).alertsChannel,
      ...(inWorkspace ? { inWorkspace } : {}),
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

  async function answerLocale(teamId: string | undefined, userId: string | undefined): Promise<Locale> {
    if (!teamId) return locale;
    // A stored token no key opens is still an installation: its App Home choice is in the database.
    const unreadable = (error: unknown) => isFirebreakError(error) && (error.code === 'token_undecryptable' || error.code === 'token_key_missing');
    const served = installs ? await installs.isInstalled(teamId).catch(unreadable) : (await installedTeam().catch(() => null)) === teamId;
    if (!served) return locale;
    return inTeam(teamId, () => (userId ? services.localeOfPerson(teamId, userId, client) : services.localeFor(teamId))).catch(() => locale);
  }

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
    checkPlaybookReferences: (teamId) => inTeam(teamId, () => checkReferences(teamId)),
    reportRepliesStoppedByUninstall: (teamId) => inTeam(teamId, () => incidents.reportRepliesStoppedByUninstall(teamId)),
    redrawWritesStoppedByUninstall: (teamId) => inTeam(teamId, () => incidents.redrawWritesStoppedByUninstall(teamId)),
    answerLocale,
    alertsChannelHealth,
    waitingWrites: () => store.direct.failedWrites.waitingByReason(),
    async close() {
      clearInterval(unfinishedTimer);
      followPlaybooks = undefined;
      redrawForPlaybooks = undefined;
      await following;
      await redrawing;
      await leadership.stop();
      await stopLeaderWork();
      await worker.stop();
      playbooks.close();
    },
  };
}

/** The staff of a team as far as Slack said: `known` are certain, others may be in a group Slack did not list. */
class StaffIncomplete extends Error {
  constructor(
    readonly known: string[],
    cause: GroupsUnavailableError,
  ) {
    super('the staff list is incomplete: Slack did not list the user groups', { cause });
    this.name = 'StaffIncomplete';
  }
}
