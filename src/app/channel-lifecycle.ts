// Slack channels change under Firebreak: created, renamed, archived and unarchived, deleted, the bot
// removed or invited. A rename carries the stored name along (playbooks match channels by name and
// pattern); a channel usable again gets the writes that waited for it (alerts, thread lines, notices),
// each once; a deleted one is no longer watched; a channel taking the name a playbook gives its alerts
// channel is where that playbook's incidents go.
import type { Clock } from '../domain/clock.js';
import { checkChannelId, checkChannelRename } from '../domain/ingest/channel-events.js';
import { CHANNEL_ID } from '../domain/playbooks/ref-syntax.js';
import type { Playbook } from '../domain/playbooks/schema.js';
import type { Logger } from '../logger.js';
import type { Repositories, Store } from './ports/index.js';
import type { Watcher } from './watcher.js';

export interface ChannelLifecycleOptions {
  store: Store<Pick<Repositories, 'outbox'>>;
  watcher: Pick<Watcher, 'channelRenamed' | 'channelDeleted'>;
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
  /** Slack deleted a channel: names playbooks give that meant it mean no channel now (app/named-channels.ts). */
  namedChannelDeleted?(workspaceId: string, channelId: string): Promise<number>;
  /** Slack's channel now, asked with the workspace's token (events are a hint, Slack's answer is the fact); null when unknown. */
  channelNow?(workspaceId: string, channelId: string): Promise<{ name: string; archived: boolean } | null>;
  /** A channel has a name a playbook gives as alerts channel: the name means it now. True when that changed. */
  channelTookName?(workspaceId: string, channelId: string, name: string, serving: readonly Playbook[]): Promise<boolean>;
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
    if (renamed) this.options.logger.info({ workspace: workspaceId, channel: channelId, channelName: name, stopped: stopped.length > 0, resumed: resumed.length > 0 }, 'a channel was renamed in Slack: its stored name follows');
    // Renamed to a name a playbook gives its alerts channel: the name may mean this channel now.
    const took = await this.tookName(workspaceId, channelId);
    // No longer watched, an alerts channel is safe again (as after a playbook edit).
    if (stopped.length > 0 && !took) await this.options.raiseHeldIncidents(workspaceId);
    return renamed || bound > 0 || took ? 'applied' : 'unchanged';
  }

  /**
   * `channel_created` (and the bot joining a channel): a channel taking the name a playbook gives its
   * alerts channel is where that playbook's incidents go from now on, and those waiting are raised there.
   */
  async created(workspaceId: string, event: unknown): Promise<ChannelEventOutcome> {
    // Created events carry `{ channel: { id, name } }`; the name is read from Slack, the id is what counts.
    const checked = checkChannelRename(event);
    if (!checked.ok) {
      this.options.logger.warn({ workspace: workspaceId, reason: checked.reason }, 'a channel creation from Slack was refused: it changes nothing');
      return `refused:${checked.reason}`;
    }
    return (await this.tookName(workspaceId, checked.channelId)) ? 'applied' : 'unchanged';
  }

  /**
   * `channel_deleted` / `group_deleted`: a watched channel stops being watched (its messages stay until
   * retention erases them), names playbooks give that meant it mean no channel (App Home says so), and
   * incidents waiting for it are raised where their alerts go now, if that is elsewhere. The writes still
   * waiting for it stay listed in App Home: nothing is dropped. A repeat, another team's channel id or a
   * channel Firebreak never used changes nothing.
   */
  async deleted(workspaceId: string, event: unknown): Promise<ChannelEventOutcome> {
    const checked = checkChannelId(event);
    if (!checked.ok) {
      this.options.logger.warn({ workspace: workspaceId, reason: checked.reason }, 'a channel deletion from Slack was refused: it changes nothing');
      return `refused:${checked.reason}`;
    }
    const { channelId } = checked;
    this.options.forgetChannelName(channelId);
    const stopped = await this.options.watcher.channelDeleted(workspaceId, channelId);
    const unbound = (await this.options.namedChannelDeleted?.(workspaceId, channelId)) ?? 0;
    if (!stopped && unbound === 0) return 'unchanged';
    if (unbound > 0) this.options.logger.warn({ workspace: workspaceId, channel: channelId }, 'the alerts channel a playbook names by name was deleted in Slack: its incidents wait for a channel taking the name, or a new alertsChannel');
    await this.options.raiseHeldIncidents(workspaceId);
    return 'applied';
  }

  /**
   * Whether the channel now has (per Slack, asked now: an event may be late, repeated or out of order) a
   * name a playbook gives its alerts channel, and the name was moved to it; incidents waiting are then raised there.
   */
  private async tookName(workspaceId: string, channelId: string): Promise<boolean> {
    if (!this.options.channelNow || !this.options.channelTookName) return false;
    // Slack is asked only when some playbook serving the workspace gives its alerts channel by name.
    const serving = await this.options.servingOf(workspaceId);
    if (!serving.some((playbook) => playbook.alertsChannel && !CHANNEL_ID.test(playbook.alertsChannel))) return false;
    const now = await this.options.channelNow(workspaceId, channelId);
    if (!now || now.archived) return false;
    if (!(await this.options.channelTookName(workspaceId, channelId, now.name, serving))) return false;
    this.options.logger.warn({ workspace: workspaceId, channel: channelId, channelName: now.name }, 'a channel took the name a playbook gives its alerts channel: its incidents go there now');
    await this.options.raiseHeldIncidents(workspaceId);
    return true;
  }

  /**
   * The channel can take messages again (unarchived, the bot invited): the writes that waited for it
   * go back in their lanes, once. `teamId` limits it to that team's writes (OAuth installs). With the
   * `workspaceId`, a channel that has the name a playbook gives its alerts channel becomes that channel.
   */
  async usableAgain(event: unknown, teamId?: string, workspaceId?: string): Promise<ChannelEventOutcome> {
    const checked = checkChannelId(event);
    if (!checked.ok) {
      this.options.logger.warn({ team: teamId, reason: checked.reason }, 'a channel event from Slack was refused: it changes nothing');
      return `refused:${checked.reason}`;
    }
    const released = await this.release({ channelId: checked.channelId, ...(teamId !== undefined ? { teamId } : {}) });
    // Unarchived with the name a playbook gives its alerts channel (another channel was deleted or renamed away meanwhile).
    const took = workspaceId !== undefined && (await this.tookName(workspaceId, checked.channelId));
    return took ? 'applied' : released;
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
