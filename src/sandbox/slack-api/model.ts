/**
 * The shapes of the loopback Slack workspace's state. Field names follow Slack's own JSON (snake_case)
 * so that objects can be returned from the Web API as they are stored. Everything here is plain,
 * JSON-serialisable data: the sandbox page renders from it and tests can snapshot it.
 */

export interface TeamInfo {
  id: string;
  name: string;
  /** Subdomain: permalinks are https://<domain>.slack.com/archives/… */
  domain: string;
}

export interface SlackUserProfile {
  real_name: string;
  display_name: string;
  email?: string;
  image_72: string;
}

export interface SlackUser {
  id: string;
  team_id: string;
  name: string;
  real_name: string;
  deleted: boolean;
  is_bot: boolean;
  is_app_user: boolean;
  is_admin: boolean;
  is_owner: boolean;
  tz: string;
  /** The language the person uses Slack in (IETF tag: es-ES, en-US); users.info shows it with include_locale. */
  locale: string;
  profile: SlackUserProfile;
}

export interface ChannelTopic {
  value: string;
  creator: string;
  last_set: number;
}

export interface SlackChannel {
  id: string;
  name: string;
  is_channel: boolean;
  is_group: boolean;
  is_im: boolean;
  is_mpim: boolean;
  /** For a direct message (is_im): the member on the other side of the bot. */
  user?: string;
  is_private: boolean;
  is_archived: boolean;
  is_general: boolean;
  /** Epoch seconds, as Slack reports it. */
  created: number;
  creator: string;
  topic: ChannelTopic;
  purpose: ChannelTopic;
  members: string[];
}

export interface SlackReaction {
  name: string;
  users: string[];
  count: number;
}

export interface SharedFileRef {
  id: string;
  name: string;
  title: string;
  mimetype: string;
  size: number;
  url_private: string;
}

export interface SlackMessage {
  type: 'message';
  subtype?: string;
  ts: string;
  team: string;
  text: string;
  user?: string;
  bot_id?: string;
  app_id?: string;
  blocks?: unknown[];
  attachments?: unknown[];
  metadata?: unknown;
  thread_ts?: string;
  parent_user_id?: string;
  reply_count?: number;
  reply_users?: string[];
  reply_users_count?: number;
  latest_reply?: string;
  edited?: { user: string; ts: string };
  reactions?: SlackReaction[];
  files?: SharedFileRef[];
}

export interface EphemeralMessage {
  channel: string;
  /** The one member who sees it. */
  user: string;
  ts: string;
  text: string;
  blocks?: unknown[];
  thread_ts?: string;
  bot_id?: string;
}

export interface SlackUserGroup {
  id: string;
  team_id: string;
  name: string;
  handle: string;
  description: string;
  is_usergroup: boolean;
  date_create: number;
  date_delete: number;
  users: string[];
  user_count: number;
}

export interface SlackView {
  id: string;
  team_id: string;
  type: 'modal' | 'home';
  /** Whose screen the view is on. */
  user_id: string;
  title?: unknown;
  submit?: unknown;
  close?: unknown;
  blocks: unknown[];
  private_metadata: string;
  callback_id: string;
  external_id: string;
  state: { values: Record<string, unknown> };
  hash: string;
  clear_on_close: boolean;
  notify_on_close: boolean;
  root_view_id: string;
  previous_view_id: string | null;
  app_id: string;
  bot_id: string;
  /** False once the modal was closed or replaced in the stack by Slack's user. */
  is_open: boolean;
}

export interface StoredFile {
  id: string;
  name: string;
  title: string;
  mimetype: string;
  /** Length announced to files.getUploadURLExternal. */
  expected_length: number;
  /** Bytes received on the upload URL, base64 so the state stays JSON. */
  content_base64: string | null;
  user: string;
  created: number;
  /** Channels it was shared to by files.completeUploadExternal. */
  channels: string[];
  completed: boolean;
}

export interface TriggerRecord {
  id: string;
  user_id: string;
  /** Epoch ms at which the interaction that produced it happened. */
  issued_at: number;
  exchanged: boolean;
}

/** A response_url handed to the app with a slash command or interaction. */
export interface ResponseUrlRecord {
  id: string;
  user_id: string;
  channel: string;
  /** The message the interaction came from (for replace_original / delete_original). */
  message_ts?: string;
  /** Whether that message is an ephemeral one. */
  ephemeral_original: boolean;
  issued_at: number;
  uses: number;
}

export interface TokenGrant {
  user_id: string;
  bot_id?: string;
}

export interface WorkspaceState {
  team: TeamInfo;
  app_id: string;
  bot: { user_id: string; bot_id: string; token: string };
  tokens: Record<string, TokenGrant>;
  users: Record<string, SlackUser>;
  channels: Record<string, SlackChannel>;
  /** Per channel, every message (top level and replies), in ts order. */
  messages: Record<string, SlackMessage[]>;
  /** Per channel, the ts of messages deleted without a tombstone: Slack still takes a reply to one, shown nowhere. */
  deleted_ts?: Record<string, string[]>;
  ephemeral: EphemeralMessage[];
  usergroups: Record<string, SlackUserGroup>;
  views: Record<string, SlackView>;
  /** App Home: user id → view id. */
  home_views: Record<string, string>;
  files: Record<string, StoredFile>;
  triggers: Record<string, TriggerRecord>;
  response_urls: Record<string, ResponseUrlRecord>;
  counters: {
    /** Last ts handed out, in epoch microseconds (fits a double until the year 2255). */
    last_ts_micros: number;
    next_id: number;
    /** Goes into every id this workspace hands out, so several workspaces never share an id (default `0`). */
    id_tag?: string;
  };
}
