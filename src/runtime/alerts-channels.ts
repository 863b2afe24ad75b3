// Which alerts channels a workspace's incidents may go to, and which of those are watched community
// channels (where nothing internal is ever posted): asked at start-up, by /healthz, App Home and
// /firebreak watch. The trust rule itself is app/alerts-channel.ts; this gathers the channels.
import type { Config } from '../config.js';
import type { Playbook } from '../domain/playbooks/index.js';
import { alertsChannelGuard, type AlertsChannelGuard } from '../app/alerts-channel.js';
import type { WatchedChannels } from '../app/ports/index.js';
import type { WorkspaceContext } from './workspaces.js';

export interface AlertsChannelsOptions {
  config: Pick<Config, 'alertsChannel'>;
  channels: Pick<WatchedChannels, 'find' | 'findByChannelId' | 'findByName'>;
  playbooks(): readonly Playbook[];
  channelName(channelId: string): Promise<string | null>;
  workspaces: Pick<WorkspaceContext, 'settingsOfTeam'>;
  /** The workspace of the team in scope, for a check that names none (app/alerts-channel.ts). */
  workspaceInScope?(): Promise<string | undefined>;
}

export interface AlertsChannels {
  /** The trust rule on alerts channels, asked wherever one is chosen and before each incident root is posted. */
  guard: AlertsChannelGuard;
  /** Every channel a workspace's incident threads may go to: its own (or ALERTS_CHANNEL) and the playbooks' own. */
  named(workspaceChannel: string | null | undefined): string[];
  /** Those of them that are watched community channels: said loudly at start-up, in App Home and by doctor. */
  watched(workspaceId: string | undefined, workspaceChannel: string | null | undefined): Promise<string[]>;
  /** The same for a Slack team's workspace (its own alerts channel), or without a team for ALERTS_CHANNEL. */
  watchedOfTeam(teamId?: string): Promise<string[]>;
}

export function alertsChannels({ config, channels, playbooks, channelName, workspaces, workspaceInScope }: AlertsChannelsOptions): AlertsChannels {
  const guard = alertsChannelGuard({ channels, playbooks, channelName, ...(workspaceInScope ? { workspaceInScope } : {}) });
  const named = (workspaceChannel: string | null | undefined): string[] =>
    [...new Set([workspaceChannel ?? config.alertsChannel, ...playbooks().map((playbook) => playbook.alertsChannel)].filter((channel): channel is string => Boolean(channel)))];
  const watched = async (workspaceId: string | undefined, workspaceChannel: string | null | undefined): Promise<string[]> => {
    const found: string[] = [];
    for (const channel of named(workspaceChannel)) if (await guard.refusal(channel, workspaceId)) found.push(channel);
    return found;
  };
  return {
    guard,
    named,
    watched,
    watchedOfTeam: async (teamId) => {
      const settings = teamId ? await workspaces.settingsOfTeam(teamId) : undefined;
      return watched(settings?.workspaceId, settings?.alertsChannel);
    },
  };
}
