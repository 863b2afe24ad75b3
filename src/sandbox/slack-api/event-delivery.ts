/**
 * Slack's Events API side of the loopback workspace: what happens in the workspace (a member posts,
 * mentions the app, reacts, joins a channel) is delivered to the app's request URL as signed
 * `event_callback`s, with Slack's retries (X-Slack-Retry-Num) when the app fails or is too slow.
 */
import { EventEmitter } from 'node:events';
import type { AppResponse } from '../signing.js';
import { sendToApp } from '../signing.js';
import type { EventCallback } from '../slack-payloads.js';
import { eventCallback, newEventId } from '../slack-payloads.js';
import type { SlackChannel, SlackMessage } from './model.js';
import type { SlackWorkspace, WorkspaceChange } from './workspace.js';

export interface EventDeliveryOptions {
  workspace: SlackWorkspace;
  /** The app's Events API request URL, e.g. http://127.0.0.1:3000/slack/events */
  requestUrl: string;
  signingSecret: string;
  /** Waits before each retry; Slack's are 0 s, 1 min and 5 min. Tests pass shorter ones. */
  retryDelaysMs?: number[];
  /** Slack counts a delivery as failed when the app has not answered within 3 s. */
  timeoutMs?: number;
  /** Deliver message events for the app's own posts, as Slack does (Bolt drops them). Default true. */
  includeOwnMessages?: boolean;
  /** Deliver some other way than a signed POST to requestUrl (Socket Mode envelopes). */
  send?: (kind: 'event', payload: object, options: { timeoutMs: number; retryNum?: number; retryReason?: string }) => Promise<AppResponse>;
}

export interface DeliveryAttempt {
  eventId: string;
  type: string;
  /** 0 for the first delivery, then the X-Slack-Retry-Num sent. */
  retryNum: number;
  status: number | 'timeout' | 'unreachable';
  at: number;
}

export interface EventDelivery {
  /** Deliver one more event now (app_home_opened from the sandbox page, for example). */
  deliver(event: { type: string } & Record<string, unknown>): Promise<void>;
  /** Every attempt so far, oldest first. */
  attempts(): DeliveryAttempt[];
  /** Resolves when no delivery (or retry) is pending. */
  idle(): Promise<void>;
  readonly events: EventEmitter<{ attempt: [DeliveryAttempt]; gave_up: [EventCallback] }>;
  stop(): void;
}

const SLACK_RETRY_DELAYS_MS = [0, 60_000, 300_000];

function channelType(channel: SlackChannel): 'channel' | 'group' | 'im' | 'mpim' {
  if (channel.is_im) return 'im';
  if (channel.is_mpim) return 'mpim';
  return channel.is_private ? 'group' : 'channel';
}

/** Start delivering the workspace's events to the app. Call stop() to unsubscribe. */
export function startEventDelivery(options: EventDeliveryOptions): EventDelivery {
  const { workspace, requestUrl, signingSecret } = options;
  const retryDelays = options.retryDelaysMs ?? SLACK_RETRY_DELAYS_MS;
  const timeoutMs = options.timeoutMs ?? 3000;
  const includeOwn = options.includeOwnMessages ?? true;
  const bot = workspace.bot;
  const events = new EventEmitter<{ attempt: [DeliveryAttempt]; gave_up: [EventCallback] }>();
  const log: DeliveryAttempt[] = [];
  const pending = new Set<Promise<void>>();
  const waiters = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  let stopped = false;

  async function attempt(envelope: EventCallback, retryNum: number): Promise<boolean> {
    let status: DeliveryAttempt['status'];
    let response: AppResponse | undefined;
    try {
      const sendOptions = { timeoutMs, ...(retryNum > 0 ? { retryNum, retryReason: 'http_timeout' } : {}) };
      response = options.send ? await options.send('event', envelope, sendOptions) : await sendToApp(requestUrl, signingSecret, 'event', envelope, sendOptions);
      status = response.status;
    } catch (error) {
      status = (error as Error).name === 'TimeoutError' ? 'timeout' : 'unreachable';
    }
    const record: DeliveryAttempt = { eventId: envelope.event_id, type: envelope.event.type, retryNum, status, at: workspace.now() };
    log.push(record);
    events.emit('attempt', record);
    return typeof status === 'number' && status >= 200 && status < 300;
  }

  /** Resolves after `ms`, or at once when delivery stops. */
  function wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const waiter = {
        timer: setTimeout(() => {
          waiters.delete(waiter);
          resolve();
        }, ms),
        resolve,
      };
      waiters.add(waiter);
    });
  }

  // First deliveries go out one at a time, in the order things happened, so an edit never reaches
  // the app before the message; retries run on their own and hold nothing up.
  let inOrder: Promise<unknown> = Promise.resolve();

  async function deliverWithRetries(envelope: EventCallback): Promise<void> {
    const first = inOrder.then(() => attempt(envelope, 0));
    inOrder = first.catch(() => undefined);
    if (await first) return;
    for (let retry = 1; retry <= retryDelays.length; retry += 1) {
      await wait(retryDelays[retry - 1] ?? 0);
      if (stopped) return;
      // A retry is the same event (same event_id), so the app can tell it already has it.
      if (await attempt(envelope, retry)) return;
    }
    events.emit('gave_up', envelope);
  }

  function send(event: { type: string } & Record<string, unknown>): Promise<void> {
    if (stopped) return Promise.resolve();
    const envelope = eventCallback(workspace.appIdentity(), event, { nowMs: workspace.now(), eventId: newEventId() });
    const delivery = deliverWithRetries(envelope).finally(() => pending.delete(delivery));
    pending.add(delivery);
    return delivery;
  }

  function botIsIn(channelId: string): SlackChannel | undefined {
    try {
      const channel = workspace.getChannel({ user_id: bot.user_id, bot_id: bot.bot_id }, channelId);
      return channel.members.includes(bot.user_id) ? channel : undefined;
    } catch {
      return undefined;
    }
  }

  /** A message as events carry it: without the thread and reaction bookkeeping history adds. */
  function eventMessage(message: SlackMessage) {
    const { reply_count: _c, reply_users: _u, reply_users_count: _n, latest_reply: _l, reactions: _r, ...fields } = message;
    return fields;
  }

  function messageEventFor(channel: SlackChannel, message: SlackMessage) {
    return { ...eventMessage(message), channel: channel.id, event_ts: message.ts, channel_type: channelType(channel) };
  }

  function onChange(change: WorkspaceChange): void {
    switch (change.type) {
      case 'message_posted': {
        const channel = botIsIn(change.channel);
        if (!channel) return;
        const message = change.message;
        const own = message.user === bot.user_id;
        if (!own || includeOwn) void send(messageEventFor(channel, message));
        if (!own && message.text.includes(`<@${bot.user_id}>`) && channel.is_channel) {
          void send({
            type: 'app_mention',
            user: message.user ?? '',
            text: message.text,
            ts: message.ts,
            channel: channel.id,
            event_ts: message.ts,
            ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}),
            ...(message.blocks ? { blocks: message.blocks } : {}),
          });
        }
        return;
      }
      case 'message_edited': {
        const channel = botIsIn(change.channel);
        if (!channel || (change.message.user === bot.user_id && !includeOwn)) return;
        void send({
          type: 'message',
          subtype: 'message_changed',
          hidden: true,
          channel: channel.id,
          channel_type: channelType(channel),
          ts: change.event_ts,
          event_ts: change.event_ts,
          message: eventMessage(change.message),
          previous_message: eventMessage(change.previous),
        });
        return;
      }
      case 'message_deleted': {
        const channel = botIsIn(change.channel);
        if (!channel || (change.previous.user === bot.user_id && !includeOwn)) return;
        void send({
          type: 'message',
          subtype: 'message_deleted',
          hidden: true,
          channel: channel.id,
          channel_type: channelType(channel),
          ts: change.event_ts,
          event_ts: change.event_ts,
          deleted_ts: change.ts,
          previous_message: eventMessage(change.previous),
        });
        return;
      }
      case 'reaction_added': {
        if (!botIsIn(change.channel)) return;
        const message = workspace.findMessage(change.channel, change.ts);
        void send({
          type: 'reaction_added',
          user: change.user,
          reaction: change.name,
          item: { type: 'message', channel: change.channel, ts: change.ts },
          ...(message?.user ? { item_user: message.user } : {}),
        });
        return;
      }
      case 'member_joined_channel': {
        const channel = botIsIn(change.channel);
        if (!channel) return;
        void send({ type: 'member_joined_channel', user: change.user, channel: change.channel, channel_type: channel.is_private ? 'G' : 'C', team: workspace.team.id });
        return;
      }
      default:
        return;
    }
  }

  workspace.events.on('change', onChange);
  return {
    deliver: send,
    attempts: () => [...log],
    idle: async () => {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
    events,
    stop: () => {
      stopped = true;
      workspace.events.off('change', onChange);
      for (const waiter of waiters) {
        clearTimeout(waiter.timer);
        waiter.resolve();
      }
      waiters.clear();
    },
  };
}
