// Slack channels change under Firebreak: renamed, archived and unarchived, deleted, the bot removed or
// invited. A rename carries the stored name along (playbooks match channels by name and pattern); a
// channel usable again gets the writes that waited for it (alerts, thread lines, notices), each once.
import type { Clock } from '../domain/clock.js';
import { checkChannelId, checkChannelRename } from '../domain/ingest/channel-events.js';
import type { Playbook } from '../domain/playbooks/schema.js';
import type { Logger } from '../logger.js';
import type { Repositories, Store } from './ports/index.js';
import type { Watcher } from './watcher.js';

export interface ChannelLifecycleOptions {
  store: Store<Pick<Repositories, 'outbox'>>;
  watcher: Pick<Watcher, 'channelRenamed'>;
  clock: Clock;
  logger: Logger;
  /** The playbooks serving a workspace, and whether a channel may be stopped now (no playbook file in doubt). */
  servingOf(workspaceId: string): Promise<readonly Playbook[]>;
  mayStop(): boolean;
  /** A channel's name changed: answers remembered about it are dropped. */
  forgetChannelName(channelId: string): void;
  /** A channel stopped being watched: incidents held because their alerts channel was watched may go out now. */
  raiseHeldIncidents(workspaceId: string): Promise<unknown>;
  /** A channel a playbook names by name was renamed: the binding learns its new name (app/named-channels.ts). */
  namedChannelRenamed?(workspaceId: string, channelId: string, name: string): Promise<number>;
  /** Writes were put back in the outbox (wakes the worker). */
  onReleased(): void;
}

export type ChannelEventOutcome = 'applied' | 'unchanged' | `refused:${string}`;

export class ChannelLifecycle {
  constructor(private readonly options: ChannelLifecycleOptions) {}

  /**
   * `channel_rename` / `group_rename` in a workspace: the stored name follows, and a channel a playbook
   * put under watch follows the playbooks under it. A malformed event, or a channel the workspace has no
   * row for (another team's id among them), stores nothing.
   */
  async renamed(workspaceId: string, event: unknown): Promise<ChannelEventOutcome> {
    const checked = checkChannelRename(event);
    if (!checked.ok) {
      this.options.logger.warn({ workspace: workspaceId, reason: checked.reason }, 'a channel rename from Slack was refused: it changes nothing');
      return `refused:${checked.reason}`;
    }
    const { channelId, name } = checked;
    // Dropped whatever the row says: the next look-up asks Slack, never trusts the event for another workspace's channel.
    this.options.forgetChannelName(channelId);
    // Incidents follow the ID a playbook's name meant; the binding only learns the name, for App Home's notice.
    const bound = (await this.options.namedChannelRenamed?.(workspaceId, channelId, name)) ?? 0;
    if (bound > 0) this.options.logger.warn({ workspace: workspaceId, channel: channelId, channelName: name }, 'a channel a playbook names by name was renamed in Slack: incidents still go there; the playbook should give its new name');
    const { renamed, stopped, resumed } = await this.options.watcher.channelRenamed(workspaceId, channelId, name, await this.options.servingOf(workspaceId), { mayStop: this.options.mayStop() });
    if (!renamed) return bound > 0 ? 'applied' : 'unchanged';
    this.options.logger.info({ workspace: workspaceId, channel: channelId, channelName: name, stopped: stopped.length > 0, resumed: resumed.length > 0 }, 'a channel was renamed in Slack: its stored name follows');
    // No longer watched, an alerts channel is safe again (as after a playbook edit).
    if (stopped.length > 0) await this.options.raiseHeldIncidents(workspaceId);
    return 'applied';
  }

  /**
   * The channel can take messages again (unarchived, the bot invited): the writes that waited for it
   * go back in their lanes, once. `teamId` limits it to that team's writes (OAuth installs).
   */
  async usableAgain(event: unknown, teamId?: string): Promise<ChannelEventOutcome> {
    const checked = checkChannelId(event);
    if (!checked.ok) {
      this.options.logger.warn({ team: teamId, reason: checked.reason }, 'a channel event from Slack was refused: it changes nothing');
      return `refused:${checked.reason}`;
    }
    return this.release({ channelId: checked.channelId, ...(teamId !== undefined ? { teamId } : {}) });
  }

  /** At start-up: every waiting write is tried once more (an event may have been missed while down). */
  async retryWaiting(): Promise<ChannelEventOutcome> {
    return this.release({});
  }

  private async release(filter: { channelId?: string; teamId?: string }): Promise<ChannelEventOutcome> {
    const released = await this.options.store.direct.outbox.releaseWaitingForChannel(filter, this.options.clock.now());
    if (released.length === 0) return 'unchanged';
    this.options.onReleased();
    this.options.logger.warn({ channel: filter.channelId, team: filter.teamId, writes: released.length }, 'writes that waited for their channel are sent now');
    return 'applied';
  }
}
