// A playbook may name its alerts channel by name (`alertsChannel: crisis-alerts`). Slack forgets a name
// when the channel is renamed, so the name is resolved once to the channel's ID and incidents follow the
// ID from then on: a rename never leaves alerts waiting. Staff are told when a playbook still gives the
// old name (App Home), and a playbook edited to another name is resolved afresh (a binding is per name).
// A channel Slack deleted leaves its name meaning nothing (App Home says so; incidents wait), until a
// channel takes the name (created, renamed or unarchived with it): the name then means that channel.
import { CHANNEL_ID } from '../domain/playbooks/ref-syntax.js';
import type { Clock } from '../domain/clock.js';
import type { Playbook } from '../domain/playbooks/schema.js';
import type { Logger } from '../logger.js';
import type { Repositories, Store } from './ports/index.js';

export interface NamedChannelsOptions {
  store: Store<Pick<Repositories, 'namedChannels'>>;
  logger: Logger;
  clock: Clock;
  /** The workspace's channel of that name in Slack now (archived ones too), or null when it has none. */
  lookup(workspaceId: string, name: string): Promise<{ id: string; name: string } | null>;
}

/** A playbook naming its alerts channel by a name Slack no longer gives that channel. */
export interface OutdatedChannelName {
  playbookId: string;
  /** The name the playbook gives. */
  name: string;
  channelId: string;
  /** Slack's name for the channel now. */
  currentName: string;
  /** Slack deleted the channel: no channel has the name for Firebreak until one takes it. */
  deleted: boolean;
}

/**
 * A name Slack did not know (or a look-up that failed) is asked again only after this long: the look-up
 * pages through every channel (conversations.list, rate-limited), and a typo must not do it per incident.
 */
export const NAME_MISS_TTL_MS = 60_000;

export class NamedChannelsService {
  private readonly misses = new Map<string, number>();

  constructor(private readonly options: NamedChannelsOptions) {}

  /**
   * The Slack ID `ref` means in the workspace: an ID as it is; a name by what it meant when first
   * resolved, else Slack is asked and the answer kept. Null when neither knows it (the caller keeps the name).
   */
  async resolve(workspaceId: string, ref: string): Promise<string | null> {
    if (CHANNEL_ID.test(ref)) return ref;
    const name = ref.replace(/^#/, '');
    const { namedChannels } = this.options.store.direct;
    const bound = await namedChannels.find(workspaceId, name);
    if (bound && !bound.deletedAt) return bound.channelId;
    const key = `${workspaceId}:${name}`;
    const now = this.options.clock.now();
    if ((this.misses.get(key) ?? 0) > now) return null;
    const found = await this.options.lookup(workspaceId, name).catch((error: unknown) => {
      this.options.logger.warn({ err: error, workspace: workspaceId, channelName: name }, 'could not ask Slack which channel a playbook names; asked again in a minute');
      return null;
    });
    if (!found) {
      this.misses.set(key, now + NAME_MISS_TTL_MS);
      return null;
    }
    this.misses.delete(key);
    // A deleted channel's name that Slack gives another channel now: the name means that one.
    if (bound) {
      await namedChannels.rebind({ workspaceId, name, channelId: found.id, currentName: found.name });
      return found.id;
    }
    return (await namedChannels.bind({ workspaceId, name, channelId: found.id, currentName: found.name })).channelId;
  }

  /**
   * Slack took a post addressed to `ref` (a name) and answered with the channel's ID: that is what the
   * name means, kept as if resolved (a look-up that missed or failed no longer matters).
   */
  async learn(workspaceId: string, ref: string, channelId: string): Promise<void> {
    if (CHANNEL_ID.test(ref) || !CHANNEL_ID.test(channelId)) return;
    const name = ref.replace(/^#/, '');
    this.misses.delete(`${workspaceId}:${name}`);
    const { namedChannels } = this.options.store.direct;
    if ((await namedChannels.find(workspaceId, name))?.deletedAt) await namedChannels.rebind({ workspaceId, name, channelId, currentName: name });
    else await namedChannels.bind({ workspaceId, name, channelId, currentName: name });
  }

  /**
   * Slack says the channel is now called `name` (created, renamed, unarchived), and a playbook serving the
   * workspace gives that name as its alerts channel: the name now means this channel, whatever it meant
   * before (a channel deleted, or renamed away and archived). True when that changed what the name means.
   */
  async channelTookName(workspaceId: string, channelId: string, name: string, playbooks: readonly Playbook[]): Promise<boolean> {
    if (!CHANNEL_ID.test(channelId) || !playbooks.some((playbook) => playbook.alertsChannel && playbook.alertsChannel.replace(/^#/, '') === name)) return false;
    this.misses.delete(`${workspaceId}:${name}`);
    return this.options.store.direct.namedChannels.rebind({ workspaceId, name, channelId, currentName: name });
  }

  /** Slack deleted a channel: the names bound to it mean no channel until one takes them. How many. */
  channelDeleted(workspaceId: string, channelId: string): Promise<number> {
    return this.options.store.direct.namedChannels.channelDeleted(workspaceId, channelId, this.options.clock.now());
  }

  /** Resolves now every alerts channel the playbooks give by name, so a rename later is followed. */
  async resolveAll(workspaceId: string, playbooks: readonly Playbook[]): Promise<void> {
    for (const ref of new Set(playbooks.map((playbook) => playbook.alertsChannel).filter((ref): ref is string => Boolean(ref)))) await this.resolve(workspaceId, ref);
  }

  /** Slack renamed a channel: the names bound to it know its new name. How many bindings changed. */
  renamed(workspaceId: string, channelId: string, name: string): Promise<number> {
    return this.options.store.direct.namedChannels.renamed(workspaceId, channelId, name);
  }

  /** The playbooks (serving the workspace) whose alerts channel is given by a name the channel no longer has, or whose channel Slack deleted. */
  async outdated(workspaceId: string, playbooks: readonly Playbook[]): Promise<OutdatedChannelName[]> {
    const named = playbooks.filter((playbook) => playbook.alertsChannel && !CHANNEL_ID.test(playbook.alertsChannel));
    if (named.length === 0) return [];
    const bindings = new Map((await this.options.store.direct.namedChannels.ofWorkspace(workspaceId)).map((binding) => [binding.name, binding]));
    return named.flatMap((playbook) => {
      const binding = bindings.get(playbook.alertsChannel!.replace(/^#/, ''));
      if (!binding || (binding.currentName === binding.name && !binding.deletedAt)) return [];
      return [{ playbookId: playbook.id, name: binding.name, channelId: binding.channelId, currentName: binding.currentName, deleted: Boolean(binding.deletedAt) }];
    });
  }
}
