/**
 * The payloads Slack sends to an app's request URL, built as Slack shapes them, and their encodings:
 * Events API envelopes as JSON, slash commands as a form, interactions as a form with one `payload`
 * field holding JSON. Pure functions: ids and times come in as arguments.
 */
import { randomBytes } from 'node:crypto';

export type SlackRequestKind = 'event' | 'command' | 'interaction';

/** Who the app is in the workspace: what every payload names. */
export interface AppIdentity {
  teamId: string;
  teamDomain: string;
  apiAppId: string;
  /** The app's bot user: Events API authorizations name it. */
  botUserId: string;
  /** The deprecated verification token Slack still sends in payloads; Bolt ignores it. */
  verificationToken?: string;
}

/** A message as the Web API returns it; every field it has is carried into the payload. */
export interface MessageLike {
  ts: string;
  text?: string;
  user?: string;
  blocks?: unknown[];
  thread_ts?: string;
}

export interface UserRef {
  id: string;
  name: string;
}

export interface ChannelRef {
  id: string;
  name: string;
}

/** Encode a payload for its kind: the exact body to sign and send, and its content type. */
export function encodeSlackRequest(kind: SlackRequestKind, payload: object): { body: string; contentType: string } {
  switch (kind) {
    case 'event':
      return { body: JSON.stringify(payload), contentType: 'application/json' };
    case 'command': {
      const form = new URLSearchParams();
      for (const [key, value] of Object.entries(payload)) {
        if (value === undefined || value === null) continue;
        if (typeof value === 'object') throw new TypeError(`slash command field "${key}" must be a string, number or boolean`);
        form.set(key, String(value));
      }
      return { body: form.toString(), contentType: 'application/x-www-form-urlencoded' };
    }
    case 'interaction':
      return { body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), contentType: 'application/x-www-form-urlencoded' };
    default: {
      const unknown: never = kind;
      throw new TypeError(`unknown Slack request kind "${String(unknown)}" (expected event, command or interaction)`);
    }
  }
}

/** Slack's event ids look like Ev08ABCDEF12; unique per delivery of one event (retries keep it). */
export function newEventId(): string {
  return `Ev${randomBytes(6).toString('hex').toUpperCase()}`;
}

export interface EventCallback<E extends { type: string } = { type: string }> {
  token: string;
  team_id: string;
  api_app_id: string;
  event: E & { event_ts: string };
  type: 'event_callback';
  event_id: string;
  event_time: number;
  authorizations: { enterprise_id: null; team_id: string; user_id: string; is_bot: true; is_enterprise_install: false }[];
  is_ext_shared_channel: false;
  event_context: string;
}

/** Wrap an event in the Events API `event_callback` envelope Bolt receives. */
export function eventCallback<E extends { type: string }>(
  app: AppIdentity,
  event: E & { event_ts?: string },
  options: { nowMs: number; eventId?: string },
): EventCallback<E> {
  const eventTs = event.event_ts ?? secondsTs(options.nowMs);
  return {
    token: app.verificationToken ?? 'sandbox-verification-token',
    team_id: app.teamId,
    api_app_id: app.apiAppId,
    event: { ...event, event_ts: eventTs },
    type: 'event_callback',
    event_id: options.eventId ?? newEventId(),
    event_time: Math.floor(options.nowMs / 1000),
    authorizations: [{ enterprise_id: null, team_id: app.teamId, user_id: app.botUserId, is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
    event_context: `4-${Buffer.from(JSON.stringify({ t: app.teamId, a: app.apiAppId })).toString('base64url')}`,
  };
}

export interface MessageEventInput {
  channel: string;
  user: string;
  text: string;
  ts: string;
  thread_ts?: string;
  channel_type?: 'channel' | 'group' | 'im' | 'mpim';
  team?: string;
  blocks?: unknown[];
}

/** Message changes made so far: each change event gets a ts of its own. */
let changesMade = 0;
const changeEventTs = () => `${Math.floor(Date.now() / 1000)}.999${String((changesMade = (changesMade + 1) % 1000)).padStart(3, '0')}`;

/**
 * Slack's message_deleted for the message at `ts`; `previous`: the deleted message as Slack sends it along
 * (its words too). The event's own ts is now unless given.
 */
export function messageDeletedEvent(input: { channel: string; ts: string; previous?: { user: string; text: string }; eventTs?: string }) {
  const eventTs = input.eventTs ?? changeEventTs();
  return {
    type: 'message' as const,
    subtype: 'message_deleted' as const,
    channel: input.channel,
    hidden: true,
    ts: eventTs,
    event_ts: eventTs,
    deleted_ts: input.ts,
    ...(input.previous ? { previous_message: { type: 'message', user: input.previous.user, text: input.previous.text, ts: input.ts } } : {}),
  };
}

/**
 * Slack's message_changed for a member's edit of their message at `ts`: `editedTs` is the edit's own time
 * (Slack's `message.edited.ts`), `previous` the words before it, which Slack sends along. The event's own ts
 * is now unless given.
 */
export function messageChangedEvent(input: { channel: string; ts: string; user: string; text: string; editedTs: string; previous?: string; eventTs?: string }) {
  const eventTs = input.eventTs ?? changeEventTs();
  return {
    type: 'message' as const,
    subtype: 'message_changed' as const,
    channel: input.channel,
    hidden: true,
    ts: eventTs,
    event_ts: eventTs,
    message: { type: 'message', user: input.user, text: input.text, ts: input.ts, edited: { user: input.user, ts: input.editedTs } },
    ...(input.previous !== undefined ? { previous_message: { type: 'message', user: input.user, text: input.previous, ts: input.ts } } : {}),
  };
}

/** A member's `message` event, as delivered for channels the app is in. */
export function messageEvent(input: MessageEventInput) {
  return {
    type: 'message' as const,
    channel: input.channel,
    user: input.user,
    text: input.text,
    ts: input.ts,
    event_ts: input.ts,
    channel_type: input.channel_type ?? 'channel',
    ...(input.team ? { team: input.team } : {}),
    ...(input.blocks ? { blocks: input.blocks } : {}),
    ...(input.thread_ts ? { thread_ts: input.thread_ts } : {}),
  };
}

export interface SlashCommandInput {
  command: string;
  text: string;
  user: UserRef;
  channel: ChannelRef;
  triggerId: string;
  responseUrl: string;
}

/** A slash command's form fields (values are strings once encoded). */
export function slashCommand(app: AppIdentity, input: SlashCommandInput): Record<string, string> {
  if (!input.command.startsWith('/')) throw new RangeError(`command must start with "/", got "${input.command}"`);
  return {
    token: app.verificationToken ?? 'sandbox-verification-token',
    team_id: app.teamId,
    team_domain: app.teamDomain,
    channel_id: input.channel.id,
    channel_name: input.channel.name,
    user_id: input.user.id,
    user_name: input.user.name,
    command: input.command,
    text: input.text,
    api_app_id: app.apiAppId,
    is_enterprise_install: 'false',
    response_url: input.responseUrl,
    trigger_id: input.triggerId,
  };
}

function interactionUser(app: AppIdentity, user: UserRef) {
  return { id: user.id, username: user.name, name: user.name, team_id: app.teamId };
}

function interactionBase(app: AppIdentity) {
  return {
    api_app_id: app.apiAppId,
    token: app.verificationToken ?? 'sandbox-verification-token',
    team: { id: app.teamId, domain: app.teamDomain },
    enterprise: null,
    is_enterprise_install: false,
  };
}

export interface BlockActionInput {
  action_id: string;
  block_id: string;
  type?: string;
  value?: string;
  text?: string;
  selected_option?: { text: { type: 'plain_text'; text: string }; value: string };
  /** users_select */
  selected_user?: string;
  /** channels_select */
  selected_channel?: string;
  /** datepicker, YYYY-MM-DD */
  selected_date?: string;
  /** checkboxes */
  selected_options?: { text: { type: 'plain_text'; text: string }; value: string }[];
}

export interface MessageBlockActionsInput {
  user: UserRef;
  channel: ChannelRef;
  /** The message the button is on, as the Web API returned it. */
  message: MessageLike;
  actions: BlockActionInput[];
  triggerId: string;
  responseUrl: string;
  nowMs: number;
  isEphemeral?: boolean;
  state?: Record<string, unknown>;
}

function toAction(action: BlockActionInput, nowMs: number) {
  return {
    action_id: action.action_id,
    block_id: action.block_id,
    type: action.type ?? 'button',
    ...(action.text !== undefined ? { text: { type: 'plain_text', text: action.text, emoji: true } } : {}),
    ...(action.value !== undefined ? { value: action.value } : {}),
    ...(action.selected_option ? { selected_option: action.selected_option } : {}),
    ...(action.selected_user !== undefined ? { selected_user: action.selected_user } : {}),
    ...(action.selected_channel !== undefined ? { selected_channel: action.selected_channel } : {}),
    ...(action.selected_date !== undefined ? { selected_date: action.selected_date } : {}),
    ...(action.selected_options ? { selected_options: action.selected_options } : {}),
    action_ts: secondsTs(nowMs),
  };
}

/** `block_actions` for a click on a message's button or menu. */
export function messageBlockActions(app: AppIdentity, input: MessageBlockActionsInput) {
  if (input.actions.length === 0) throw new RangeError('block_actions needs at least one action');
  return {
    type: 'block_actions' as const,
    user: interactionUser(app, input.user),
    ...interactionBase(app),
    container: { type: 'message', message_ts: input.message.ts, channel_id: input.channel.id, is_ephemeral: input.isEphemeral ?? false },
    trigger_id: input.triggerId,
    channel: { id: input.channel.id, name: input.channel.name },
    message: { type: 'message', ...input.message },
    state: { values: input.state ?? {} },
    response_url: input.responseUrl,
    actions: input.actions.map((a) => toAction(a, input.nowMs)),
  };
}

/** A view as interaction payloads carry it (what the Web API returned for views.open, plus state). */
export interface ViewPayload {
  id: string;
  type: 'modal' | 'home';
  callback_id: string;
  private_metadata: string;
  blocks: unknown[];
  hash: string;
  root_view_id?: string;
  previous_view_id?: string | null;
  title?: unknown;
  submit?: unknown;
  close?: unknown;
  [key: string]: unknown;
}

export interface ViewBlockActionsInput {
  user: UserRef;
  view: ViewPayload;
  actions: BlockActionInput[];
  triggerId: string;
  nowMs: number;
  state?: Record<string, unknown>;
}

/** `block_actions` for a click inside a modal or App Home. */
export function viewBlockActions(app: AppIdentity, input: ViewBlockActionsInput) {
  if (input.actions.length === 0) throw new RangeError('block_actions needs at least one action');
  return {
    type: 'block_actions' as const,
    user: interactionUser(app, input.user),
    ...interactionBase(app),
    container: { type: 'view', view_id: input.view.id },
    trigger_id: input.triggerId,
    view: viewWithState(app, input.view, input.state),
    actions: input.actions.map((a) => toAction(a, input.nowMs)),
  };
}

export interface ViewSubmissionInput {
  user: UserRef;
  view: ViewPayload;
  /** Input block values: { [block_id]: { [action_id]: { type, value | selected_option … } } } */
  values: Record<string, Record<string, unknown>>;
  triggerId: string;
}

/** `view_submission` when a member presses a modal's submit button. */
export function viewSubmission(app: AppIdentity, input: ViewSubmissionInput) {
  return {
    type: 'view_submission' as const,
    user: interactionUser(app, input.user),
    ...interactionBase(app),
    trigger_id: input.triggerId,
    view: viewWithState(app, input.view, input.values),
    response_urls: [],
  };
}

export interface MessageShortcutInput {
  callbackId: string;
  user: UserRef;
  channel: ChannelRef;
  message: MessageLike;
  triggerId: string;
  responseUrl: string;
  nowMs: number;
}

/** `message_action`: a member runs the app's shortcut from a message's ⋮ menu. */
export function messageShortcut(app: AppIdentity, input: MessageShortcutInput) {
  return {
    type: 'message_action' as const,
    callback_id: input.callbackId,
    action_ts: secondsTs(input.nowMs),
    user: interactionUser(app, input.user),
    ...interactionBase(app),
    channel: { id: input.channel.id, name: input.channel.name },
    trigger_id: input.triggerId,
    response_url: input.responseUrl,
    message_ts: input.message.ts,
    message: { type: 'message', ...input.message },
  };
}

function viewWithState(app: AppIdentity, view: ViewPayload, values: Record<string, unknown> | undefined) {
  return {
    team_id: app.teamId,
    app_id: app.apiAppId,
    app_installed_team_id: app.teamId,
    root_view_id: view.id,
    previous_view_id: null,
    external_id: '',
    clear_on_close: false,
    notify_on_close: false,
    ...view,
    state: { values: values ?? {} },
  };
}

/** "seconds.micros" for action_ts and event_ts. */
function secondsTs(nowMs: number): string {
  const micros = Math.floor(nowMs * 1000);
  return `${Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, '0')}`;
}
