// Several loopback workspaces behind one Web API URL, as Slack serves every workspace from slack.com:
// each call goes to the workspace whose token it carries. It also plays Slack's side of the OAuth
// install: a member approves on the consent page (`approve`, which gives the code Slack would put on
// the redirect URL) and the app exchanges that code with oauth.v2.access for a fresh bot token.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '../../domain/clock.js';
import { createSlackApi, type SlackApi } from './api.js';
import { responseUrlPath } from './methods.js';
import { createSocketModeServer, type SocketModeServer } from './socket-mode.js';
import { SlackWorkspace } from './workspace.js';

export interface FakeTeamOptions {
  id: string;
  name: string;
  domain: string;
  /** Put into every id the workspace hands out; one per team, so ids never repeat across teams. */
  idTag: string;
}

export interface FakeSlackTeamsOptions {
  teams: FakeTeamOptions[];
  clientId: string;
  clientSecret: string;
  clock?: Clock;
  /** How long a code from the consent page can be exchanged (Slack: 10 minutes). */
  codeTtlMs?: number;
  /** Scopes of the bot tokens, sent as Slack does in `x-oauth-scopes`. */
  botScopes?: readonly string[];
  /** Serve Socket Mode too (apps.connections.open and the WebSocket): one app, every workspace's envelopes. */
  socketMode?: boolean;
}

export interface FakeTeam {
  workspace: SlackWorkspace;
  api: SlackApi;
  /** A response_url for a command or interaction in this workspace (as FakeSlack's). */
  issueResponseUrl(userId: string, channel: string, original?: { message_ts: string; ephemeral?: boolean }): string;
}

export interface OAuthExchange {
  code: string;
  ok: boolean;
  error?: string;
  teamId?: string;
}

export interface FakeSlackTeams {
  apiUrl: string;
  origin: string;
  clientId: string;
  clientSecret: string;
  team(teamId: string): FakeTeam;
  /** A member clicks Allow on the consent page: returns the code Slack hands the app's redirect URL. */
  approve(input: { teamId: string; userId: string; scopes: readonly string[]; redirectUri?: string; orgWide?: boolean }): string;
  /** Every oauth.v2.access call, oldest first. */
  exchanges(): OAuthExchange[];
  /** Web API calls whose token no workspace knows (revoked, never issued), oldest first. */
  refused(): { method: string; at: number }[];
  /** The Socket Mode server, when asked for with `socketMode`. */
  socketMode?: SocketModeServer;
  close(): Promise<void>;
}

interface PendingCode {
  teamId: string;
  userId: string;
  scopes: readonly string[];
  redirectUri?: string;
  /** An Enterprise Grid org-wide install: the answer names the organisation, no workspace. */
  orgWide?: boolean;
  expiresAt: number;
}

export async function startFakeSlackTeams(options: FakeSlackTeamsOptions): Promise<FakeSlackTeams> {
  const clock = options.clock ?? systemClock;
  const teams = new Map<string, FakeTeam & { tag: string }>();
  for (const team of options.teams) {
    const workspace = new SlackWorkspace({ clock, team: { id: team.id, name: team.name, domain: team.domain }, idTag: team.idTag, botToken: `xoxb-${team.id}-never-installed` });
    // Not installed yet: the app has no token until someone approves the install.
    workspace.revokeBotTokens();
    const api = createSlackApi(workspace, clock, options.botScopes ? { botScopes: options.botScopes } : {});
    teams.set(team.id, { workspace, api, tag: team.idTag, issueResponseUrl: (userId, channel, original) => `${origin}${responseUrlPath(api.basePath, workspace.issueResponseUrl(userId, channel, original))}` });
  }
  let origin = '';
  const codes = new Map<string, PendingCode>();
  const exchanges: OAuthExchange[] = [];
  const refused: { method: string; at: number }[] = [];
  const codeTtlMs = options.codeTtlMs ?? 600_000;

  function byToken(req: IncomingMessage): (FakeTeam & { tag: string }) | undefined {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    return token ? [...teams.values()].find((team) => team.workspace.grantFor(token)) : undefined;
  }

  /** Uploads, file downloads and response_urls carry no token: their ids say the workspace. */
  function byId(name: string): (FakeTeam & { tag: string }) | undefined {
    const [kind, id = ''] = name.split('/');
    if (kind === '_respond') return teams.get(id);
    if (kind === '_upload' || kind === '_files') return [...teams.values()].find((team) => id.startsWith(`F${team.tag}`));
    return undefined;
  }

  async function exchange(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const [basicId, basicSecret] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':') : [];
    const clientId = form.get('client_id') ?? basicId;
    const clientSecret = form.get('client_secret') ?? basicSecret;
    const code = form.get('code') ?? '';
    const answer = (body: Record<string, unknown>) => {
      exchanges.push({ code, ok: body['ok'] === true, ...(typeof body['error'] === 'string' ? { error: body['error'] } : {}), ...(body['team'] ? { teamId: (body['team'] as { id: string }).id } : {}) });
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
    };
    if (clientId !== options.clientId) return answer({ ok: false, error: 'invalid_client_id' });
    if (clientSecret !== options.clientSecret) return answer({ ok: false, error: 'bad_client_secret' });
    const pending = codes.get(code);
    // A code is good once, and only for a while.
    codes.delete(code);
    if (!pending || pending.expiresAt < clock.now()) return answer({ ok: false, error: 'invalid_code' });
    const redirectUri = form.get('redirect_uri') ?? undefined;
    if (pending.redirectUri !== undefined && redirectUri !== pending.redirectUri) return answer({ ok: false, error: 'bad_redirect_uri' });
    const team = teams.get(pending.teamId)!;
    const token = pending.orgWide ? team.workspace.issueOrgBotToken() : team.workspace.issueBotToken();
    const bot = team.workspace.bot;
    return answer({
      ok: true,
      app_id: bot.app_id,
      authed_user: { id: pending.userId },
      scope: pending.scopes.join(','),
      token_type: 'bot',
      access_token: token,
      bot_user_id: bot.user_id,
      ...(pending.orgWide
        ? { team: null, enterprise: { id: `E${team.workspace.team.id.slice(1)}`, name: `${team.workspace.team.name} Org` }, is_enterprise_install: true }
        : { team: { id: team.workspace.team.id, name: team.workspace.team.name }, enterprise: null, is_enterprise_install: false }),
    });
  }

  const socketMode = options.socketMode ? createSocketModeServer() : undefined;
  const server = createServer((req, res) => {
    if (socketMode?.handleOpen(req, res, '/api/')) return;
    const path = new URL(req.url ?? '/', 'http://loopback').pathname;
    if (path === '/api/oauth.v2.access') {
      exchange(req, res).catch(() => res.writeHead(500).end());
      return;
    }
    const team = byToken(req) ?? (path.startsWith('/api/') ? byId(path.slice('/api/'.length)) : undefined);
    if (!team) {
      refused.push({ method: path.slice('/api/'.length), at: clock.now() });
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify({ ok: false, error: req.headers.authorization ? 'invalid_auth' : 'not_authed' }));
      return;
    }
    team.api.handle(req, res).then(
      (handled) => {
        if (!handled) res.writeHead(404).end('not found');
      },
      (error: unknown) => {
        if (!res.headersSent) res.writeHead(500).end(String(error));
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  socketMode?.attach(server);
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  return {
    apiUrl: `${origin}/api/`,
    origin,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    team(teamId) {
      const team = teams.get(teamId);
      if (!team) throw new Error(`no loopback workspace ${teamId}`);
      return team;
    },
    approve(input) {
      const team = teams.get(input.teamId);
      if (!team) throw new Error(`no loopback workspace ${input.teamId}`);
      team.workspace.getUser(input.userId);
      const code = `${input.teamId}.${randomBytes(12).toString('hex')}`;
      codes.set(code, { teamId: input.teamId, userId: input.userId, scopes: input.scopes, ...(input.redirectUri ? { redirectUri: input.redirectUri } : {}), ...(input.orgWide ? { orgWide: true } : {}), expiresAt: clock.now() + codeTtlMs });
      return code;
    },
    exchanges: () => [...exchanges],
    refused: () => [...refused],
    ...(socketMode ? { socketMode } : {}),
    close: async () => {
      await socketMode?.close();
      await new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      });
    },
  };
}
