// Composition root: config → store → Slack app → HTTP server.
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Config } from './config.js';
import { healthRoute } from './http/health.js';
import { createHttpServer, type Route } from './http/server.js';
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

export async function startFirebreak(config: Config, logger: Logger, options: StartOptions = {}): Promise<RunningFirebreak> {
  const clock = options.clock ?? systemClock;
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
  const store = createStore(database.prisma, target.provider);
  // SQLite is single-instance: refuse before anything starts when another Firebreak has the file.
  const instanceGuard = target.provider === 'sqlite' ? await acquireSqliteInstanceGuard({ leases: store.direct.leases, databaseFile: target.sqliteFile ?? target.url, logger }) : undefined;
  metrics.setSources(storeMetricSources(store.direct.gauges, clock));

  let slack: SlackApp | undefined;
  let sandbox: Sandbox | undefined;
  if (!config.slack.configured) {
    // No Slack credentials: a local workspace on this server plays Slack's part (docs/sandbox.md), so
    // everything below runs exactly as it does against slack.com.
    logger.info('Slack is not configured (SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are empty): starting the local sandbox');
    const { createSandbox, sandboxConfig } = await import('./sandbox/sandbox.js');
    sandbox = await createSandbox({ clock, logger, scenariosDir: join(config.playbooksDir, 'scenarios'), allowRemote: config.sandbox?.allowRemote ?? false, socketMode: config.sandbox?.socketMode ?? false });
    const port = await sandbox.listenEarly(config.host, config.port);
    config = sandboxConfig(config, sandbox, `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`, port);
  }
  if (config.slack.configured && config.slack.botToken && config.slack.signingSecret) {
    // Loaded only when Slack is configured: Bolt is the heaviest import at start-up.
    const { createSlackApp } = await import('./slack/app.js');
    slack = createSlackApp({
      botToken: config.slack.botToken,
      signingSecret: config.slack.signingSecret,
      appToken: config.slack.appToken,
      apiUrl: config.slack.apiUrl,
      logger,
      registry: metrics.registry,
      ...(options.slackRetryDelaysMs ? { retryDelaysMs: options.slackRetryDelaysMs } : {}),
      onUnacknowledged: (kind) => metrics.processErrors.inc({ kind }),
    });
  } else {
    logger.warn('Slack is not configured (SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are empty): serving /healthz only');
  }
  let runtime: Runtime | undefined;
  if (slack) {
    const { startRuntime } = await import('./runtime.js');
    const playing = sandbox?.drills;
    runtime = await startRuntime({ config, database, app: slack.app, client: slack.client, logger, clock, metrics, ...(playing ? { isDrill: () => playing.inProgress() } : {}) });
  }

  const routes: Route[] = [
    healthRoute({
      database: async () => {
        try {
          return { ok: true, provider: target.provider, latencyMs: Math.round((await database.ping()) * 100) / 100 };
        } catch (error) {
          return { ok: false, provider: target.provider, error: error instanceof Error ? error.message.split('\n')[0] : String(error) };
        }
      },
      // In the sandbox the app talks to the local workspace: Slack itself is still not configured.
      slack: () => ({
        ok: null,
        ...slack?.link.status(),
        ...(slack?.eventsRateLimited().length ? { eventsRateLimited: slack.eventsRateLimited() } : {}),
        configured: Boolean(slack) && !sandbox,
        mode: sandbox ? 'sandbox' : (slack?.mode ?? 'off'),
      }),
      leadership: () => runtime?.leadership.status() ?? null,
    }),
    metricsRoute(metrics),
  ];
  if (runtime && config.ingestToken) {
    const { ingestRoute } = await import('./http/ingest.js');
    const watcher = runtime.watcher;
    routes.push(
      ingestRoute({
        token: config.ingestToken,
        workspaceId: () => store.direct.workspaces.ensureNamed('ingest', 'Other sources'),
        ingest: (message) => watcher.ingest(message),
      }),
    );
  }
  if (sandbox) routes.push(...sandbox.routes);
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
      next: (request, response) => listener(request, response),
      ...(slack.processEvent ? { processEvent: slack.processEvent } : {}),
    });
    routes.push({ method: 'POST', path: '/slack/*', handler: timeSlackAcks(metrics, gate.handle) });
  }

  const server = createHttpServer(routes, logger);
  sandbox?.serve(server);
  await sandbox?.handOver();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  // Slack is reached in the background: a Slack that does not answer is reported, never waited for.
  slack?.start();
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  logger.info({ url, database: target.provider, slack: slack?.mode ?? 'off' }, `Firebreak is listening on ${url}`);
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
        // Events already acknowledged to Slack are processed (and their messages stored) before the runtime stops.
        if (gate && !(await gate.drain(10_000))) logger.warn('shutting down with acknowledged Slack events still being processed');
        // Workers first: their Slack calls may go to this very server (the sandbox's Web API).
        await runtime?.close();
        server.closeIdleConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await slack?.stop();
        await instanceGuard?.release();
        await database.close();
      })()),
  };
}
