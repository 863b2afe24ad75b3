// The Bolt app: HTTP receiver on /slack/events (mounted on Firebreak's own server), or Socket Mode.
// Either way the link to Slack is kept in the background (link.ts): nothing here waits for Slack.
import { App, HTTPReceiver, SocketModeReceiver } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { Registry } from 'prom-client';
import type { Logger } from '../logger.js';
import { botTokenAuthorization } from './authorize.js';
import { handleAppRateLimited, routeSocketNotices, type EventsRateLimited } from './app-rate-limited.js';
import { boltLogger } from './bolt-logger.js';
import { createSlackLink, type SlackLink } from './link.js';

export interface SlackAppOptions {
  botToken: string;
  signingSecret: string;
  appToken?: string;
  /** Web API base URL (tests and the sandbox point it at a loopback Slack). */
  apiUrl?: string;
  logger: Logger;
  /** Where the link's metrics go. */
  registry?: Registry;
  /** Waits between reconnection attempts (tests shorten them). */
  retryDelaysMs?: readonly number[];
  /** Counts what was answered without a listener's ack (a listener failed, or did not ack in time). */
  onUnacknowledged?(kind: 'listener_failed' | 'ack_timeout'): void;
}

export interface SlackApp {
  app: App;
  /** Firebreak's own Web API client, with the bot token. */
  client: WebClient;
  mode: 'http' | 'socket';
  link: SlackLink;
  /** The paths the HTTP receiver answers (POST). */
  endpoints: readonly string[];
  /** Workspaces whose events Slack said it is dropping (app_rate_limited). */
  eventsRateLimited(): EventsRateLimited[];
  /** Handles /slack/events on Firebreak's HTTP server (HTTP mode only), behind the request gate. */
  requestListener?: HTTPReceiver['requestListener'];
  /** Processes an event callback the request gate has verified and acknowledged (HTTP mode only). */
  processEvent?(body: Record<string, unknown>, retry: { num?: number; reason?: string }): Promise<void>;
  /** Starts the link in the background; returns at once. */
  start(): void;
  stop(): Promise<void>;
}

export function createSlackApp(options: SlackAppOptions): SlackApp {
  const logger = boltLogger(options.logger);
  const retryConfig = { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2_000 };
  const clientOptions = { slackApiUrl: options.apiUrl, retryConfig };
  const client = new WebClient(options.botToken, { ...clientOptions, logger });
  const { authorize, identity } = botTokenAuthorization(client, options.botToken);
  if (options.appToken) {
    const receiver = new SocketModeReceiver({
      appToken: options.appToken,
      logger,
      // The link reconnects (with backoff, and reports why); Bolt passes only these client options on.
      autoReconnectEnabled: false,
      installerOptions: { clientOptions: { slackApiUrl: options.apiUrl, retryConfig: { retries: 1, minTimeout: 200, maxTimeout: 1_000 } } },
    });
    const app = new App({ authorize, receiver, clientOptions, logger });
    routeSocketNotices(receiver.client, app);
    const link = createSlackLink({ mode: 'socket', identity, socket: receiver.client, logger: options.logger, ...linkOptions(options) });
    const eventsRateLimited = handleAppRateLimited(app, options.logger, options.registry);
    return { app, client, mode: 'socket', link, endpoints: [], eventsRateLimited, start: () => link.start(), stop: () => link.stop() };
  }
  const endpoints = ['/slack/events'];
  const receiver = new HTTPReceiver({
    signingSecret: options.signingSecret,
    endpoints,
    // Requests reach the receiver only through the request gate, which has verified the signature
    // (and refuses timestamps from the future too): a second HMAC per request would be wasted.
    signatureVerification: false,
    // Ack first, work after: listeners call ack() at once and continue asynchronously (decision
    // buttons ack once their decision is committed, so an acknowledged click survives a crash).
    processBeforeResponse: false,
    logger,
    // Input Slack could send never earns a 5xx (Slack would retry it) nor a 404 after 3 s: a failure
    // before the ack is answered 200 at once; the failure itself is logged by the app's error handler.
    processEventErrorHandler: async ({ response }) => {
      options.onUnacknowledged?.('listener_failed');
      if (!response.headersSent) {
        response.writeHead(200);
        response.end();
      }
      return false;
    },
    unhandledRequestHandler: ({ response }) => {
      if (response.headersSent) return;
      options.onUnacknowledged?.('ack_timeout');
      options.logger.warn('a Slack request was not acknowledged in time: answered 200');
      response.writeHead(200);
      response.end();
    },
  });
  // No conversation store: Firebreak keeps no per-conversation state in Bolt, and the default one
  // builds an Error (with its stack) for every message of a conversation it has not seen.
  const app = new App({ authorize, receiver, clientOptions, logger, convoStore: false });
  const link = createSlackLink({ mode: 'http', identity, logger: options.logger, ...linkOptions(options) });
  const eventsRateLimited = handleAppRateLimited(app, options.logger, options.registry);
  // The gate has answered Slack already: Bolt's ack is a no-op. A rejection is what the receiver's
  // processEventErrorHandler would have counted (the app's error handler has logged the failure).
  const processEvent = (body: Record<string, unknown>, retry: { num?: number; reason?: string }) =>
    app.processEvent({ body, ack: async () => undefined, retryNum: retry.num, retryReason: retry.reason }).catch((error: unknown) => {
      options.onUnacknowledged?.('listener_failed');
      throw error;
    });
  return { app, client, mode: 'http', link, endpoints, eventsRateLimited, requestListener: receiver.requestListener, processEvent, start: () => link.start(), stop: () => link.stop() };
}

function linkOptions(options: SlackAppOptions) {
  return { ...(options.registry ? { registry: options.registry } : {}), ...(options.retryDelaysMs ? { retryDelaysMs: options.retryDelaysMs } : {}) };
}
