// Who is in a Slack user group, asked of Slack and cached briefly: approver groups and escalation
// audiences are resolved at the time of each decision, as the domain expects.
import type { WebClient } from '@slack/web-api';
import type { Clock } from '../domain/clock.js';
import type { PersonRef } from '../domain/playbooks/ref-syntax.js';

export interface ResolvedGroup {
  groupId: string;
  handle: string | null;
  memberUserIds: string[];
}

export interface GroupLookUp {
  /**
   * An answer older than this is asked of Slack again (an approval checks who is in its groups now);
   * a Slack that cannot answer then is an error, never the older answer.
   */
  maxAgeMs?: number;
}

export interface Directory {
  /** A user group by ID (S…) or handle (@team); null when the workspace has no such group. */
  group(ref: PersonRef, options?: GroupLookUp): Promise<ResolvedGroup | null>;
  channelExists(idOrName: string): Promise<boolean>;
  /** Whether the workspace has this user, not deactivated; a Slack that cannot answer says nothing against it (true). */
  userExists(userId: string): Promise<boolean>;
  /** Slack said a group changed (subteam_updated, subteam_members_changed): the next look-up asks again. */
  forget?(): void;
}

const CACHE_MS = 60_000;

export function slackDirectory(client: WebClient, clock: Clock): Directory {
  let groups: { at: number; list: Promise<ResolvedGroup[]> } | undefined;
  const loadGroups = (maxAgeMs = CACHE_MS): Promise<ResolvedGroup[]> => {
    if (!groups || clock.now() - groups.at > Math.min(maxAgeMs, CACHE_MS)) {
      const list = client.usergroups
        .list({ include_users: true })
        .then((answer) =>
          (answer.usergroups ?? []).map((group) => ({
            groupId: group.id ?? '',
            handle: group.handle ?? null,
            memberUserIds: group.users ?? [],
          })),
        )
        .catch((error: unknown) => {
          if (groups?.list === list) groups = undefined;
          throw error;
        });
      groups = { at: clock.now(), list };
    }
    return groups.list;
  };
  return {
    forget() {
      groups = undefined;
    },
    async group(ref, options = {}) {
      if (ref.kind === 'user') return null;
      const list = await loadGroups(options.maxAgeMs);
      return list.find((group) => (ref.kind === 'group' ? group.groupId === ref.id : group.handle === ref.handle.replace(/^@/, ''))) ?? null;
    },
    async userExists(userId) {
      return client.users.info({ user: userId }).then(
        (answer) => answer.user?.deleted !== true,
        (error: unknown) => (error as { data?: { error?: string } }).data?.error !== 'user_not_found',
      );
    },
    async channelExists(idOrName) {
      const name = idOrName.replace(/^#/, '');
      if (/^[CG][A-Z0-9]+$/.test(name)) {
        return client.conversations.info({ channel: name }).then(
          () => true,
          () => false,
        );
      }
      for await (const page of client.paginate('conversations.list', { types: 'public_channel,private_channel', limit: 200 })) {
        const channels = (page as { channels?: { name?: string }[] }).channels ?? [];
        if (channels.some((channel) => channel.name === name)) return true;
      }
      return false;
    },
  };
}
