// Composition root: config → store → Slack app → HTTP server.
import type { AddressInfo } from 'node:net';
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FirebreakError } from './errors.js';
import type { Config } from './config.js';
import { healthRoute } from './http/health.js';
import { closeHttpServer, createHttpServer, type Route } from './http/server.js';
import type { Logger } from './logger.js';
import { openDatabase, prepareSqliteFile, type Database } from './store/database.js';
import { parseDatabaseUrl } from './store/database-url.js';
import { applyPendingMigrations } from './store/migrate.js';
import type { SlackApp } from './slack/app.js';
import type { SlackRequestGate } from './slack/request-gate.js';
import type { Runtime } from './runtime.js';
import type { Sandbox } from './sandbox/sandbox.js';
import { systemClock, type Clock } from './domain/clock.js';
import { metricsRoute, timeSlackAcks } from './http/metrics.js';
import { createMetrics, storeMetricSources, type Metrics } from './metrics.js';
import { acquireSqliteInstanceGuard } from './jobs/instance-guard.js';
import { createStore } from './store/store.js';
import { EventInbox } from './app/event-inbox.js';
import { isDeadLocalInstance, newInstanceId } from './instance-id.js';
import { tokenCipherFor } from './store/token-cipher.js';
import type { InstallService } from './app/installs.js';

export interface RunningFirebreak {
  url: string;
  port: number;
  database: Database;
  slack?: SlackApp;
  runtime?: Runtime;
  /** The local workspace, when Firebreak runs without Slack credentials. */
  sandbox?: Sandbox;
  metrics: Metrics;
  close(): Promise<void>;
}

export interface StartOptions {
  /** The domain's clock (tests and drills move it by hand). */
  clock?: Clock;
  /** Waits between attempts to reach Slack (tests shorten them). */
  slackRetryDelaysMs?: readonly number[];
}

const isDirectory = (path: string): boolean => statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;

export async function startFirebreak(config: Config, logger: Logger, options: StartOptions = {}): Promise<RunningFirebreak> {
  const clock = options.clock ?? systemClock;
  // Checked before anything starts: without it there is nothing to watch, and the folder watch would fail later.
  if (!isDirectory(config.playbooksDir)) {
    throw new FirebreakError('config_invalid', `PLAYBOOKS_DIR ${config.playbooksDir} is not a folder (${resolve(config.playbooksDir)}): set PLAYBOOKS_DIR to the folder holding your playbooks, or start Firebreak from its project folder (it ships playbooks/).`);
  }
  const metrics = createMetrics();
  const target = parseDatabaseUrl(config.databaseUrl);
  prepareSqliteFile(target);
  let database = await openDatabase(target);
  if (config.migrateOnStart && !(await database.migrationsUpToDate())) {
    // The engine and the client must not hold the SQLite file at the same time.
    await database.close();
    const { applied } = await applyPendingMigrations(target);
    if (applied.length) logger.info({ applied }, `applied ${applied.length} migration(s)`);
    database = await openDatabase(target);
  }
  const store = createStore(database.prisma, target.provider, tokenCipherFor(config.tokenEncryptionKeys));
  // SQLite is single-instance: refuse before anything starts when another Firebreak has the file.
  const instanceGuard = target.provider === 'sqlite' ? await acquireSqliteInstanceGuard({ leases: store.direct.leases, databaseFile: target.sqliteFile ?? target.url, logger }) : undefined;
  metrics.setSources(storeMetricSources(store.direct.gauges, clock));

  // Slack events are kept here before they are acknowledged, and replayed after a crash.
  const inbox = new EventInbox({ store, instanceId: newInstanceId(), logger, claimantAlive: (claimedBy) => !isDeadLocalInstance(claimedBy) });

  let slack: SlackApp | undefined;
  let sandbox: Sandbox | undefined;
  if (!config.slack.configured) {
    // No Slack credentials: a local workspace on this server plays Slack's part (docs/sandbox.md), so
    // everything below runs exactly as it does against slack.com.
    logger.info('Slack is not configured (SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are empty): starting the local sandbox');
    const { createSandbox, sandboxConfig } = await import('./sandbox/sandbox.js');
    sandbox = await createSandbox({ clock, logger, scenariosDir: join(config.playbooksDir, 'scenarios'), allowRemote: config.sandbox?.allowRemote ?? false, socketMode: config.sandbox?.socketMode ?? false, locale: config.locale });
    const port = await sandbox.listenEarly(config.host, config.port);
    config = sandboxConfig(config, sandbox, selfUrl(config.host, port), port);
  }
  // OAuth installs in several workspaces: each team's token is stored (encrypted) when it installs.
  let installs: InstallService | undefined;
  if (config.slack.configured && config.slack.oauth) {
    const { InstallService } = await import('./app/installs.js');
    installs = new InstallService({ store, clock, logger });
  }
  if (config.slack.configured && (config.slack.botToken || installs) && config.slack.signingSecret) {
    // Loaded only when Slack is configured: Bolt is the heaviest import at start-up.
    const { createSlackApp } = await import('./slack/app.js');
    slack = createSlackApp({
      ...(config.slack.botToken ? { botToken: config.slack.botToken } : {}),
      ...(installs ? { installations: installs } : {}),
      signingSecret: config.slack.signingSecret,
      appToken: config.slack.appToken,
      apiUrl: config.slack.apiUrl,
      logger,
      registry: metrics.registry,
      ...(options.slackRetryDelaysMs ? { retryDelaysMs: options.slackRetryDelaysMs } : {}),
      onUnacknowledged: (kind) => metrics.processErrors.inc({ kind }),
      locale: config.locale,
      // The runtime starts after the app: until then (and without it) LOCALE.
      answerLocale: (teamId, userId) => runtime?.answerLocale(teamId, userId) ?? Promise.resolve(config.locale),
      inbox,
    });
  } else {
    logger.warn('Slack is not configured (SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are empty): serving /healthz only');
  }
  let runtime: Runtime | undefined;
  if (slack) {
    const { startRuntime } = await import('./runtime.js');
    const playing = sandbox?.drills;
    runtime = await startRuntime({ config, database, app: slack.app, client: slack.client, promptClient: slack.promptClient, logger, clock, metrics, ...(playing ? { isDrill: (channelId: string) => playing.inProgress(channelId) } : {}), ...(installs ? { installs } : {}) });
  }

  const routes: Route[] = [
    healthRoute({
      database: {
        provider: target.provider,
        ping: () => database.ping(),
        onFailure: (error) => logger.warn({ err: error }, 'healthz: the database does not answer'),
      },
      // In the sandbox the app talks to the local workspace: Slack itself is still not configured.
      slack: () => ({
        ok: null,
        ...slack?.link.status(),
        ...(slack?.eventsRateLimited().length ? { eventsRateLimited: slack.eventsRateLimited() } : {}),
        // Slack's clock against this host's, once a post measured it (absent from the JSON before).
        clockOffsetMs: runtime?.outbox.slackClockOffsetMs() ?? undefined,
        configured: Boolean(slack) && !sandbox,
        mode: sandbox ? 'sandbox' : (slack?.mode ?? 'off'),
      }),
      leadership: () => runtime?.leadership.status() ?? null,
      alertsChannel: async () => (runtime ? runtime.alertsChannelHealth() : null),
      // Alerts that cannot reach staff until a channel is fixed: counted for operators (App Home lists each).
      waitingWrites: async () => (runtime ? runtime.waitingWrites() : null),
      // A token that no listed key opens leaves its workspace unserved: said here, not only in the log.
      ...(installs ? { workspaces: unreadableTokens(installs) } : {}),
    }, clock),
    metricsRoute(metrics),
  ];
  if (runtime && config.ingestToken) {
    const { ingestRoute } = await import('./http/ingest.js');
    const watcher = runtime.watcher;
    if (installs && config.ingestTeamId && !(await installs.isInstalled(config.ingestTeamId).catch(() => true))) {
      logger.warn({ team: config.ingestTeamId }, 'INGEST_TEAM_ID names a workspace where Firebreak is not installed (yet): ingested messages are scored, their alerts fail as workspace_not_installed until it is');
    }
    routes.push(
      ingestRoute({
        token: config.ingestToken,
        // INGEST_TEAM_ID (OAuth installs): ingested sources are that workspace's, so their alerts post with its token.
        workspaceId: () => (config.ingestTeamId ? store.direct.workspaces.idForTeam(config.ingestTeamId) : store.direct.workspaces.ensureNamed('ingest', 'Other sources')),
        ingest: (message) => watcher.ingest(message),
        edit: (message) => watcher.edit(message),
        storedAt: (workspaceId, channelId, ts) => watcher.storedMessage(workspaceId, channelId, ts),
        now: () => clock.now(),
      }),
    );
  }
  if (sandbox) routes.push(...sandbox.routes);
  if (installs && config.slack.oauth) {
    const oauth = config.slack.oauth;
    const [{ oauthInstallRoutes }, { manifestBotScopes }] = await Promise.all([import('./slack/oauth-install.js'), import('./slack/doctor.js')]);
    const installer = installs;
    const install = oauthInstallRoutes({
      clientId: oauth.clientId,
      clientSecret: oauth.clientSecret,
      stateSecret: oauth.stateSecret,
      stateTtlMs: oauth.stateTtlMs,
      ...(oauth.redirectUri ? { redirectUri: oauth.redirectUri } : {}),
      scopes: manifestBotScopes(),
      ...(config.slack.apiUrl ? { apiUrl: config.slack.apiUrl } : {}),
      states: installer.states,
      installed: async (installation) => {
        const outcome = await installer.installed(installation);
        // A new (or reinstalled) workspace's playbook references are checked at once, not at the next start.
        void runtime?.checkPlaybookReferences(installation.teamId).catch((error: unknown) => logger.warn({ err: error, team: installation.teamId }, 'could not check playbook references'));
        // Approved replies its uninstall stopped are said in their threads now that there is a token again,
        // then the alerts and cards whose edits it stopped are redrawn (after: the report changes some of them).
        const teamId = installation.teamId;
        void runtime
          ?.reportRepliesStoppedByUninstall(teamId)
          .catch((error: unknown) => logger.warn({ err: error, team: teamId }, 'could not report the replies an uninstall stopped'))
          .then(() => runtime?.redrawWritesStoppedByUninstall(teamId))
          .catch((error: unknown) => logger.warn({ err: error, team: teamId }, 'could not redraw the incidents an uninstall left stale'));
        return outcome;
      },
      refused: (reason, detail) => installer.refused(reason, detail),
      clock,
      logger,
      locale: config.locale,
    });
    routes.push({ method: 'GET', path: '/slack/install', handler: install.install }, { method: 'GET', path: '/slack/oauth_redirect', handler: install.redirect });
  }
  let gate: SlackRequestGate | undefined;
  if (slack?.requestListener && config.slack.signingSecret) {
    const listener = slack.requestListener;
    const { slackRequestGate } = await import('./slack/request-gate.js');
    gate = slackRequestGate({
      signingSecret: config.slack.signingSecret,
      endpoints: slack.endpoints,
      logger,
      refused: metrics.requestsRefused,
      locale: config.locale,
      ...(runtime ? { answerLocale: runtime.answerLocale } : {}),
      next: (request, response) => listener(request, response),
      processEvent: slack.processEvent,
      inbox,
    });
    routes.push({ method: 'POST', path: '/slack/*', handler: timeSlackAcks(metrics, gate.handle) });
  }

  const server = createHttpServer(routes, logger);
  sandbox?.serve(server);
  const earlyServer = sandbox?.handOver();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if (earlyServer) server.listen(earlyServer, () => resolve());
    else server.listen(config.port, config.host, () => resolve());
  });
  // Slack is reached in the background: a Slack that does not answer is reported, never waited for.
  slack?.start();
  // Events acknowledged before a crash (or whose processing failed) are processed now, then every 15 s.
  let sweeping: Promise<unknown> = Promise.resolve();
  let sweepTimer: NodeJS.Timeout | undefined;
  if (slack && runtime) {
    const processEvent = slack.processEvent;
    let running = false;
    const sweep = () => {
      if (running) return;
      running = true;
      sweeping = inbox
        .sweep(processEvent)
        .catch((error: unknown) => logger.error({ err: error }, 'could not replay the Slack events left in the inbox'))
        .finally(() => (running = false));
    };
    sweep();
    sweepTimer = setInterval(sweep, 15_000);
    sweepTimer.unref();
  }
  const bound = server.address() as AddressInfo;
  const { port } = bound;
  const url = selfUrl(config.host, port);
  // What the socket is bound to, not the URL this process reaches itself at: HOST=0.0.0.0 listens on every interface.
  const address = `http://${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${port}`;
  const everyInterface = bound.address === '0.0.0.0' || bound.address === '::';
  logger.info(
    { address, url, database: target.provider, slack: slack?.mode ?? 'off' },
    everyInterface ? `Firebreak is listening on ${address} (every interface; ${url} from this machine)` : `Firebreak is listening on ${address}`,
  );
  if (sandbox) {
    sandbox.attach(url);
    logger.info({ sandbox: `${url}/sandbox` }, `Sandbox: open http://localhost:${port}/sandbox to try Firebreak without Slack`);
  }

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    database,
    slack,
    runtime,
    sandbox,
    metrics,
    close: () =>
      (closing ??= (async () => {
        await sandbox?.close();
        clearInterval(sweepTimer);
        inbox.stop();
        // Events already acknowledged to Slack are processed (and their messages stored) before the runtime
        // stops, for up to 10 s; any left unprocessed stay in the inbox for the next start.
        const deadline = Date.now() + 10_000;
        if (gate && !(await gate.drain(10_000))) logger.warn('shutting down with acknowledged Slack events still being processed');
        if (!(await settlesWithin(sweeping, deadline - Date.now()))) logger.warn('shutting down while replaying Slack events from the inbox; they stay there for the next start');
        await inbox.flush();
        // Workers first: their Slack calls may go to this very server (the sandbox's Web API).
        await runtime?.close();
        await closeHttpServer(server, 1_000);
        await slack?.stop();
        await instanceGuard?.release();
        await database.close();
      })()),
  };
}

/** Whether `work` settles within `ms` (it keeps running either way). */
async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, ms))));
  try {
    return await Promise.race([work.then(() => true), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** /healthz with OAuth installs: the installed workspaces whose stored token cannot be opened, and why. */
function unreadableTokens(installs: InstallService) {
  return async () => {
    const teams = await installs.installedTeams();
    const unreadable: { teamId: string; error: string }[] = [];
    for (const { teamId } of teams) {
      await installs.installation(teamId).catch((error: unknown) => unreadable.push({ teamId, error: error instanceof Error ? error.message : String(error) }));
    }
    return { ok: unreadable.length === 0, installed: teams.length, unreadable };
  };
}

/** How this process (its sandbox, tests) reaches itself: loopback when bound to every interface; an IPv6 host in brackets. */
function selfUrl(host: string, port: number): string {
  const self = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${self.includes(':') ? `[${self}]` : self}:${port}`;
}
