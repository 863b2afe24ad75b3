// The one check behind every way an alerts channel is chosen (App Home, /firebreak alerts,
// ALERTS_CHANNEL, a playbook's alertsChannel) and behind the moment an incident's root is posted:
// a watched community channel never receives incident threads. The rule is domain/playbooks
// (alertsChannelRefusal); this gathers its facts: the channel's watched row and its name.
import type { Playbook } from '../domain/playbooks/index.js';
import { CHANNEL_ID } from '../domain/playbooks/ref-syntax.js';
import { alertsChannelRefusal } from '../domain/playbooks/watching.js';
import type { WatchedChannels } from './ports/index.js';

export type AlertsChannelRefusal = NonNullable<ReturnType<typeof alertsChannelRefusal>>;

export interface AlertsChannelGuardOptions {
  channels: Pick<WatchedChannels, 'find' | 'findByChannelId' | 'findByName'>;
  playbooks(): readonly Playbook[];
  /** The channel's name (Slack's conversations.info, cached by the caller); null when unknown. */
  channelName(channelId: string): Promise<string | null>;
  /**
   * The workspace of the Slack team in scope (the outbox sends each write in its team's scope; one bot
   * token has one team), for a caller that names none: a digest or a notice outside any incident.
   */
  workspaceInScope?(): Promise<string | undefined>;
}

export interface AlertsChannelGuard {
  /**
   * Why `channelId` may not receive incident threads, or null when it may. The workspace's own watched
   * row decides: `workspaceId`, else the one in scope. Only when neither is known (a token whose team
   * Slack has not named yet) does any workspace's row: a Slack Connect channel has one id in both
   * organisations, and another's unwatched row would let a write into a channel this one watches.
   */
  refusal(channelId: string, workspaceId?: string): Promise<AlertsChannelRefusal | null>;
}

export function alertsChannelGuard(options: AlertsChannelGuardOptions): AlertsChannelGuard {
  return {
    async refusal(channelId, named) {
      const workspaceId = named ?? (await options.workspaceInScope?.().catch(() => undefined));
      // A playbook may name its alerts channel by name (`alerts`, `#alerts`) rather than by ID.
      if (!CHANNEL_ID.test(channelId)) {
        const name = channelId.replace(/^#/, '');
        const named = workspaceId ? await options.channels.findByName(workspaceId, name) : null;
        return alertsChannelRefusal(options.playbooks(), { channelId: named?.channelId ?? channelId, channelName: name, row: named });
      }
      const row = workspaceId ? await options.channels.find(workspaceId, channelId) : await options.channels.findByChannelId(channelId);
      // The name matters only while no row decides and a playbook names channels by name or pattern:
      // Slack is not asked otherwise (every incident write passes here).
      const byName = !row && options.playbooks().some((playbook) => (playbook.triggers.channels ?? []).some((ref) => !CHANNEL_ID.test(ref)));
      const channelName = row ? row.name : byName ? await options.channelName(channelId).catch(() => null) : null;
      return alertsChannelRefusal(options.playbooks(), { channelId, channelName, row });
    },
  };
}
