// Who is in a Slack user group, asked of Slack and cached briefly: approver groups and escalation
// audiences are resolved at the time of each decision, as the domain expects. Only Slack's answer is
// kept: a failure (429, 5xx, ok:false, no answer in time) is a GroupsUnavailableError, asked again at
// the next look-up, except that a 429's Retry-After is waited out without asking.
import type { WebClient } from '@slack/web-api';
import type { Clock } from '../domain/clock.js';
import type { PersonRef } from '../domain/playbooks/ref-syntax.js';
import { FirebreakError } from '../errors.js';

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
  /** Whether the workspace has this channel (an ID, or a name the bot can list); rejects when Slack gave no answer (5xx, 429). */
  channelExists(idOrName: string): Promise<boolean>;
  /** Whether the workspace has this user, not deactivated; a Slack that cannot answer says nothing against it (true). */
  userExists(userId: string): Promise<boolean>;
  /**
   * Which of these people Slack says are deactivated (users.info), each answer kept briefly like the
   * groups'. A Slack that cannot answer in time says nothing new: the last answer stands, else active
   * (so an approver is never dropped from a quorum on a guess).
   */
  deactivatedUsers?(userIds: readonly string[], options?: GroupLookUp): Promise<string[]>;
  /** Slack said a group changed (subteam_updated, subteam_members_changed): the next look-up asks again. */
  forget?(): void;
  /** Slack said this person changed (user_change, deactivated or back): the next look-up asks again. */
  forgetUser?(userId: string): void;
}

/** Which of these people Slack says are deactivated or gone (`userExists` false); one Slack cannot answer about is not. */
export async function deactivatedAmong(directory: Pick<Directory, 'userExists'>, userIds: readonly string[]): Promise<string[]> {
  const unique = [...new Set(userIds)];
  const exists = await Promise.all(unique.map((userId) => directory.userExists(userId)));
  return unique.filter((_, index) => !exists[index]);
}

const CACHE_MS = 60_000;
/**
 * A person waits on the answer (a command is answered in its acknowledgement, ACK_DEADLINE_MS = 2 s):
 * a Slack that has not listed the groups by then has not answered.
 */
export const GROUPS_ANSWER_TIMEOUT_MS = 1_500;
/** A Retry-After beyond this is not believed for longer: the next look-up asks again after it. */
const MAX_RATE_LIMIT_HOLD_MS = 60_000;

/** Slack did not say who is in the workspace's user groups just now; nothing about anyone follows from it. */
export class GroupsUnavailableError extends FirebreakError {
  constructor(
    readonly reason: 'rate_limited' | 'slack_error' | 'timeout',
    cause?: unknown,
  ) {
    super('slack_unavailable', `Slack did not list the workspace's user groups (${reason})`, { cause });
    this.name = 'GroupsUnavailableError';
  }
}

/**
 * `client` asks for channels; `groupsClient` (the same token) lists the user groups, and must reject a
 * 429 at once (rejectRateLimitedCalls) so its Retry-After is known here rather than waited out in a click.
 */
export function slackDirectory(client: WebClient, clock: Clock, groupsClient: WebClient = client): Directory {
  let groups: { at: number; list: Promise<ResolvedGroup[]> } | undefined;
  /** Slack said to wait (429 Retry-After) until then: look-ups fail at once, without asking. */
  let rateLimitedUntil = 0;
  const askSlack = async (): Promise<ResolvedGroup[]> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new GroupsUnavailableError('timeout')), GROUPS_ANSWER_TIMEOUT_MS)));
    const call = groupsClient.usergroups.list({ include_users: true }).then((answer) =>
      (answer.usergroups ?? []).map((group) => ({
        groupId: group.id ?? '',
        handle: group.handle ?? null,
        memberUserIds: group.users ?? [],
      })),
    );
    // An answer that comes after the person was told Slack did not answer still serves the next look-up
    // (unless another is under way): a workspace whose list is always slow is not asked in vain forever.
    call.then(
      (list) => {
        if (!groups) groups = { at: clock.now(), list: Promise.resolve(list) };
      },
      () => undefined,
    );
    try {
      return await Promise.race([call, late]);
    } catch (error) {
      if (error instanceof GroupsUnavailableError) throw error;
      const retryAfter = (error as { retryAfter?: unknown }).retryAfter;
      if (typeof retryAfter === 'number' && retryAfter >= 0) {
        rateLimitedUntil = clock.now() + Math.min(retryAfter * 1000, MAX_RATE_LIMIT_HOLD_MS);
        throw new GroupsUnavailableError('rate_limited', error);
      }
      throw new GroupsUnavailableError('slack_error', error);
    } finally {
      clearTimeout(timer);
    }
  };
  const loadGroups = (maxAgeMs = CACHE_MS): Promise<ResolvedGroup[]> => {
    if (!groups || clock.now() - groups.at > Math.min(maxAgeMs, CACHE_MS)) {
      if (clock.now() < rateLimitedUntil) return Promise.reject(new GroupsUnavailableError('rate_limited'));
      const list = askSlack().catch((error: unknown) => {
        if (groups?.list === list) groups = undefined;
        throw error;
      });
      groups = { at: clock.now(), list };
    }
    return groups.list;
  };
  /** Per person: whether Slack said the account is deactivated, and when it said so. */
  const accounts = new Map<string, { at: number; deactivated: boolean }>();
  const askDeactivated = async (userId: string): Promise<boolean> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), GROUPS_ANSWER_TIMEOUT_MS)));
    const call = groupsClient.users.info({ user: userId }).then(
      (answer) => answer.user?.deleted === true,
      () => undefined,
    );
    try {
      const deactivated = await Promise.race([call, late]);
      if (deactivated === undefined) return accounts.get(userId)?.deactivated ?? false;
      accounts.set(userId, { at: clock.now(), deactivated });
      return deactivated;
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    forget() {
      groups = undefined;
    },
    forgetUser(userId) {
      accounts.delete(userId);
    },
    async deactivatedUsers(userIds, options = {}) {
      const maxAgeMs = Math.min(options.maxAgeMs ?? CACHE_MS, CACHE_MS);
      const unique = [...new Set(userIds)];
      const answers = await Promise.all(
        unique.map((userId) => {
          const known = accounts.get(userId);
          return known && clock.now() - known.at <= maxAgeMs ? known.deactivated : askDeactivated(userId);
        }),
      );
      return unique.filter((_, index) => answers[index]);
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
        // Only Slack saying so makes it missing: a 500 or a 429 is no answer (rejects, so a caller says "unchecked").
        return client.conversations.info({ channel: name }).then(
          () => true,
          (error: unknown) => {
            if ((error as { data?: { error?: string } }).data?.error === 'channel_not_found') return false;
            throw error;
          },
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
