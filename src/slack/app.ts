// The Bolt app: HTTP receiver on /slack/events (mounted on Firebreak's own server), or Socket Mode.
import { App, HTTPReceiver, SocketModeReceiver } from '@slack/bolt';
import type { Logger } from '../logger.js';
import { boltLogger } from './bolt-logger.js';

export interface SlackAppOptions {
  botToken: string;
  signingSecret: string;
  appToken?: string;
  /** Web API base URL (tests and the sandbox point it at a loopback Slack). */
  apiUrl?: string;
  logger: Logger;
}

export interface SlackApp {
  app: App;
  mode: 'http' | 'socket';
  /** Handles /slack/events on Firebreak's HTTP server (HTTP mode only). */
  requestListener?: HTTPReceiver['requestListener'];
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createSlackApp(options: SlackAppOptions): SlackApp {
  const logger = boltLogger(options.logger);
  const clientOptions = { slackApiUrl: options.apiUrl, retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2_000 } };
  if (options.appToken) {
    const receiver = new SocketModeReceiver({ appToken: options.appToken, logger });
    const app = new App({ token: options.botToken, receiver, clientOptions, logger });
    return { app, mode: 'socket', start: async () => void (await app.start()), stop: () => app.stop().then(() => undefined) };
  }
  const receiver = new HTTPReceiver({
    signingSecret: options.signingSecret,
    endpoints: '/slack/events',
    // Ack first, work after: listeners call ack() at once and continue asynchronously (decision
    // buttons ack once their decision is committed, so an acknowledged click survives a crash).
    processBeforeResponse: false,
    logger,
  });
  const app = new App({ token: options.botToken, receiver, clientOptions, logger });
  return {
    app,
    mode: 'http',
    requestListener: receiver.requestListener,
    start: async () => undefined,
    stop: async () => undefined,
  };
}
