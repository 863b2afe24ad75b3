// Which workspace a piece of work is for, so a Web API call Firebreak makes on its own (directory,
// channel names, permalinks, the chart) uses that workspace's token. The scope is set where the team
// is known — a Slack request (Bolt's context), an outbox item, a leader tick per channel — and carried
// through the awaits below it. With a single bot token there is no scope and nothing changes.
import { AsyncLocalStorage } from 'node:async_hooks';
import { WebClient, type WebAPICallResult, type WebClientOptions } from '@slack/web-api';
import { FirebreakError } from '../errors.js';

const scope = new AsyncLocalStorage<string>();

/** Runs `work` for `teamId`; every Web API call through a team-routed client below it uses that team's token. */
export function inTeam<T>(teamId: string | null | undefined, work: () => T): T {
  return teamId ? scope.run(teamId, work) : work();
}

export function currentTeam(): string | undefined {
  return scope.getStore();
}

/**
 * A WebClient without a token of its own: each call carries the token of the team in scope (a call
 * that names its own `token` keeps it). A call outside any team's scope is a bug, refused loudly.
 */
export class TeamRoutedWebClient extends WebClient {
  constructor(
    private readonly tokenOf: (teamId: string) => Promise<string | null>,
    options: WebClientOptions,
  ) {
    super(undefined, options);
  }

  override async apiCall(method: string, options: Record<string, unknown> = {}): Promise<WebAPICallResult> {
    if (typeof options['token'] === 'string') return super.apiCall(method, options);
    const teamId = currentTeam();
    if (!teamId) throw new FirebreakError('slack_api', `${method} was called outside any workspace's scope: with OAuth installs every call needs a team.`);
    const token = await this.tokenOf(teamId);
    if (!token) throw new FirebreakError('slack_api', `${method}: Firebreak is not installed in workspace ${teamId} (uninstalled, or its tokens revoked).`);
    return super.apiCall(method, { ...options, token });
  }
}
