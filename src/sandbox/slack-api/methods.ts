import type { ApiArgs } from './args.js';
import {
  optionalArray,
  optionalBoolean,
  optionalString,
  paginate,
  requiredObject,
  requiredString,
} from './args.js';
import { SlackApiError } from './errors.js';
import type { SlackChannel, SlackMessage, SlackUserGroup, SlackView, StoredFile } from './model.js';
import type { Actor, SlackWorkspace } from './workspace.js';
import { normaliseTs } from './workspace.js';

export interface MethodContext {
  workspace: SlackWorkspace;
  args: ApiArgs;
  actor: Actor;
  /** Where this server is reached, e.g. http://127.0.0.1:53122 — for upload and file URLs. */
  origin: string;
  /** The path the Web API is mounted on, e.g. /api/ */
  basePath: string;
}

/** A Web API method: arguments in, Slack's response fields out (the `ok: true` is added by the caller). */
export type MethodHandler = (ctx: MethodContext) => Record<string, unknown>;

/** Checks a message's or view's blocks the way Slack refuses bad ones (`invalid_blocks`). */
export type BlocksValidator = (surface: 'message' | 'modal' | 'home', payload: Record<string, unknown>) => string[];

export function uploadPath(basePath: string, fileId: string): string {
  return `${basePath}_upload/${fileId}`;
}

export function responseUrlPath(basePath: string, responseUrlId: string): string {
  return `${basePath}_respond/${responseUrlId}`;
}

export function filePath(basePath: string, file: Pick<StoredFile, 'id' | 'name'>): string {
  return `${basePath}_files/${file.id}/${encodeURIComponent(file.name)}`;
}

/** A channel object as conversations.* returns it: no member list, but is_member for the caller. */
function channelForCaller(channel: SlackChannel, actor: Actor, withCount: boolean): Record<string, unknown> {
  const { members, ...rest } = channel;
  return {
    ...rest,
    name_normalized: channel.name,
    is_member: members.includes(actor.user_id),
    ...(withCount ? { num_members: members.length } : {}),
  };
}

/** A view as views.* return it: without the model's bookkeeping (who sees it, whether it is open). */
function publicView(view: SlackView): Record<string, unknown> {
  const { user_id: _user, is_open: _open, ...rest } = view;
  return rest;
}

function publicUserGroup(group: SlackUserGroup, includeUsers: boolean, includeCount: boolean): Record<string, unknown> {
  const { users, user_count, ...rest } = group;
  return { ...rest, ...(includeUsers ? { users } : {}), ...(includeCount ? { user_count } : {}) };
}

/** Slack returns message metadata from history and replies only with include_all_metadata. */
function withMetadataIfAsked(messages: SlackMessage[], args: ApiArgs): SlackMessage[] {
  if (optionalBoolean(args, 'include_all_metadata') === true) return messages;
  return messages.map(({ metadata: _metadata, ...rest }) => rest);
}

function checkMetadata(metadata: unknown): void {
  if (metadata === undefined) return;
  const record = metadata as { event_type?: unknown; event_payload?: unknown } | null;
  if (!record || typeof record !== 'object' || Array.isArray(record)) throw new SlackApiError('invalid_metadata_format', ['metadata must be an object { event_type, event_payload }']);
  if (typeof record.event_type !== 'string' || !/^[a-zA-Z0-9_]+$/.test(record.event_type)) {
    throw new SlackApiError('invalid_metadata_format', ['metadata.event_type must be a string of letters, digits and _']);
  }
  if (record.event_payload === null || typeof record.event_payload !== 'object' || Array.isArray(record.event_payload)) {
    throw new SlackApiError('invalid_metadata_format', ['metadata.event_payload must be an object']);
  }
}

function messageContent(args: ApiArgs) {
  checkMetadata(args['metadata']);
  const text = optionalString(args, 'text');
  const blocks = optionalArray(args, 'blocks');
  const attachments = optionalArray(args, 'attachments');
  return {
    ...(text !== undefined ? { text } : {}),
    ...(blocks !== undefined ? { blocks } : {}),
    ...(attachments !== undefined ? { attachments } : {}),
    ...(args['metadata'] !== undefined ? { metadata: args['metadata'] } : {}),
  };
}

function viewArg(ctx: MethodContext): Record<string, unknown> {
  return requiredObject(ctx.args, 'view');
}

function checkBlocks(validate: BlocksValidator | undefined, surface: 'message' | 'modal' | 'home', payload: Record<string, unknown>): void {
  if (!validate) return;
  const problems = validate(surface, payload);
  if (problems.length > 0) throw new SlackApiError('invalid_blocks', problems.map((p) => `[ERROR] ${p}`));
}

export function createMethods(validateBlocks?: BlocksValidator): Record<string, MethodHandler> {
  return {
    'auth.test': ({ workspace, actor }) => {
      const team = workspace.team;
      const user = workspace.getUser(actor.user_id);
      return {
        url: `https://${team.domain}.slack.com/`,
        team: team.name,
        user: user.name,
        team_id: team.id,
        user_id: actor.user_id,
        ...(actor.bot_id ? { bot_id: actor.bot_id } : {}),
        is_enterprise_install: false,
      };
    },

    'chat.postMessage': ({ workspace, args, actor }) => {
      const channel = workspace.resolveChannelForPosting(actor, requiredString(args, 'channel', 'channel_not_found'));
      const content = messageContent(args);
      checkBlocks(validateBlocks, 'message', content);
      const threadTs = optionalString(args, 'thread_ts');
      const message = workspace.postMessage(actor, channel, {
        ...content,
        ...(threadTs !== undefined ? { thread_ts: threadTs } : {}),
        reply_broadcast: optionalBoolean(args, 'reply_broadcast') ?? false,
      });
      return { channel, ts: message.ts, message };
    },

    'chat.update': ({ workspace, args, actor }) => {
      const channel = requiredString(args, 'channel', 'channel_not_found');
      const ts = requiredString(args, 'ts', 'message_not_found');
      const content = messageContent(args);
      checkBlocks(validateBlocks, 'message', content);
      const message = workspace.updateMessage(actor, channel, ts, content);
      return { channel, ts, text: message.text, message };
    },

    'chat.delete': ({ workspace, args, actor }) => {
      const channel = requiredString(args, 'channel', 'channel_not_found');
      const ts = requiredString(args, 'ts', 'message_not_found');
      workspace.deleteMessage(actor, channel, ts);
      return { channel, ts };
    },

    'chat.postEphemeral': ({ workspace, args, actor }) => {
      const channel = workspace.resolveChannelForPosting(actor, requiredString(args, 'channel', 'channel_not_found'));
      const user = requiredString(args, 'user', 'user_not_found');
      const content = messageContent(args);
      checkBlocks(validateBlocks, 'message', content);
      const threadTs = optionalString(args, 'thread_ts');
      const message = workspace.postEphemeral(actor, channel, user, { ...content, ...(threadTs !== undefined ? { thread_ts: threadTs } : {}) });
      return { message_ts: message.ts };
    },

    'chat.getPermalink': ({ workspace, args, actor }) => {
      const channel = requiredString(args, 'channel', 'channel_not_found');
      const ts = requiredString(args, 'message_ts', 'message_not_found');
      return { channel, permalink: workspace.permalink(actor, channel, ts) };
    },

    'conversations.info': ({ workspace, args, actor }) => {
      const channel = workspace.getChannel(actor, requiredString(args, 'channel', 'channel_not_found'));
      return { channel: channelForCaller(channel, actor, optionalBoolean(args, 'include_num_members') ?? false) };
    },

    'conversations.list': ({ workspace, args, actor }) => {
      const types = (optionalString(args, 'types') ?? 'public_channel').split(',').map((t) => t.trim()).filter(Boolean);
      const unknown = types.filter((t) => !['public_channel', 'private_channel', 'mpim', 'im'].includes(t));
      if (unknown.length > 0) throw new SlackApiError('invalid_types', [`unknown conversation types: ${unknown.join(', ')}`]);
      const channels = workspace.listChannels(actor, { types, excludeArchived: optionalBoolean(args, 'exclude_archived') ?? false });
      const { page, nextCursor } = paginate(channels, args, 100, 1000);
      return { channels: page.map((c) => channelForCaller(c, actor, true)), response_metadata: { next_cursor: nextCursor } };
    },

    'conversations.join': ({ workspace, args, actor }) => {
      const { channel, alreadyInChannel } = workspace.join(actor, requiredString(args, 'channel', 'channel_not_found'));
      return {
        channel: channelForCaller(channel, actor, false),
        ...(alreadyInChannel ? { warning: 'already_in_channel', response_metadata: { warnings: ['already_in_channel'] } } : {}),
      };
    },

    'conversations.open': ({ workspace, args, actor }) => {
      const users = optionalString(args, 'users')?.split(',').map((u) => u.trim()).filter(Boolean) ?? [];
      const existing = optionalString(args, 'channel');
      if (existing !== undefined) return { channel: channelForCaller(workspace.getChannel(actor, existing), actor, false) };
      if (users.length === 0) throw new SlackApiError('users_list_not_supplied', ['give users (or channel)']);
      if (users.length > 1) throw new SlackApiError('invalid_arguments', ['[ERROR] the loopback Slack opens direct messages with one member, not group DMs']);
      const { channel, alreadyOpen } = workspace.openIm(actor, users[0] ?? '');
      const full = optionalBoolean(args, 'return_im') ?? false;
      return {
        channel: full ? channelForCaller(channel, actor, false) : { id: channel.id },
        ...(alreadyOpen ? { no_op: true, already_open: true } : {}),
      };
    },

    'conversations.history': ({ workspace, args, actor }) => {
      const channel = requiredString(args, 'channel', 'channel_not_found');
      const messages = withMetadataIfAsked(workspace.history(actor, channel, rangeArgs(args)), args);
      const { page, nextCursor } = paginate(messages, args, 100, 999);
      return { messages: page, has_more: nextCursor !== '', pin_count: 0, response_metadata: { next_cursor: nextCursor } };
    },

    'conversations.replies': ({ workspace, args, actor }) => {
      const channel = requiredString(args, 'channel', 'channel_not_found');
      const ts = requiredString(args, 'ts', 'thread_not_found');
      const messages = withMetadataIfAsked(workspace.replies(actor, channel, ts, rangeArgs(args)), args);
      const { page, nextCursor } = paginate(messages, args, 1000, 1000);
      return { messages: page, has_more: nextCursor !== '', response_metadata: { next_cursor: nextCursor } };
    },

    'conversations.members': ({ workspace, args, actor }) => {
      const members = workspace.channelMembers(actor, requiredString(args, 'channel', 'channel_not_found'));
      const { page, nextCursor } = paginate(members, args, 100, 1000);
      return { members: page, response_metadata: { next_cursor: nextCursor } };
    },

    'users.info': ({ workspace, args }) => {
      // As Slack: the locale only for an app that asks for it (include_locale=true).
      const { locale, ...user } = workspace.getUser(requiredString(args, 'user', 'user_not_found'));
      return { user: optionalBoolean(args, 'include_locale') ? { ...user, locale } : user };
    },

    'users.list': ({ workspace, args }) => {
      const withLocale = optionalBoolean(args, 'include_locale') ?? false;
      const { page, nextCursor } = paginate(workspace.listUsers().map(({ locale, ...user }) => (withLocale ? { ...user, locale } : user)), args, 200, 1000);
      return { members: page, cache_ts: Math.floor(workspace.now() / 1000), response_metadata: { next_cursor: nextCursor } };
    },

    'usergroups.list': ({ workspace, args }) => {
      const includeUsers = optionalBoolean(args, 'include_users') ?? false;
      const includeCount = optionalBoolean(args, 'include_count') ?? false;
      return { usergroups: workspace.listUserGroups().map((g) => publicUserGroup(g, includeUsers, includeCount)) };
    },

    'usergroups.users.list': ({ workspace, args }) => ({ users: workspace.userGroupMembers(requiredString(args, 'usergroup', 'no_such_subteam')) }),

    'views.open': (ctx) => {
      const view = viewArg(ctx);
      checkBlocks(validateBlocks, 'modal', view);
      const trigger = optionalString(ctx.args, 'trigger_id') ?? requiredString(ctx.args, 'interactivity_pointer', 'invalid_trigger_id');
      return { view: publicView(ctx.workspace.openView(ctx.actor, trigger, view)) };
    },

    'views.push': (ctx) => {
      const view = viewArg(ctx);
      checkBlocks(validateBlocks, 'modal', view);
      const trigger = optionalString(ctx.args, 'trigger_id') ?? requiredString(ctx.args, 'interactivity_pointer', 'invalid_trigger_id');
      return { view: publicView(ctx.workspace.pushView(ctx.actor, trigger, view)) };
    },

    'views.update': (ctx) => {
      const view = viewArg(ctx);
      checkBlocks(validateBlocks, view['type'] === 'home' ? 'home' : 'modal', view);
      const viewId = optionalString(ctx.args, 'view_id');
      const externalId = optionalString(ctx.args, 'external_id');
      if (viewId === undefined && externalId === undefined) throw new SlackApiError('invalid_arguments', ['[ERROR] either view_id or external_id is required']);
      const hash = optionalString(ctx.args, 'hash');
      const updated = ctx.workspace.updateView(ctx.actor, { ...(viewId ? { view_id: viewId } : {}), ...(externalId ? { external_id: externalId } : {}), ...(hash ? { hash } : {}) }, view);
      return { view: publicView(updated) };
    },

    'views.publish': (ctx) => {
      const view = viewArg(ctx);
      checkBlocks(validateBlocks, 'home', view);
      const userId = requiredString(ctx.args, 'user_id', 'user_not_found');
      return { view: publicView(ctx.workspace.publishHome(ctx.actor, userId, view, optionalString(ctx.args, 'hash'))) };
    },

    'files.getUploadURLExternal': ({ workspace, args, actor, origin, basePath }) => {
      const filename = requiredString(args, 'filename');
      const lengthText = requiredString(args, 'length');
      const length = Number(lengthText);
      if (!Number.isSafeInteger(length) || length <= 0) throw new SlackApiError('invalid_arguments', [`[ERROR] length must be a positive integer, got ${lengthText}`]);
      const file = workspace.createUpload(actor, filename, length);
      return { upload_url: `${origin}${uploadPath(basePath, file.id)}`, file_id: file.id };
    },

    'files.completeUploadExternal': ({ workspace, args, actor, origin, basePath }) => {
      const files = optionalArray(args, 'files');
      if (!files || files.length === 0) throw new SlackApiError('invalid_arguments', ['[ERROR] missing required field: files']);
      const refs = files.map((entry, index) => {
        const record = entry as { id?: unknown; title?: unknown } | null;
        if (!record || typeof record.id !== 'string') throw new SlackApiError('invalid_arguments', [`[ERROR] files[${index}].id must be a string`]);
        return { id: record.id, ...(typeof record.title === 'string' ? { title: record.title } : {}) };
      });
      const channels = optionalString(args, 'channels')?.split(',').filter(Boolean) ?? [];
      if (channels.length > 1) throw new SlackApiError('invalid_arguments', ['[ERROR] the loopback Slack shares to one channel per call']);
      const channel = optionalString(args, 'channel_id') ?? channels[0];
      const comment = optionalString(args, 'initial_comment');
      const threadTs = optionalString(args, 'thread_ts');
      const completed = workspace.completeUpload(actor, refs, {
        ...(channel !== undefined ? { channel } : {}),
        ...(comment !== undefined ? { initial_comment: comment } : {}),
        ...(threadTs !== undefined ? { thread_ts: threadTs } : {}),
        fileUrl: (file) => `${origin}${filePath(basePath, file)}`,
      });
      return {
        files: completed.map((file) => ({
          id: file.id,
          created: file.created,
          name: file.name,
          title: file.title,
          mimetype: file.mimetype,
          filetype: file.name.split('.').pop() ?? '',
          user: file.user,
          size: Buffer.from(file.content_base64 ?? '', 'base64').length,
          url_private: `${origin}${filePath(basePath, file)}`,
          permalink: `https://${workspace.team.domain}.slack.com/files/${file.user}/${file.id}/${encodeURIComponent(file.name)}`,
          channels: file.channels,
        })),
      };
    },

    'reactions.add': ({ workspace, args, actor }) => {
      workspace.addReaction(
        actor,
        requiredString(args, 'channel', 'channel_not_found'),
        requiredString(args, 'timestamp', 'message_not_found'),
        requiredString(args, 'name', 'invalid_name'),
      );
      return {};
    },
  };
}

function rangeArgs(args: ApiArgs) {
  const latest = optionalString(args, 'latest');
  const oldest = optionalString(args, 'oldest');
  return {
    ...(latest !== undefined ? { latest: normaliseTs(latest) } : {}),
    ...(oldest !== undefined ? { oldest: normaliseTs(oldest) } : {}),
    inclusive: optionalBoolean(args, 'inclusive') ?? false,
  };
}
