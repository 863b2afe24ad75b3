// Events API: community messages (new, edited, deleted), channels changing (created, renamed, usable again,
// deleted), people's
// roles and user groups changing, and App Home. Bolt acks at once; the work
// runs after, and a retried event (same event_id) is processed only once.
import type { App } from '@slack/bolt';
import { eventTypeLabel } from '../../metrics.js';
import type { SlackServices } from './services.js';

interface MessageEventShape {
  type: 'message';
  subtype?: string;
  channel: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts: string;
  thread_ts?: string;
  message?: { user?: string; bot_id?: string; text?: string; ts: string; thread_ts?: string; subtype?: string; edited?: { ts?: string } };
  deleted_ts?: string;
  previous_message?: { ts: string };
}

/** Subtypes that carry a member's words; joins, topic changes and bot posts are not community sentiment. */
const MEMBER_SUBTYPES = new Set([undefined, 'thread_broadcast', 'file_share', 'me_message']);

export function registerEventListeners(app: App, services: SlackServices): void {
  app.event('message', async ({ event, body }) => {
    const eventId = (body as { event_id?: string }).event_id;
    const message = event as unknown as MessageEventShape;
    services.metrics?.eventsReceived.inc({ type: eventTypeLabel('message', message.subtype) });
    // Every message event records its id in the commit of its own work (a new message's in one write
    // per burst): a replay of one whose work failed (the inbox's sweep) does the work, a repeat nothing.
    const workspaceId = await services.workspaceId((body as { team_id?: string }).team_id ?? 'local');
    if (message.subtype === 'message_changed' && message.message) {
      const edited = message.message;
      // A deleted message that had replies stays as a tombstone ("This message was deleted."): a deletion.
      if (edited.subtype === 'tombstone') {
        await services.watcher.remove(workspaceId, message.channel, edited.ts, eventId);
        return;
      }
      if (edited.bot_id || !edited.user || edited.subtype === 'bot_message') return;
      // The edit's own time (`edited.ts`) tells the member's latest words when Slack delivers edits out of order.
      const editedTs = edited.edited?.ts;
      const outcome = await services.watcher.edit({ workspaceId, channelId: message.channel, userId: edited.user, ts: edited.ts, text: edited.text ?? '', threadTs: edited.thread_ts, ...(editedTs !== undefined ? { editedTs } : {}), ...(eventId ? { eventId } : {}) });
      if (outcome.status === 'duplicate') services.metrics?.eventsDeduplicated.inc({ type: 'event' });
      return;
    }
    if (message.subtype === 'message_deleted') {
      const ts = message.deleted_ts ?? message.previous_message?.ts;
      if (ts) await services.watcher.remove(workspaceId, message.channel, ts, eventId);
      return;
    }
    if (!MEMBER_SUBTYPES.has(message.subtype) || message.bot_id || !message.user) return;
    await services.watcher.ingest({
      workspaceId,
      channelId: message.channel,
      userId: message.user,
      ts: message.ts,
      text: message.text ?? '',
      threadTs: message.thread_ts && message.thread_ts !== message.ts ? message.thread_ts : undefined,
      ...(eventId ? { eventId } : {}),
    });
  });

  // Channels changing under Firebreak. Each handler takes the team from the envelope (the request gate
  // has checked it is installed); the use case checks the event's fields and scopes rows to that team.
  const teamOf = (body: unknown): string | undefined => {
    const teamId = (body as { team_id?: unknown }).team_id;
    return typeof teamId === 'string' ? teamId : undefined;
  };
  for (const type of ['channel_rename', 'group_rename']) {
    app.event(type, async ({ event, body }) => {
      const teamId = teamOf(body);
      if (teamId) await services.channelLifecycle?.renamed(teamId, event);
    });
  }
  // Usable again: unarchived, or the bot invited (back) into it, e.g. after it was made private.
  for (const type of ['channel_unarchive', 'group_unarchive']) {
    app.event(type, async ({ event, body }) => {
      const teamId = teamOf(body);
      if (teamId) await services.channelLifecycle?.usableAgain(teamId, event);
    });
  }
  // Deleted for good: no longer watched; an alerts channel's name waits for a channel taking it.
  for (const type of ['channel_deleted', 'group_deleted']) {
    app.event(type, async ({ event, body }) => {
      const teamId = teamOf(body);
      if (teamId) await services.channelLifecycle?.deleted(teamId, event);
    });
  }
  // A new channel may take the name a playbook gives its alerts channel.
  app.event('channel_created', async ({ event, body }) => {
    const teamId = teamOf(body);
    if (teamId) await services.channelLifecycle?.created(teamId, event);
  });
  app.event('member_joined_channel', async ({ event, body, context }) => {
    const teamId = teamOf(body);
    if (!teamId || !context.botUserId || (event as { user?: unknown }).user !== context.botUserId) return;
    await services.channelLifecycle?.usableAgain(teamId, event);
  });

  // Who may operate Firebreak changes with a person's role and with a group's members: asked again at once.
  app.event('user_change', async ({ event, body }) => {
    const teamId = teamOf(body);
    const userId = (event as { user?: unknown }).user;
    const id = typeof userId === 'string' ? userId : (userId as { id?: unknown } | undefined)?.id;
    if (!teamId || typeof id !== 'string') return;
    services.userChanged?.(teamId, id);
    if ((userId as { deleted?: unknown } | undefined)?.deleted === true) await services.userDeactivated?.(teamId, id);
    else if (typeof userId === 'object') await services.userActive?.(teamId, id);
  });
  for (const type of ['subteam_updated', 'subteam_members_changed', 'subteam_created']) {
    app.event(type, async ({ body }) => {
      const teamId = teamOf(body);
      if (teamId) await services.userGroupChanged?.(teamId);
    });
  }

  app.event('app_home_opened', async ({ event, client }) => {
    if ((event as { tab?: string }).tab && (event as { tab?: string }).tab !== 'home') return;
    await services.publishHome?.(client, event.user);
  });
}
