// A playbook may name its alerts channel by name (`alertsChannel: crisis-alerts`). Slack forgets a name
// when the channel is renamed, so the name is resolved once to the channel's ID and incidents follow the
// ID from then on: a rename never leaves alerts waiting. Staff are told when a playbook still gives the
// old name (App Home), and a playbook edited to another name is resolved afresh (a binding is per name).
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
    if (bound) return bound.channelId;
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
    await this.options.store.direct.namedChannels.bind({ workspaceId, name, channelId, currentName: name });
  }

  /** Resolves now every alerts channel the playbooks give by name, so a rename later is followed. */
  async resolveAll(workspaceId: string, playbooks: readonly Playbook[]): Promise<void> {
    for (const ref of new Set(playbooks.map((playbook) => playbook.alertsChannel).filter((ref): ref is string => Boolean(ref)))) await this.resolve(workspaceId, ref);
  }

  /** Slack renamed a channel: the names bound to it know its new name. How many bindings changed. */
  renamed(workspaceId: string, channelId: string, name: string): Promise<number> {
    return this.options.store.direct.namedChannels.renamed(workspaceId, channelId, name);
  }

  /** The playbooks (serving the workspace) whose alerts channel is given by a name the channel no longer has. */
  async outdated(workspaceId: string, playbooks: readonly Playbook[]): Promise<OutdatedChannelName[]> {
    const named = playbooks.filter((playbook) => playbook.alertsChannel && !CHANNEL_ID.test(playbook.alertsChannel));
    if (named.length === 0) return [];
    const bindings = new Map((await this.options.store.direct.namedChannels.ofWorkspace(workspaceId)).map((binding) => [binding.name, binding]));
    return named.flatMap((playbook) => {
      const binding = bindings.get(playbook.alertsChannel!.replace(/^#/, ''));
      return binding && binding.currentName !== binding.name ? [{ playbookId: playbook.id, name: binding.name, channelId: binding.channelId, currentName: binding.currentName }] : [];
    });
  }
}
