// Firebreak's link to Slack, kept in the background so that start-up and shutdown never wait for Slack:
// the bot token is checked with auth.test (retried with backoff until Slack answers) and, in Socket
// Mode, the WebSocket is opened and reopened after every disconnect message, dropped socket or refusal.
// Its state feeds /healthz, the metrics and the logs, always naming the cause.
import type { SocketModeClient } from '@slack/socket-mode';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Logger } from '../logger.js';
import type { BotIdentity } from './authorize.js';

export type SlackLinkState = 'connecting' | 'connected' | 'disconnected';

export interface SlackLinkStatus {
  mode: 'http' | 'socket';
  /** connected: the token works (and, in Socket Mode, a WebSocket said hello). */
  state: SlackLinkState;
  /** null until Slack has answered once. */
  ok: boolean | null;
  team?: string;
  teamId?: string;
  /** Why the link is not up, in words. */
  error?: string;
  /** Since when (epoch ms) the link is in this state. */
  since: number;
  /** Socket Mode: connections that said hello so far, and the last disconnect reason Slack gave. */
  connections?: number;
  lastDisconnect?: string;
}

export interface SlackLinkOptions {
  mode: 'http' | 'socket';
  /** The single bot token's identity (auth.test); absent with OAuth installs, where each team has its own token. */
  identity?(): Promise<BotIdentity>;
  /** Socket Mode's client, created with autoReconnectEnabled: false (this link reconnects it). */
  socket?: SocketModeClient;
  logger: Logger;
  registry?: Registry;
  /** Waits between attempts grow from the first to the last value and stay there. */
  retryDelaysMs?: readonly number[];
}

export interface SlackLink {
  status(): SlackLinkStatus;
  /** Starts connecting in the background; returns at once. */
  start(): void;
  /** Stops retrying and closes the socket; never waits more than a couple of seconds. */
  stop(): Promise<void>;
}

const RETRY_DELAYS_MS = [1_000, 2_000, 4_000, 8_000, 10_000];
const STOP_TIMEOUT_MS = 2_000;

const DISCONNECT_REASONS: Record<string, string> = {
  link_disabled: 'Slack disabled Socket Mode for this app (link_disabled): turn Socket Mode back on in the app settings, or set SLACK_APP_TOKEN empty to use HTTP',
  refresh_requested: 'Slack asked for a fresh connection (refresh_requested)',
  warning: 'Slack warned the connection will close soon (warning)',
  too_many_websockets: 'too many Socket Mode connections for this app (too_many_websockets): at most 10 instances can share one app token',
};

/** What went wrong with a Slack call, in one line naming Slack's error code or the network cause. */
export function describeSlackFailure(error: unknown): string {
  const failure = error as { data?: { error?: string }; code?: string; original?: { cause?: { code?: string; message?: string } }; message?: string } | undefined;
  const slackError = failure?.data?.error;
  if (slackError === 'invalid_auth' || slackError === 'not_authed') return `Slack refused the token (${slackError}): check SLACK_BOT_TOKEN / SLACK_APP_TOKEN`;
  if (slackError === 'account_inactive' || slackError === 'token_revoked') return `the token no longer works (${slackError}): reinstall the app and update the token`;
  if (slackError === 'not_allowed_token_type') return 'SLACK_APP_TOKEN must be an app-level token (xapp-…) with connections:write';
  if (slackError) return `Slack answered ${slackError}`;
  const cause = failure?.original?.cause;
  if (cause?.code || cause?.message) return `Slack is unreachable (${cause.code ?? cause.message}): check the network and SLACK_API_URL`;
  if (failure?.code === 'slack_webapi_request_error') return 'Slack is unreachable: check the network and SLACK_API_URL';
  if (failure?.code === 'slack_webapi_http_error') return `Slack answered with an HTTP error (${failure.message ?? ''})`;
  return failure?.message ?? String(error);
}

export function createSlackLink(options: SlackLinkOptions): SlackLink {
  const { mode, socket, logger } = options;
  const delays = options.retryDelaysMs ?? RETRY_DELAYS_MS;
  const log = logger.child({ component: 'slack-link' });
  const current: SlackLinkStatus = { mode, state: 'connecting', ok: null, since: Date.now(), ...(socket ? { connections: 0 } : {}) };
  let stopping = false;
  let running: Promise<void> | undefined;
  let wakeUp: (() => void) | undefined;

  const registers = options.registry ? [options.registry] : [];
  const failures = new Counter({ name: 'firebreak_slack_link_failures_total', help: 'Failed attempts to reach Slack (auth.test, Socket Mode connection), by mode and cause', labelNames: ['mode', 'cause'] as const, registers });
  new Gauge({
    name: 'firebreak_slack_link_up',
    help: '1 when the token works and, in Socket Mode, a WebSocket is connected',
    labelNames: ['mode'] as const,
    registers,
    collect() {
      this.set({ mode }, current.state === 'connected' ? 1 : 0);
    },
  });

  function set(state: SlackLinkState, error?: string): void {
    const changed = state !== current.state || error !== current.error;
    if (state !== current.state) current.since = Date.now();
    current.state = state;
    current.ok = state === 'connected' ? true : state === 'connecting' && current.ok === null ? null : false;
    if (error === undefined) delete current.error;
    else current.error = error;
    if (!changed) return;
    if (state === 'connected') log.info({ mode, team: current.team }, `Slack ${mode === 'socket' ? 'Socket Mode connection' : 'token'} is up`);
    else if (state === 'disconnected') log.warn({ mode, cause: error }, `Slack link is down: ${error ?? 'disconnected'}; retrying in the background`);
  }

  function failed(cause: string, error: unknown): string {
    const label = (error as { data?: { error?: string } } | undefined)?.data?.error ?? ((error as { code?: string } | undefined)?.code === 'slack_webapi_request_error' ? 'unreachable' : cause);
    failures.inc({ mode, cause: label });
    return describeSlackFailure(error);
  }

  /** Resolves after `ms`, or at once when stopping (also when the stop came while a call was in flight). */
  function pause(ms: number): Promise<void> {
    // stop() wakes up a pause that is running; one that starts after stop() (an auth.test that was in
    // flight fails once the server is gone) must not start at all: its timer is unref'd, so nothing
    // else would keep the process alive and stop() would never settle (Node exits with code 13).
    if (stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      function done() {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      }
      wakeUp = done;
    });
  }

  async function checkToken(): Promise<void> {
    if (!options.identity) return;
    for (let attempt = 0; !stopping; attempt += 1) {
      try {
        const identity = await options.identity!();
        current.teamId = identity.teamId;
        if (identity.team) current.team = identity.team;
        return;
      } catch (error) {
        set('disconnected', failed('auth', error));
        await pause(delays[Math.min(attempt, delays.length - 1)] ?? 10_000);
      }
    }
  }

  function waitForSocketClose(client: SocketModeClient): Promise<void> {
    return new Promise((resolve) => client.once('disconnected', () => resolve()));
  }

  async function keepSocket(client: SocketModeClient): Promise<void> {
    client.on('ws_message', (data: unknown) => {
      try {
        const message = JSON.parse(typeof data === 'string' ? data : new TextDecoder().decode(data as ArrayBuffer)) as { type?: string; reason?: string };
        if (message.type !== 'disconnect') return;
        current.lastDisconnect = message.reason ?? 'unknown';
        log.info({ reason: message.reason }, DISCONNECT_REASONS[message.reason ?? ''] ?? `Slack asked to reconnect (${message.reason})`);
      } catch {
        // Not JSON: the Socket Mode client ignores it as well.
      }
    });
    for (let attempt = 0; !stopping; ) {
      try {
        await client.start();
        if (stopping) break;
        attempt = 0;
        current.connections = (current.connections ?? 0) + 1;
        set('connected');
        await waitForSocketClose(client);
        if (stopping) break;
        const reason = current.lastDisconnect && current.lastDisconnect !== 'refresh_requested' && current.lastDisconnect !== 'warning' ? DISCONNECT_REASONS[current.lastDisconnect] : undefined;
        failures.inc({ mode, cause: current.lastDisconnect ?? 'closed' });
        set('connecting', reason ?? 'the Socket Mode connection closed; reconnecting');
        delete current.lastDisconnect;
        // A disconnect Slack asked for is answered at once; a lost socket after a short wait.
        continue;
      } catch (error) {
        if (stopping) break;
        const cause = error === undefined ? 'the Socket Mode WebSocket could not be opened (connection refused or closed during the handshake)' : failed('socket', error);
        if (error === undefined) failures.inc({ mode, cause: 'websocket' });
        set('disconnected', cause);
      }
      await pause(delays[Math.min(attempt, delays.length - 1)] ?? 10_000);
      attempt += 1;
    }
  }

  async function run(): Promise<void> {
    await checkToken();
    if (stopping) return;
    if (!socket) {
      set('connected');
      return;
    }
    await keepSocket(socket);
  }

  return {
    status: () => ({ ...current }),
    start() {
      running ??= run().catch((error: unknown) => log.error({ err: error }, 'the Slack link stopped unexpectedly'));
    },
    async stop() {
      stopping = true;
      wakeUp?.();
      if (socket) await settledOrTimedOut(socket.disconnect().catch(() => undefined), STOP_TIMEOUT_MS);
      await settledOrTimedOut(running, STOP_TIMEOUT_MS);
    },
  };
}

/**
 * Waits for `work`, for at most `ms`. The timer keeps the process alive while stop() waits (an unref'd
 * one would let Node end the event loop under an awaited stop()), and is cleared as soon as `work` settles.
 */
async function settledOrTimedOut(work: Promise<unknown> | undefined, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([work, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
