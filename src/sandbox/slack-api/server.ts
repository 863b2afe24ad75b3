import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../domain/clock.js';
import { systemClock } from '../../domain/clock.js';
import type { SlackApi, SlackApiOptions } from './api.js';
import { createSlackApi } from './api.js';
import { responseUrlPath } from './methods.js';
import type { WorkspaceOptions } from './workspace.js';
import { SlackWorkspace } from './workspace.js';
import { createSocketModeServer, type SocketModeServer, type SocketModeServerOptions } from './socket-mode.js';

export interface FakeSlackOptions extends Omit<SlackApiOptions, 'basePath'> {
  clock?: Clock;
  /** Use this workspace instead of a fresh one. */
  workspace?: SlackWorkspace;
  workspaceOptions?: Omit<WorkspaceOptions, 'clock'>;
  /** Defaults to 127.0.0.1: the loopback Slack is never reachable from outside this machine. */
  host?: string;
  /** Also speak Socket Mode: apps.connections.open and a WebSocket server on the same port. */
  socketMode?: boolean | SocketModeServerOptions;
}

export interface FakeSlack {
  /** Ends in /api/ — pass it as Bolt's `clientOptions.slackApiUrl` or WebClient's `slackApiUrl`. */
  apiUrl: string;
  /** http://127.0.0.1:<port> */
  origin: string;
  botToken: string;
  workspace: SlackWorkspace;
  /** The Socket Mode server, when asked for with `socketMode`. */
  socketMode?: SocketModeServer;
  api: SlackApi;
  /** A response_url for a command or interaction by `userId` in `channel` (and on a message, if any). */
  issueResponseUrl(userId: string, channel: string, original?: { message_ts: string; ephemeral?: boolean }): string;
  close(): Promise<void>;
}

/** A workspace with the given clock and options: the model the sandbox and the Web API share. */
export function createSlackWorkspace(options: WorkspaceOptions = {}): SlackWorkspace {
  return new SlackWorkspace(options);
}

/** Starts the loopback Slack Web API on its own port (127.0.0.1:0 by default). */
export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const clock = options.clock ?? systemClock;
  const workspace = options.workspace ?? createSlackWorkspace({ ...options.workspaceOptions, clock });
  const api = createSlackApi(workspace, clock, {
    ...(options.validateBlocks !== undefined ? { validateBlocks: options.validateBlocks } : {}),
    ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}),
    ...(options.botScopes ? { botScopes: options.botScopes } : {}),
  });
  const socketMode = options.socketMode ? createSocketModeServer(options.socketMode === true ? {} : options.socketMode) : undefined;
  const server = createServer((req, res) => {
    if (socketMode?.handleOpen(req, res, api.basePath)) return;
    api.handle(req, res).then(
      (handled) => {
        if (!handled) res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: the loopback Slack serves /api/ only');
      },
      (error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, options.host ?? '127.0.0.1', () => resolve());
  });
  socketMode?.attach(server);
  const { address, port } = server.address() as AddressInfo;
  const origin = `http://${address}:${port}`;
  return {
    apiUrl: `${origin}${api.basePath}`,
    origin,
    botToken: workspace.bot.token,
    workspace,
    api,
    ...(socketMode ? { socketMode } : {}),
    issueResponseUrl: (userId, channel, original) => `${origin}${responseUrlPath(api.basePath, workspace.issueResponseUrl(userId, channel, original))}`,
    close: async () => {
      await socketMode?.close();
      await new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      });
    },
  };
}
