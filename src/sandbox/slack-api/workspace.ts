import { EventEmitter } from 'node:events';
import type { Clock } from '../../domain/clock.js';
import { systemClock } from '../../domain/clock.js';
import type { AppIdentity } from '../slack-payloads.js';
import { SlackApiError } from './errors.js';
import type {
  EphemeralMessage,
  SharedFileRef,
  SlackChannel,
  SlackMessage,
  SlackUser,
  SlackUserGroup,
  SlackView,
  StoredFile,
  TokenGrant,
  WorkspaceState,
} from './model.js';
import { compareTs, isSlackTs, microsToTs, nextTsMicros, tsToMicros } from './ts.js';

/** Who is acting: the bot (has bot_id) or a member of the workspace. */
export type Actor = TokenGrant;

/** Every change to the model, for the sandbox page and for tests that wait on Slack's side. */
export type WorkspaceChange =
  | { type: 'message_posted'; channel: string; message: SlackMessage }
  | { type: 'message_updated'; channel: string; message: SlackMessage }
  /** A message was edited (chat.update or a member's edit): Slack's message_changed. */
  | { type: 'message_edited'; channel: string; message: SlackMessage; previous: SlackMessage; event_ts: string }
  | { type: 'message_deleted'; channel: string; ts: string; previous: SlackMessage; event_ts: string }
  | { type: 'ephemeral_posted'; message: EphemeralMessage }
  | { type: 'reaction_added'; channel: string; ts: string; name: string; user: string }
  | { type: 'view_opened' | 'view_updated' | 'view_pushed' | 'view_closed'; view: SlackView }
  | { type: 'home_published'; user: string; view: SlackView }
  | { type: 'file_uploaded'; file_id: string }
  | { type: 'member_joined_channel'; channel: string; user: string }
  | { type: 'channel_created' | 'channel_archived' | 'channel_unarchived' | 'channel_renamed' | 'im_opened'; channel: SlackChannel }
  | { type: 'channel_deleted'; channel: string }
  | { type: 'ephemeral_updated'; message: EphemeralMessage }
  | { type: 'ephemeral_deleted'; user: string; ts: string }
  | { type: 'user_added' | 'user_changed'; user: SlackUser }
  | { type: 'usergroup_changed'; usergroup: SlackUserGroup };

export interface WorkspaceOptions {
  clock?: Clock;
  team?: { id?: string; name?: string; domain?: string };
  /** The bot's token; the Web API accepts it as a Bearer token. */
  botToken?: string;
  botName?: string;
  /**
   * Goes into every id the workspace hands out (users, channels, files, the bot): give each workspace of
   * a multi-workspace test its own, as Slack's ids never repeat across workspaces. Default `0`.
   */
  idTag?: string;
  /** Restore a snapshot taken with `snapshot()` instead of starting empty. */
  state?: WorkspaceState;
  /**
   * Where a message's permalink (chat.getPermalink) points; default Slack's own form,
   * https://<domain>.slack.com/archives/<channel>/p<ts>. The sandbox points them at its page.
   */
  permalink?: (message: { channel: string; ts: string; threadTs: string | null }) => string;
}

export interface NewUser {
  name: string;
  real_name?: string;
  display_name?: string;
  email?: string;
  is_admin?: boolean;
  is_owner?: boolean;
  is_bot?: boolean;
  tz?: string;
  /** Slack's language for the person (default en-US). */
  locale?: string;
  id?: string;
  /** Another organisation's team: a Slack Connect user from outside this workspace (default: this team). */
  team_id?: string;
}

export interface NewChannel {
  name: string;
  is_private?: boolean;
  members?: string[];
  topic?: string;
  purpose?: string;
  id?: string;
  is_general?: boolean;
}

export interface NewUserGroup {
  handle: string;
  name?: string;
  description?: string;
  users?: string[];
  id?: string;
}

export interface MessageContent {
  text?: string;
  blocks?: unknown[];
  attachments?: unknown[];
  metadata?: unknown;
}

export interface HistoryQuery {
  latest?: string;
  oldest?: string;
  inclusive?: boolean;
}

/** A response_url takes 5 responses within 30 minutes. */
export const RESPONSE_URL_MAX_USES = 5;
export const RESPONSE_URL_TTL_MS = 30 * 60_000;
/** Slack keeps a trigger_id usable for 3 seconds after the interaction. */
export const TRIGGER_TTL_MS = 3000;
/** A modal stack holds the opened view and at most 2 pushed ones. */
export const MAX_MODAL_STACK = 3;
/** chat.postMessage truncates at 40,000 characters; we refuse instead, as msg_too_long. */
export const MAX_MESSAGE_TEXT = 40_000;

const CHANNEL_NAME = /^[a-z0-9][a-z0-9_-]{0,79}$/;
const EMOJI_NAME = /^[a-z0-9_+'-]+(::skin-tone-[2-6])?$/;

/**
 * The loopback Slack workspace: channels, members, user groups, threads, messages, ephemeral messages,
 * modals and App Home, and files, with Slack's rules for who may do what. The Web API layer
 * (`api.ts`) translates HTTP calls into these operations; the sandbox page can call them as members.
 */
export class SlackWorkspace {
  readonly events = new EventEmitter<{ change: [WorkspaceChange] }>();
  private readonly clock: Clock;
  private state: WorkspaceState;
  private readonly permalinkOf: WorkspaceOptions['permalink'];

  constructor(options: WorkspaceOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.permalinkOf = options.permalink;
    if (options.state) {
      this.state = structuredClone(options.state);
      this.state.response_urls ??= {};
      return;
    }
    const teamId = options.team?.id ?? 'T0FIREBRK';
    const idTag = options.idTag ?? '0';
    const botUserId = `U${idTag}FBBOT01`;
    const botId = `B${idTag}FBBOT01`;
    const botToken = options.botToken ?? 'xoxb-firebreak-sandbox-token';
    this.state = {
      team: { id: teamId, name: options.team?.name ?? 'Firebreak Sandbox', domain: options.team?.domain ?? 'firebreak-sandbox' },
      app_id: 'A0FIREBRK',
      bot: { user_id: botUserId, bot_id: botId, token: botToken },
      tokens: { [botToken]: { user_id: botUserId, bot_id: botId } },
      users: {},
      channels: {},
      messages: {},
      ephemeral: [],
      usergroups: {},
      views: {},
      home_views: {},
      files: {},
      triggers: {},
      response_urls: {},
      counters: { last_ts_micros: 0, next_id: 1, id_tag: idTag },
    };
    this.addUser({ id: botUserId, name: options.botName ?? 'firebreak', real_name: 'Firebreak', is_bot: true });
  }

  // ── State ──────────────────────────────────────────────────────────────────────────────────────

  /** A deep copy of the whole state, JSON-serialisable; pass it back as `state` to restore. */
  snapshot(): WorkspaceState {
    return structuredClone(this.state);
  }

  get team() {
    return { ...this.state.team };
  }
  get bot() {
    return { ...this.state.bot, app_id: this.state.app_id };
  }
  now(): number {
    return this.clock.now();
  }
  /** The ids the app's incoming payloads (events, commands, interactions) carry. */
  appIdentity(): AppIdentity {
    return { teamId: this.state.team.id, teamDomain: this.state.team.domain, apiAppId: this.state.app_id, botUserId: this.state.bot.user_id };
  }

  /** Resolve a token to who it acts for; undefined for tokens this workspace never issued. */
  grantFor(token: string): Actor | undefined {
    const grant = this.state.tokens[token];
    return grant ? { ...grant } : undefined;
  }

  /**
   * An OAuth install (or reinstall) hands the app a new bot token; the earlier ones stop working, so a
   * test sees at once whether the app still uses an old one.
   */
  issueBotToken(): string {
    const token = `xoxb-${this.state.team.id}-${this.nextId('')}-${randomHex(12)}`;
    this.revokeBotTokens();
    this.state.bot.token = token;
    this.state.tokens[token] = { user_id: this.state.bot.user_id, bot_id: this.state.bot.bot_id };
    return token;
  }

  /** An org-wide (Enterprise Grid) install's bot token: a grant of its own; the workspace's tokens keep working. */
  issueOrgBotToken(): string {
    const token = `xoxb-org-${this.state.team.id}-${this.nextId('')}-${randomHex(12)}`;
    this.state.tokens[token] = { user_id: this.state.bot.user_id, bot_id: this.state.bot.bot_id };
    return token;
  }

  /** The app was uninstalled or its tokens revoked: every bot token of this workspace stops working. */
  revokeBotTokens(): void {
    for (const [token, grant] of Object.entries(this.state.tokens)) if (grant.bot_id) delete this.state.tokens[token];
  }

  /** Issue a user token (xoxp-…) for a member, for tests that act as a person through the Web API. */
  issueUserToken(userId: string): string {
    this.requireUser(userId);
    const token = `xoxp-${this.state.team.id}-${userId}-${this.nextId('')}`;
    this.state.tokens[token] = { user_id: userId };
    return token;
  }

  // ── Seeding: members, channels, groups ─────────────────────────────────────────────────────────

  addUser(input: NewUser): SlackUser {
    const id = input.id ?? this.nextId('U');
    if (this.state.users[id]) throw new SlackApiError('already_exists', [`user ${id} already exists`]);
    const realName = input.real_name ?? input.name;
    const user: SlackUser = {
      id,
      team_id: input.team_id ?? this.state.team.id,
      name: input.name,
      real_name: realName,
      deleted: false,
      is_bot: input.is_bot ?? false,
      is_app_user: false,
      is_admin: input.is_admin ?? false,
      is_owner: input.is_owner ?? false,
      tz: input.tz ?? 'Etc/UTC',
      locale: input.locale ?? 'en-US',
      profile: {
        real_name: realName,
        display_name: input.display_name ?? input.name,
        ...(input.email !== undefined ? { email: input.email } : {}),
        image_72: `https://avatars.slack-edge.invalid/${id}_72.png`,
      },
    };
    this.state.users[id] = user;
    this.emit({ type: 'user_added', user: structuredClone(user) });
    return structuredClone(user);
  }

  /** An admin makes someone admin or owner, or not any more, or deactivates them (Slack's user_change). */
  updateUser(userId: string, change: Partial<Pick<SlackUser, 'is_admin' | 'is_owner' | 'deleted'>>): SlackUser {
    const user = this.requireUser(userId);
    Object.assign(user, change);
    this.emit({ type: 'user_changed', user: structuredClone(user) });
    return structuredClone(user);
  }

  addChannel(input: NewChannel): SlackChannel {
    if (!CHANNEL_NAME.test(input.name)) {
      throw new SlackApiError('invalid_name_specials', [`channel name "${input.name}" must be lowercase letters, digits, - and _ (max 80)`]);
    }
    if (Object.values(this.state.channels).some((c) => c.name === input.name)) throw new SlackApiError('name_taken', [`#${input.name} exists`]);
    const members = input.members ?? [];
    for (const member of members) this.requireUser(member);
    const id = input.id ?? this.nextId(input.is_private ? 'G' : 'C');
    const creator = members[0] ?? this.state.bot.user_id;
    const created = Math.floor(this.clock.now() / 1000);
    const channel: SlackChannel = {
      id,
      name: input.name,
      is_channel: true,
      is_group: false,
      is_im: false,
      is_mpim: false,
      is_private: input.is_private ?? false,
      is_archived: false,
      is_general: input.is_general ?? false,
      created,
      creator,
      topic: { value: input.topic ?? '', creator: input.topic ? creator : '', last_set: input.topic ? created : 0 },
      purpose: { value: input.purpose ?? '', creator: input.purpose ? creator : '', last_set: input.purpose ? created : 0 },
      members: [...new Set(members)],
    };
    this.state.channels[id] = channel;
    this.state.messages[id] = [];
    this.emit({ type: 'channel_created', channel: structuredClone(channel) });
    return structuredClone(channel);
  }

  archiveChannel(channelId: string): void {
    const channel = this.requireChannelExists(channelId);
    channel.is_archived = true;
    this.emit({ type: 'channel_archived', channel: structuredClone(channel) });
  }

  unarchiveChannel(channelId: string): void {
    const channel = this.requireChannelExists(channelId);
    channel.is_archived = false;
    this.emit({ type: 'channel_unarchived', channel: structuredClone(channel) });
  }

  /** Renamed, as from the channel's settings: Slack then knows it (and posts to it) only by its new name. */
  renameChannel(channelId: string, name: string): void {
    const channel = this.requireChannelExists(channelId);
    channel.name = name;
    this.emit({ type: 'channel_renamed', channel: structuredClone(channel) });
  }

  /** Deleted for good: its messages go with it, and Slack answers channel_not_found from then on. */
  deleteChannel(channelId: string): void {
    this.requireChannelExists(channelId);
    delete this.state.channels[channelId];
    delete this.state.messages[channelId];
    this.emit({ type: 'channel_deleted', channel: channelId });
  }

  /** A member joins (or is added to) a channel, as if they had clicked Join. */
  addMember(channelId: string, userId: string): void {
    const channel = this.requireChannelExists(channelId);
    this.requireUser(userId);
    if (!channel.members.includes(userId)) {
      channel.members.push(userId);
      this.emit({ type: 'member_joined_channel', channel: channelId, user: userId });
    }
  }

  addUserGroup(input: NewUserGroup): SlackUserGroup {
    const users = input.users ?? [];
    for (const user of users) this.requireUser(user);
    const id = input.id ?? this.nextId('S');
    const group: SlackUserGroup = {
      id,
      team_id: this.state.team.id,
      name: input.name ?? input.handle,
      handle: input.handle,
      description: input.description ?? '',
      is_usergroup: true,
      date_create: Math.floor(this.clock.now() / 1000),
      date_delete: 0,
      users: [...new Set(users)],
      user_count: new Set(users).size,
    };
    this.state.usergroups[id] = group;
    this.emit({ type: 'usergroup_changed', usergroup: structuredClone(group) });
    return structuredClone(group);
  }

  setUserGroupMembers(groupId: string, users: string[]): SlackUserGroup {
    const group = this.state.usergroups[groupId];
    if (!group) throw new SlackApiError('no_such_subteam', [`no user group ${groupId}`]);
    for (const user of users) this.requireUser(user);
    group.users = [...new Set(users)];
    group.user_count = group.users.length;
    this.emit({ type: 'usergroup_changed', usergroup: structuredClone(group) });
    return structuredClone(group);
  }

  // ── Reading ────────────────────────────────────────────────────────────────────────────────────

  getUser(userId: string): SlackUser {
    return structuredClone(this.requireUser(userId));
  }

  listUsers(): SlackUser[] {
    return Object.values(this.state.users).map((u) => structuredClone(u));
  }

  /** A channel as `actor` may see it: private channels exist only for their members. */
  getChannel(actor: Actor, channelId: string): SlackChannel {
    return structuredClone(this.visibleChannel(actor, channelId));
  }

  listChannels(actor: Actor, options: { types?: string[]; excludeArchived?: boolean } = {}): SlackChannel[] {
    const types = new Set(options.types ?? ['public_channel']);
    return Object.values(this.state.channels)
      .filter((c) => {
        if (c.is_im) return types.has('im') && c.members.includes(actor.user_id);
        return c.is_private ? types.has('private_channel') && c.members.includes(actor.user_id) : types.has('public_channel');
      })
      .filter((c) => !(options.excludeArchived && c.is_archived))
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((c) => structuredClone(c));
  }

  channelMembers(actor: Actor, channelId: string): string[] {
    return [...this.visibleChannel(actor, channelId).members];
  }

  /** Top-level messages (and thread broadcasts), newest first, as conversations.history returns them. */
  history(actor: Actor, channelId: string, query: HistoryQuery = {}): SlackMessage[] {
    const channel = this.visibleChannel(actor, channelId);
    this.requireMembership(actor, channel);
    return this.channelMessages(channelId)
      .filter((m) => m.thread_ts === undefined || m.thread_ts === m.ts || m.subtype === 'thread_broadcast')
      .filter((m) => inRange(m.ts, query))
      .sort((a, b) => compareTs(b.ts, a.ts))
      .map((m) => structuredClone(m));
  }

  /** A thread: its parent then its replies, oldest first, as conversations.replies returns them. */
  replies(actor: Actor, channelId: string, ts: string, query: HistoryQuery = {}): SlackMessage[] {
    const channel = this.visibleChannel(actor, channelId);
    this.requireMembership(actor, channel);
    const message = this.channelMessages(channelId).find((m) => m.ts === ts);
    if (!message) throw new SlackApiError('thread_not_found', [`no message with ts ${ts} in ${channelId}`]);
    const rootTs = message.thread_ts ?? message.ts;
    const root = this.channelMessages(channelId).find((m) => m.ts === rootTs);
    const thread = this.channelMessages(channelId)
      .filter((m) => m.ts !== rootTs && m.thread_ts === rootTs)
      .filter((m) => inRange(m.ts, query))
      .sort((a, b) => compareTs(a.ts, b.ts));
    return [...(root ? [root] : []), ...thread].map((m) => structuredClone(m));
  }

  /** Any message by channel and ts, ignoring visibility (for tests and the sandbox page). */
  findMessage(channelId: string, ts: string): SlackMessage | undefined {
    const found = this.state.messages[channelId]?.find((m) => m.ts === ts);
    return found ? structuredClone(found) : undefined;
  }

  /** Every message of a channel in ts order (top level and replies), for tests and the page. */
  messagesIn(channelId: string): SlackMessage[] {
    return this.channelMessages(channelId).map((m) => structuredClone(m));
  }

  ephemeralFor(userId: string): EphemeralMessage[] {
    return this.state.ephemeral.filter((m) => m.user === userId).map((m) => structuredClone(m));
  }

  permalink(actor: Actor, channelId: string, ts: string): string {
    this.visibleChannel(actor, channelId);
    const message = this.channelMessages(channelId).find((m) => m.ts === ts);
    if (!message) throw new SlackApiError('message_not_found', [`no message with ts ${ts} in ${channelId}`]);
    const isReply = message.thread_ts !== undefined && message.thread_ts !== message.ts;
    if (this.permalinkOf) return this.permalinkOf({ channel: channelId, ts, threadTs: isReply ? (message.thread_ts ?? null) : null });
    const base = `https://${this.state.team.domain}.slack.com/archives/${channelId}/p${ts.replace('.', '')}`;
    return isReply ? `${base}?thread_ts=${message.thread_ts}&cid=${channelId}` : base;
  }

  listUserGroups(): SlackUserGroup[] {
    return Object.values(this.state.usergroups)
      .filter((g) => g.date_delete === 0)
      .map((g) => structuredClone(g));
  }

  userGroupMembers(groupId: string): string[] {
    const group = this.state.usergroups[groupId];
    if (!group) throw new SlackApiError('no_such_subteam', [`no user group ${groupId}`]);
    return [...group.users];
  }

  getView(viewId: string): SlackView | undefined {
    const view = this.state.views[viewId];
    return view ? structuredClone(view) : undefined;
  }

  /** The open modal stack on a user's screen, bottom first. */
  openModals(userId: string): SlackView[] {
    return Object.values(this.state.views)
      .filter((v) => v.type === 'modal' && v.user_id === userId && v.is_open)
      .map((v) => structuredClone(v));
  }

  homeView(userId: string): SlackView | undefined {
    const id = this.state.home_views[userId];
    return id ? this.getView(id) : undefined;
  }

  getFile(fileId: string): StoredFile | undefined {
    const file = this.state.files[fileId];
    return file ? structuredClone(file) : undefined;
  }

  fileBytes(fileId: string): Buffer | undefined {
    const base64 = this.state.files[fileId]?.content_base64;
    return base64 == null ? undefined : Buffer.from(base64, 'base64');
  }

  // ── Writing messages ───────────────────────────────────────────────────────────────────────────

  postMessage(actor: Actor, channelId: string, content: MessageContent & { thread_ts?: string; reply_broadcast?: boolean }): SlackMessage {
    const channel = this.visibleChannel(actor, channelId);
    this.requireWritable(actor, channel);
    const text = checkContent(content);
    return this.appendMessage(actor, channelId, { ...content, text });
  }

  private appendMessage(
    actor: Actor,
    channelId: string,
    content: MessageContent & { text: string; thread_ts?: string; reply_broadcast?: boolean; files?: SharedFileRef[] },
  ): SlackMessage {
    let rootTs: string | undefined;
    let parent: SlackMessage | undefined;
    if (content.thread_ts !== undefined) {
      if (!isSlackTs(content.thread_ts)) throw new SlackApiError('invalid_thread_ts', [`thread_ts "${content.thread_ts}" is not a Slack ts`]);
      const target = this.channelMessages(channelId).find((m) => m.ts === content.thread_ts);
      // Slack files a reply to a reply under the thread's root; a reply to nothing is refused here
      // (stricter than Slack, which leaves it invisible) so that bugs show up in tests.
      if (!target && this.state.deleted_ts?.[channelId]?.includes(content.thread_ts)) {
        // As Slack does: a reply to a message deleted meanwhile is taken (ok, with a ts) and shown nowhere.
        return { type: 'message', ts: this.nextTs(), team: this.state.team.id, text: checkContent(content), user: actor.user_id, thread_ts: content.thread_ts, ...(actor.bot_id ? { bot_id: actor.bot_id, app_id: this.state.app_id } : {}) };
      }
      if (!target) throw new SlackApiError('thread_not_found', [`no message with ts ${content.thread_ts} in ${channelId}`]);
      rootTs = target.thread_ts ?? target.ts;
      parent = this.channelMessages(channelId).find((m) => m.ts === rootTs);
    }
    const message: SlackMessage = {
      type: 'message',
      ...(content.reply_broadcast && rootTs ? { subtype: 'thread_broadcast' } : {}),
      ts: this.nextTs(),
      team: this.state.team.id,
      text: content.text,
      user: actor.user_id,
      ...(actor.bot_id ? { bot_id: actor.bot_id, app_id: this.state.app_id } : {}),
      ...(content.blocks ? { blocks: content.blocks } : {}),
      ...(content.attachments ? { attachments: content.attachments } : {}),
      ...(content.metadata !== undefined ? { metadata: content.metadata } : {}),
      ...(content.files ? { files: content.files } : {}),
      ...(rootTs && parent ? { thread_ts: rootTs, parent_user_id: parent.user ?? '' } : {}),
    };
    this.channelMessages(channelId).push(message);
    if (parent) {
      this.recountThread(channelId, parent);
      this.emit({ type: 'message_updated', channel: channelId, message: structuredClone(parent) });
    }
    this.emit({ type: 'message_posted', channel: channelId, message: structuredClone(message) });
    return structuredClone(message);
  }

  updateMessage(actor: Actor, channelId: string, ts: string, content: MessageContent): SlackMessage {
    const channel = this.visibleChannel(actor, channelId);
    if (channel.is_archived) throw new SlackApiError('is_archived');
    const message = this.channelMessages(channelId).find((m) => m.ts === ts);
    if (!message || message.subtype === 'tombstone') throw new SlackApiError('message_not_found', [`no message with ts ${ts} in ${channelId}`]);
    if (message.user !== actor.user_id) throw new SlackApiError('cant_update_message', [`message ${ts} was posted by ${message.user}, not ${actor.user_id}`]);
    const text = checkContent({ ...content, text: content.text ?? (content.blocks ? undefined : message.text) });
    const previous = structuredClone(message);
    message.text = text;
    if (content.blocks !== undefined) message.blocks = content.blocks;
    if (content.attachments !== undefined) message.attachments = content.attachments;
    if (content.metadata !== undefined) message.metadata = content.metadata;
    message.edited = { user: actor.user_id, ts: this.nextTs() };
    this.emit({ type: 'message_updated', channel: channelId, message: structuredClone(message) });
    this.emit({ type: 'message_edited', channel: channelId, message: structuredClone(message), previous, event_ts: message.edited.ts });
    return structuredClone(message);
  }

  deleteMessage(actor: Actor, channelId: string, ts: string): void {
    this.visibleChannel(actor, channelId);
    const messages = this.channelMessages(channelId);
    const index = messages.findIndex((m) => m.ts === ts);
    const message = messages[index];
    if (!message || message.subtype === 'tombstone') throw new SlackApiError('message_not_found', [`no message with ts ${ts} in ${channelId}`]);
    const actorIsAdmin = this.state.users[actor.user_id]?.is_admin === true && !actor.bot_id;
    if (message.user !== actor.user_id && !actorIsAdmin) {
      throw new SlackApiError('cant_delete_message', [`message ${ts} was posted by ${message.user}, not ${actor.user_id}`]);
    }
    const isRootWithReplies = (message.reply_count ?? 0) > 0 && (message.thread_ts === undefined || message.thread_ts === message.ts);
    if (isRootWithReplies) {
      // Slack keeps a thread's parent as a tombstone so the replies still hang somewhere.
      const tombstone: SlackMessage = { type: 'message', subtype: 'tombstone', ts: message.ts, team: message.team, text: 'This message was deleted.', thread_ts: message.ts, reply_count: message.reply_count ?? 0, reply_users: message.reply_users ?? [], reply_users_count: message.reply_users_count ?? 0, ...(message.latest_reply ? { latest_reply: message.latest_reply } : {}) };
      messages[index] = tombstone;
    } else {
      messages.splice(index, 1);
      (this.state.deleted_ts ??= {})[channelId] = [...(this.state.deleted_ts[channelId] ?? []), ts];
      const rootTs = message.thread_ts;
      const parent = rootTs && rootTs !== message.ts ? messages.find((m) => m.ts === rootTs) : undefined;
      if (parent) {
        this.recountThread(channelId, parent);
        this.emit({ type: 'message_updated', channel: channelId, message: structuredClone(parent) });
      }
    }
    this.emit({ type: 'message_deleted', channel: channelId, ts, previous: structuredClone(message), event_ts: this.nextTs() });
  }

  postEphemeral(actor: Actor, channelId: string, userId: string, content: MessageContent & { thread_ts?: string }): EphemeralMessage {
    const channel = this.visibleChannel(actor, channelId);
    this.requireWritable(actor, channel);
    if (!this.state.users[userId]) throw new SlackApiError('user_not_found', [`no user ${userId}`]);
    if (!channel.members.includes(userId)) throw new SlackApiError('user_not_in_channel', [`${userId} is not a member of ${channelId}`]);
    const text = checkContent(content);
    const message: EphemeralMessage = {
      channel: channelId,
      user: userId,
      ts: this.nextTs(),
      text,
      ...(content.blocks ? { blocks: content.blocks } : {}),
      ...(content.thread_ts ? { thread_ts: content.thread_ts } : {}),
      ...(actor.bot_id ? { bot_id: actor.bot_id } : {}),
    };
    this.state.ephemeral.push(message);
    this.emit({ type: 'ephemeral_posted', message: structuredClone(message) });
    return structuredClone(message);
  }

  addReaction(actor: Actor, channelId: string, ts: string, rawName: string): void {
    const channel = this.visibleChannel(actor, channelId);
    this.requireMembership(actor, channel);
    const name = rawName.replace(/^:|:$/g, '');
    if (!EMOJI_NAME.test(name)) throw new SlackApiError('invalid_name', [`"${rawName}" is not an emoji name`]);
    const message = this.channelMessages(channelId).find((m) => m.ts === ts);
    if (!message || message.subtype === 'tombstone') throw new SlackApiError('message_not_found', [`no message with ts ${ts} in ${channelId}`]);
    const reactions = (message.reactions ??= []);
    let reaction = reactions.find((r) => r.name === name);
    if (reaction?.users.includes(actor.user_id)) throw new SlackApiError('already_reacted');
    if (!reaction) {
      reaction = { name, users: [], count: 0 };
      reactions.push(reaction);
    }
    reaction.users.push(actor.user_id);
    reaction.count = reaction.users.length;
    this.emit({ type: 'reaction_added', channel: channelId, ts, name, user: actor.user_id });
    this.emit({ type: 'message_updated', channel: channelId, message: structuredClone(message) });
  }

  /** The actor joins a public channel; returns whether they were already in it. */
  join(actor: Actor, channelId: string): { channel: SlackChannel; alreadyInChannel: boolean } {
    const channel = this.visibleChannel(actor, channelId);
    if (channel.is_private) throw new SlackApiError('method_not_supported_for_channel_type', ['private channels are joined by invitation']);
    if (channel.is_archived) throw new SlackApiError('is_archived');
    const alreadyInChannel = channel.members.includes(actor.user_id);
    if (!alreadyInChannel) {
      channel.members.push(actor.user_id);
      this.emit({ type: 'member_joined_channel', channel: channelId, user: actor.user_id });
    }
    return { channel: structuredClone(channel), alreadyInChannel };
  }

  /** The bot's direct message with a member, opened if needed (conversations.open, or posting to a user id). */
  openIm(actor: Actor, userId: string): { channel: SlackChannel; alreadyOpen: boolean } {
    const user = this.state.users[userId];
    if (!user || user.deleted) throw new SlackApiError('user_not_found', [`no user ${userId}`]);
    const existing = Object.values(this.state.channels).find((c) => c.is_im && c.members.includes(actor.user_id) && c.members.includes(userId));
    if (existing) return { channel: structuredClone(existing), alreadyOpen: true };
    const created = Math.floor(this.clock.now() / 1000);
    const channel: SlackChannel = {
      id: this.nextId('D'),
      name: userId,
      is_channel: false,
      is_group: false,
      is_im: true,
      is_mpim: false,
      user: userId,
      is_private: true,
      is_archived: false,
      is_general: false,
      created,
      creator: actor.user_id,
      topic: { value: '', creator: '', last_set: 0 },
      purpose: { value: '', creator: '', last_set: 0 },
      members: [...new Set([actor.user_id, userId])],
    };
    this.state.channels[channel.id] = channel;
    this.state.messages[channel.id] = [];
    this.emit({ type: 'im_opened', channel: structuredClone(channel) });
    return { channel: structuredClone(channel), alreadyOpen: false };
  }

  /**
   * What chat.postMessage and chat.postEphemeral accept as `channel`: an id, a #name or name, or a
   * user id (the bot's DM with that member, opened on demand).
   */
  resolveChannelForPosting(actor: Actor, channel: string): string {
    if (this.state.channels[channel]) return channel;
    if (/^[UW][A-Z0-9]+$/.test(channel) && this.state.users[channel]) return this.openIm(actor, channel).channel.id;
    const name = channel.replace(/^#/, '');
    const named = Object.values(this.state.channels).find((c) => !c.is_im && c.name === name && (!c.is_private || c.members.includes(actor.user_id)));
    return named?.id ?? channel;
  }

  // ── response_url ───────────────────────────────────────────────────────────────────────────────

  /** A response_url id for a command or interaction by `userId` in `channel` (on a message, if any). */
  issueResponseUrl(userId: string, channel: string, original?: { message_ts: string; ephemeral?: boolean }): string {
    this.requireUser(userId);
    this.requireChannelExists(channel);
    const id = `${this.state.team.id}/${this.state.counters.next_id++}/${randomHex(24)}`;
    this.state.response_urls[id] = {
      id,
      user_id: userId,
      channel,
      ...(original ? { message_ts: original.message_ts } : {}),
      ephemeral_original: original?.ephemeral ?? false,
      issued_at: this.clock.now(),
      uses: 0,
    };
    return id;
  }

  /**
   * A response posted to a response_url, as Slack applies it: replace or delete the original, or post
   * an ephemeral (default) or in-channel message. The app needs no channel membership for this.
   */
  respond(responseUrlId: string, body: Record<string, unknown>): void {
    const record = this.state.response_urls[responseUrlId];
    if (!record) throw new SlackApiError('invalid_url', ['this response_url was never issued']);
    if (this.clock.now() - record.issued_at > RESPONSE_URL_TTL_MS) throw new SlackApiError('expired_url', ['response_urls last 30 minutes']);
    if (record.uses >= RESPONSE_URL_MAX_USES) throw new SlackApiError('used_url', [`a response_url takes ${RESPONSE_URL_MAX_USES} responses`]);
    const bot: Actor = { user_id: this.state.bot.user_id, bot_id: this.state.bot.bot_id };
    const content: MessageContent = {
      ...(typeof body['text'] === 'string' ? { text: body['text'] } : {}),
      ...(Array.isArray(body['blocks']) ? { blocks: body['blocks'] as unknown[] } : {}),
      ...(Array.isArray(body['attachments']) ? { attachments: body['attachments'] as unknown[] } : {}),
    };
    const threadTs = typeof body['thread_ts'] === 'string' ? body['thread_ts'] : undefined;
    const original = record.message_ts;
    if (body['delete_original'] === true || body['replace_original'] === true) {
      if (original === undefined) throw new SlackApiError('no_original_message', ['this response_url came from a command, not a message']);
      if (record.ephemeral_original) {
        const index = this.state.ephemeral.findIndex((m) => m.ts === original && m.user === record.user_id);
        const ephemeral = this.state.ephemeral[index];
        if (!ephemeral) throw new SlackApiError('message_not_found', [`no ephemeral message ${original}`]);
        if (body['delete_original'] === true) {
          this.state.ephemeral.splice(index, 1);
          this.emit({ type: 'ephemeral_deleted', user: record.user_id, ts: original });
        } else {
          ephemeral.text = checkContent(content);
          if (content.blocks) ephemeral.blocks = content.blocks;
          else delete ephemeral.blocks;
          this.emit({ type: 'ephemeral_updated', message: structuredClone(ephemeral) });
        }
      } else if (body['delete_original'] === true) {
        this.deleteMessage(bot, record.channel, original);
      } else {
        this.updateMessage(bot, record.channel, original, { ...content, ...(content.blocks ? {} : { blocks: [] }) });
      }
    } else {
      const text = checkContent(content);
      if (body['response_type'] === 'in_channel') {
        this.appendMessage(bot, record.channel, { ...content, text, ...(threadTs ? { thread_ts: threadTs } : {}) });
      } else {
        const message: EphemeralMessage = {
          channel: record.channel,
          user: record.user_id,
          ts: this.nextTs(),
          text,
          ...(content.blocks ? { blocks: content.blocks } : {}),
          ...(threadTs ? { thread_ts: threadTs } : {}),
          bot_id: bot.bot_id ?? '',
        };
        this.state.ephemeral.push(message);
        this.emit({ type: 'ephemeral_posted', message: structuredClone(message) });
      }
    }
    record.uses += 1;
  }

  // ── Views: modals and App Home ─────────────────────────────────────────────────────────────────

  /** What Slack does when a member clicks a button or runs a command: a trigger_id valid for 3 s. */
  issueTrigger(userId: string): string {
    this.requireUser(userId);
    const now = this.clock.now();
    const id = `${Math.floor(now / 1000)}.${this.state.counters.next_id++}.${randomHex(16)}`;
    this.state.triggers[id] = { id, user_id: userId, issued_at: now, exchanged: false };
    return id;
  }

  openView(actor: Actor, triggerId: string, view: Record<string, unknown>): SlackView {
    const userId = this.exchangeTrigger(triggerId);
    const created = this.createView(actor, userId, 'modal', view, null, null);
    this.emit({ type: 'view_opened', view: structuredClone(created) });
    return structuredClone(created);
  }

  pushView(actor: Actor, triggerId: string, view: Record<string, unknown>): SlackView {
    const userId = this.exchangeTrigger(triggerId);
    const stack = Object.values(this.state.views).filter((v) => v.type === 'modal' && v.user_id === userId && v.is_open);
    const top = stack[stack.length - 1];
    if (!top) throw new SlackApiError('not_found', [`user ${userId} has no open modal to push onto`]);
    if (stack.length >= MAX_MODAL_STACK) throw new SlackApiError('push_limit_reached', [`a modal stack holds at most ${MAX_MODAL_STACK} views`]);
    const pushed = this.createView(actor, userId, 'modal', view, top.root_view_id, top.id);
    this.emit({ type: 'view_pushed', view: structuredClone(pushed) });
    return structuredClone(pushed);
  }

  updateView(actor: Actor, ref: { view_id?: string; external_id?: string; hash?: string }, view: Record<string, unknown>): SlackView {
    const existing = ref.view_id
      ? this.state.views[ref.view_id]
      : Object.values(this.state.views).find((v) => ref.external_id !== undefined && v.external_id === ref.external_id);
    if (!existing || (existing.type === 'modal' && !existing.is_open)) throw new SlackApiError('not_found', [`no open view ${ref.view_id ?? ref.external_id}`]);
    if (ref.hash !== undefined && ref.hash !== existing.hash) throw new SlackApiError('hash_conflict', [`hash ${ref.hash} is stale; the view's hash is ${existing.hash}`]);
    const type = view['type'];
    if (type !== existing.type) throw new SlackApiError('invalid_arguments', [`view.type must stay "${existing.type}"`]);
    this.fillView(existing, view, actor);
    existing.hash = this.newHash();
    this.emit({ type: 'view_updated', view: structuredClone(existing) });
    return structuredClone(existing);
  }

  publishHome(actor: Actor, userId: string, view: Record<string, unknown>, hash?: string): SlackView {
    if (!this.state.users[userId]) throw new SlackApiError('user_not_found', [`no user ${userId}`]);
    if (view['type'] !== 'home') throw new SlackApiError('invalid_arguments', ['views.publish takes a view of type "home"']);
    const existingId = this.state.home_views[userId];
    const existing = existingId ? this.state.views[existingId] : undefined;
    if (existing) {
      if (hash !== undefined && hash !== existing.hash) throw new SlackApiError('hash_conflict', [`hash ${hash} is stale; the view's hash is ${existing.hash}`]);
      this.fillView(existing, view, actor);
      existing.hash = this.newHash();
      this.emit({ type: 'home_published', user: userId, view: structuredClone(existing) });
      return structuredClone(existing);
    }
    const created = this.createView(actor, userId, 'home', view, null, null);
    this.state.home_views[userId] = created.id;
    this.emit({ type: 'home_published', user: userId, view: structuredClone(created) });
    return structuredClone(created);
  }

  /** The member closes the top modal (Cancel / ×) or the app's submission response clears it. */
  closeView(viewId: string): SlackView {
    const view = this.state.views[viewId];
    if (!view || view.type !== 'modal' || !view.is_open) throw new SlackApiError('not_found', [`no open modal ${viewId}`]);
    view.is_open = false;
    this.emit({ type: 'view_closed', view: structuredClone(view) });
    return structuredClone(view);
  }

  // ── Files ──────────────────────────────────────────────────────────────────────────────────────

  createUpload(actor: Actor, filename: string, length: number): StoredFile {
    const file: StoredFile = {
      id: this.nextId('F'),
      name: filename,
      title: filename,
      mimetype: mimetypeFor(filename),
      expected_length: length,
      content_base64: null,
      user: actor.user_id,
      created: Math.floor(this.clock.now() / 1000),
      channels: [],
      completed: false,
    };
    this.state.files[file.id] = file;
    return structuredClone(file);
  }

  receiveUpload(fileId: string, bytes: Buffer): void {
    const file = this.state.files[fileId];
    if (!file || file.completed) throw new SlackApiError('file_not_found', [`no pending upload ${fileId}`]);
    file.content_base64 = bytes.toString('base64');
    this.emit({ type: 'file_uploaded', file_id: fileId });
  }

  completeUpload(
    actor: Actor,
    files: { id: string; title?: string }[],
    share: { channel?: string; initial_comment?: string; thread_ts?: string; fileUrl: (file: StoredFile) => string },
  ): StoredFile[] {
    const pending = files.map(({ id, title }) => {
      const file = this.state.files[id];
      if (!file || file.user !== actor.user_id) throw new SlackApiError('file_not_found', [`no upload ${id} was started by this token`]);
      if (file.content_base64 === null) throw new SlackApiError('file_not_found', [`the bytes of ${id} were never sent to its upload_url`]);
      return { file, title };
    });
    if (share.channel !== undefined) {
      const channel = this.visibleChannel(actor, share.channel);
      this.requireWritable(actor, channel);
    }
    for (const { file, title } of pending) if (title) file.title = title;
    if (share.channel !== undefined) {
      const refs: SharedFileRef[] = pending.map(({ file }) => ({
        id: file.id,
        name: file.name,
        title: file.title,
        mimetype: file.mimetype,
        size: Buffer.from(file.content_base64 ?? '', 'base64').length,
        url_private: share.fileUrl(file),
      }));
      this.appendMessage(actor, share.channel, {
        text: share.initial_comment ?? '',
        files: refs,
        ...(share.thread_ts !== undefined ? { thread_ts: share.thread_ts } : {}),
      });
      for (const { file } of pending) file.channels.push(share.channel);
    }
    for (const { file } of pending) file.completed = true;
    return pending.map(({ file }) => structuredClone(file));
  }

  // ── Internals ──────────────────────────────────────────────────────────────────────────────────

  private emit(change: WorkspaceChange): void {
    this.events.emit('change', change);
  }

  private nextId(prefix: string): string {
    const n = this.state.counters.next_id++;
    return `${prefix}${this.state.counters.id_tag ?? '0'}${n.toString(36).toUpperCase().padStart(8, '0')}`;
  }

  private nextTs(): string {
    const micros = nextTsMicros(this.state.counters.last_ts_micros, this.clock.now());
    this.state.counters.last_ts_micros = micros;
    return microsToTs(micros);
  }

  private newHash(): string {
    return `${Math.floor(this.clock.now() / 1000)}.${randomHex(8)}`;
  }

  private channelMessages(channelId: string): SlackMessage[] {
    return (this.state.messages[channelId] ??= []);
  }

  private requireUser(userId: string): SlackUser {
    const user = this.state.users[userId];
    if (!user) throw new SlackApiError('user_not_found', [`no user ${userId}`]);
    return user;
  }

  private requireChannelExists(channelId: string): SlackChannel {
    const channel = this.state.channels[channelId];
    if (!channel) throw new SlackApiError('channel_not_found', [`no channel ${channelId}`]);
    return channel;
  }

  private visibleChannel(actor: Actor, channelId: string): SlackChannel {
    const channel = this.state.channels[channelId];
    // Slack answers channel_not_found for a private channel the caller is not in, never "forbidden".
    if (!channel || (channel.is_private && !channel.members.includes(actor.user_id))) {
      throw new SlackApiError('channel_not_found', [`no channel ${channelId} visible to ${actor.user_id}`]);
    }
    return channel;
  }

  private requireMembership(actor: Actor, channel: SlackChannel): void {
    if (!channel.members.includes(actor.user_id)) throw new SlackApiError('not_in_channel', [`${actor.user_id} is not a member of ${channel.id}`]);
  }

  private requireWritable(actor: Actor, channel: SlackChannel): void {
    if (channel.is_archived) throw new SlackApiError('is_archived', [`${channel.id} is archived`]);
    this.requireMembership(actor, channel);
  }

  private recountThread(channelId: string, parent: SlackMessage): void {
    const replies = this.channelMessages(channelId).filter((m) => m.thread_ts === parent.ts && m.ts !== parent.ts);
    const users = [...new Set(replies.map((m) => m.user ?? ''))].filter(Boolean);
    if (replies.length === 0) {
      delete parent.thread_ts;
      delete parent.reply_count;
      delete parent.reply_users;
      delete parent.reply_users_count;
      delete parent.latest_reply;
      return;
    }
    parent.thread_ts = parent.ts;
    parent.reply_count = replies.length;
    parent.reply_users = users.slice(0, 5);
    parent.reply_users_count = users.length;
    parent.latest_reply = replies[replies.length - 1]?.ts ?? parent.ts;
  }

  private exchangeTrigger(triggerId: string): string {
    if (!/^\d+\.\d+\.[0-9a-f]+$/.test(triggerId)) throw new SlackApiError('invalid_trigger_id', [`"${triggerId}" is not a trigger_id`]);
    const trigger = this.state.triggers[triggerId];
    if (!trigger) throw new SlackApiError('invalid_trigger_id', [`trigger_id ${triggerId} was never issued`]);
    if (trigger.exchanged) throw new SlackApiError('exchanged_trigger_id', [`trigger_id ${triggerId} was already used`]);
    if (this.clock.now() - trigger.issued_at > TRIGGER_TTL_MS) throw new SlackApiError('expired_trigger_id', [`trigger_id ${triggerId} is older than ${TRIGGER_TTL_MS / 1000} s`]);
    trigger.exchanged = true;
    return trigger.user_id;
  }

  private createView(actor: Actor, userId: string, type: 'modal' | 'home', input: Record<string, unknown>, rootId: string | null, previousId: string | null): SlackView {
    if (input['type'] !== type) throw new SlackApiError('invalid_arguments', [`view.type must be "${type}"`]);
    const externalId = typeof input['external_id'] === 'string' ? input['external_id'] : '';
    if (externalId && Object.values(this.state.views).some((v) => v.external_id === externalId)) {
      throw new SlackApiError('duplicate_external_id', [`external_id "${externalId}" is already used`]);
    }
    const id = this.nextId('V');
    const view: SlackView = {
      id,
      team_id: this.state.team.id,
      type,
      user_id: userId,
      blocks: [],
      private_metadata: '',
      callback_id: '',
      external_id: '',
      state: { values: {} },
      hash: this.newHash(),
      clear_on_close: false,
      notify_on_close: false,
      root_view_id: rootId ?? id,
      previous_view_id: previousId,
      app_id: this.state.app_id,
      bot_id: actor.bot_id ?? this.state.bot.bot_id,
      is_open: true,
    };
    this.fillView(view, input, actor);
    this.state.views[id] = view;
    return view;
  }

  private fillView(view: SlackView, input: Record<string, unknown>, _actor: Actor): void {
    if (type(input['blocks']) !== 'array') throw new SlackApiError('invalid_arguments', ['view.blocks must be an array']);
    if (view.type === 'modal' && input['title'] === undefined) throw new SlackApiError('invalid_arguments', ['a modal needs view.title']);
    view.blocks = input['blocks'] as unknown[];
    for (const key of ['title', 'submit', 'close'] as const) {
      if (input[key] !== undefined) view[key] = input[key];
      else delete view[key];
    }
    view.private_metadata = typeof input['private_metadata'] === 'string' ? input['private_metadata'] : '';
    view.callback_id = typeof input['callback_id'] === 'string' ? input['callback_id'] : '';
    if (typeof input['external_id'] === 'string') view.external_id = input['external_id'];
    view.clear_on_close = input['clear_on_close'] === true;
    view.notify_on_close = input['notify_on_close'] === true;
  }
}

function type(value: unknown): string {
  return Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
}

function inRange(ts: string, query: HistoryQuery): boolean {
  const value = tsToMicros(ts);
  const inclusive = query.inclusive === true;
  if (query.oldest !== undefined) {
    const oldest = tsToMicros(normaliseTs(query.oldest));
    if (inclusive ? value < oldest : value <= oldest) return false;
  }
  if (query.latest !== undefined) {
    const latest = tsToMicros(normaliseTs(query.latest));
    if (inclusive ? value > latest : value >= latest) return false;
  }
  return true;
}

/** Slack accepts "1700000000" and "1700000000.5" as bounds; make them full ts strings. */
export function normaliseTs(value: string): string {
  const match = /^(\d{1,12})(?:\.(\d{1,6}))?$/.exec(value);
  if (!match) throw new SlackApiError('invalid_ts_latest', [`"${value}" is not a timestamp`]);
  return `${match[1]}.${(match[2] ?? '').padEnd(6, '0')}`;
}

function checkContent(content: MessageContent): string {
  const text = content.text ?? '';
  const hasBlocks = Array.isArray(content.blocks) && content.blocks.length > 0;
  const hasAttachments = Array.isArray(content.attachments) && content.attachments.length > 0;
  if (text.trim() === '' && !hasBlocks && !hasAttachments) throw new SlackApiError('no_text', ['give text, blocks or attachments']);
  if (text.length > MAX_MESSAGE_TEXT) throw new SlackApiError('msg_too_long', [`text is ${text.length} characters; the limit is ${MAX_MESSAGE_TEXT}`], { length: String(text.length), limit: String(MAX_MESSAGE_TEXT) });
  return text;
}

const MIME_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  svg: 'image/svg+xml',
  pdf: 'application/pdf',
  txt: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  json: 'application/json',
};

function mimetypeFor(filename: string): string {
  const extension = filename.split('.').pop()?.toLowerCase() ?? '';
  return MIME_TYPES[extension] ?? 'application/octet-stream';
}

function randomHex(length: number): string {
  let out = '';
  while (out.length < length) out += Math.floor(Math.random() * 0x100000000).toString(16).padStart(8, '0');
  return out.slice(0, length);
}
