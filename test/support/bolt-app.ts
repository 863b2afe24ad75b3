/**
 * A real Bolt App with the HTTPReceiver on 127.0.0.1:0, its Web API client pointed at the loopback
 * Slack: what end-to-end tests drive with signed requests (see src/sandbox/signing.ts).
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { App, LogLevel } from '@slack/bolt';
import type { FakeSlack } from '../../src/sandbox/slack-api/index.js';

export interface RunningBoltApp {
  app: App;
  /** http://127.0.0.1:<port>/slack/events */
  eventsUrl: string;
  stop(): Promise<void>;
}

export async function startBoltApp(fake: Pick<FakeSlack, 'apiUrl' | 'botToken'>, signingSecret: string, register: (app: App) => void): Promise<RunningBoltApp> {
  const app = new App({
    token: fake.botToken,
    signingSecret,
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } },
  });
  register(app);
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
  const { port } = server.address() as AddressInfo;
  return { app, eventsUrl: `http://127.0.0.1:${port}/slack/events`, stop: () => app.stop().then(() => undefined) };
}
