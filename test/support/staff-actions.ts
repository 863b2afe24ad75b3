// What staff do in Slack, as signed requests to a Firebreak events URL, and what they see in #alerts:
// shared by the in-process e2e harness and the child-process crash harness, which differ only in
// which URL a request goes to.
import type { FakeSlack } from '../../src/sandbox/slack-api/index.js';
import { sendToApp, type AppResponse, type SendToAppOptions } from '../../src/sandbox/signing.js';
import { messageBlockActions, messageShortcut, slashCommand, viewSubmission, type MessageLike, type SlackRequestKind, type ViewPayload } from '../../src/sandbox/slack-payloads.js';

/** Delivers a payload to the app some other way than a signed POST (Socket Mode). */
export type Deliver = (kind: SlackRequestKind, payload: object, options?: SendToAppOptions) => Promise<AppResponse>;
/** An events URL (signed HTTP requests) or a delivery function. */
export type AppTarget = string | Deliver;

export interface ButtonLike {
  action_id?: string;
  block_id?: string;
  value?: string;
  type?: string;
  text?: { type?: string; text?: string };
}

export function findButtons(blocks: unknown[]): ButtonLike[] {
  const found: ButtonLike[] = [];
  for (const block of blocks as { type?: string; block_id?: string; elements?: ButtonLike[]; accessory?: ButtonLike }[]) {
    for (const element of block.elements ?? []) if (element.type === 'button') found.push({ ...element, block_id: block.block_id });
    if (block.accessory?.type === 'button') found.push({ ...block.accessory, block_id: block.block_id });
  }
  return found;
}

/** The texts of the bot's direct messages to `user`, oldest first. */
export function directMessagesTo(fake: FakeSlack, user: string): string[] {
  const im = fake.workspace.listChannels(fake.workspace.grantFor(fake.botToken)!, { types: ['im'] }).find((channel) => channel.members.includes(user));
  return im ? fake.workspace.messagesIn(im.id).map((message) => message.text) : [];
}

export interface AlertsMessage {
  ts: string;
  text: string;
  blocks?: unknown[];
  metadata?: unknown;
}

export interface StaffActions {
  command(url: AppTarget, user: string, text: string): Promise<AppResponse>;
  click(url: AppTarget, user: string, channel: string, messageTs: string, actionId: string, match?: (value: string) => boolean): Promise<AppResponse>;
  /** Clicks `actionId` on `message` as `user` saw it, which may be older than the message as it is now (a stale client). */
  clickSeen(url: AppTarget, user: string, channel: string, message: AlertsMessage, actionId: string, match?: (value: string) => boolean): Promise<AppResponse>;
  /** Clicks the button with `actionId` (and a value `match` accepts) on the latest ephemeral message `user` sees with one (a confirmation's Undo). */
  clickEphemeral(url: AppTarget, user: string, actionId: string, match?: (value: string) => boolean): Promise<AppResponse>;
  /**
   * Runs the message shortcut `callbackId` from the ⋮ menu of `message` in `channel`; `responseUrlOnMessage`
   * issues its response_url on that message (one a response may replace).
   */
  shortcut(url: AppTarget, user: string, callbackId: string, channel: string, message: MessageLike, options?: { responseUrlOnMessage?: boolean }): Promise<AppResponse>;
  /** Submits the user's open modal; as Slack does, an empty acknowledgement closes it and `response_action: errors` keeps it open. */
  submit(url: AppTarget, user: string, values: Record<string, Record<string, unknown>>): Promise<AppResponse>;
  openModal(user: string): ViewPayload | undefined;
  rootMessage(): { ts: string; blocks: unknown[]; text: string } | undefined;
  thread(): AlertsMessage[];
}

export function staffActions(fake: FakeSlack, signingSecret: string, alerts: string): StaffActions {
  const workspace = fake.workspace;
  const identity = workspace.appIdentity();
  const sendTo = (target: AppTarget, kind: SlackRequestKind, payload: object) => (typeof target === 'string' ? sendToApp(target, signingSecret, kind, payload) : target(kind, payload));
  const channelRef = (channel: string) => ({ id: channel, name: channel === alerts ? 'alerts' : 'support' });
  const actions: StaffActions = {
    command: (url, user, text) =>
      sendTo(
        url,
        'command',
        slashCommand(identity, {
          command: '/firebreak',
          text,
          user: { id: user, name: workspace.getUser(user).name },
          channel: { id: alerts, name: 'alerts' },
          triggerId: workspace.issueTrigger(user),
          responseUrl: fake.issueResponseUrl(user, alerts),
        }),
      ),
    async click(url, user, channel, messageTs, actionId, match) {
      const message = workspace.findMessage(channel, messageTs);
      if (!message) throw new Error(`no message ${messageTs} in ${channel}`);
      return actions.clickSeen(url, user, channel, message, actionId, match);
    },
    clickSeen(url, user, channel, message, actionId, match = () => true) {
      const messageTs = message.ts;
      const button = findButtons(message.blocks ?? []).find((candidate) => candidate.action_id === actionId && match(candidate.value ?? ''));
      if (!button) throw new Error(`no button ${actionId} on message ${messageTs}: ${JSON.stringify(findButtons(message.blocks ?? []).map((b) => b.action_id))}`);
      return sendTo(
        url,
        'interaction',
        messageBlockActions(identity, {
          user: { id: user, name: user },
          channel: channelRef(channel),
          message,
          actions: [{ action_id: actionId, block_id: button.block_id ?? 'actions', value: button.value ?? '' }],
          triggerId: workspace.issueTrigger(user),
          responseUrl: fake.issueResponseUrl(user, channel, { message_ts: messageTs }),
          nowMs: Date.now(),
        }),
      );
    },
    clickEphemeral(url, user, actionId, match = () => true) {
      const buttonOf = (message: { blocks?: unknown[] }) => findButtons(message.blocks ?? []).find((candidate) => candidate.action_id === actionId && match(candidate.value ?? ''));
      const ephemeral = workspace.ephemeralFor(user).filter((message) => buttonOf(message)).at(-1);
      if (!ephemeral) throw new Error(`no ephemeral message with ${actionId} for ${user}`);
      const button = buttonOf(ephemeral)!;
      return sendTo(
        url,
        'interaction',
        messageBlockActions(identity, {
          user: { id: user, name: user },
          channel: channelRef(ephemeral.channel),
          message: { ...ephemeral } as never,
          actions: [{ action_id: actionId, block_id: button.block_id ?? 'actions', value: button.value ?? '' }],
          triggerId: workspace.issueTrigger(user),
          responseUrl: fake.issueResponseUrl(user, ephemeral.channel),
          nowMs: Date.now(),
        }),
      );
    },
    shortcut: (url, user, callbackId, channel, message, options = {}) =>
      sendTo(
        url,
        'interaction',
        messageShortcut(identity, {
          callbackId,
          user: { id: user, name: user },
          channel: channelRef(channel),
          message,
          triggerId: workspace.issueTrigger(user),
          responseUrl: fake.issueResponseUrl(user, channel, options.responseUrlOnMessage ? { message_ts: message.ts } : undefined),
          nowMs: Date.now(),
        }),
      ),
    async submit(url, user, values) {
      const view = actions.openModal(user);
      if (!view) throw new Error(`${user} has no modal open`);
      const response = await sendTo(url, 'interaction', viewSubmission(identity, { user: { id: user, name: user }, view, values, triggerId: workspace.issueTrigger(user) }));
      // As Slack applies the acknowledgement: none closes the modal, `update` replaces it, `clear` closes them all, `errors` keeps it.
      let answer: { response_action?: unknown; view?: unknown } = {};
      try {
        answer = response.body ? (JSON.parse(response.body) as typeof answer) : {};
      } catch {
        // Not JSON: Slack treats it as no response_action.
      }
      if (response.status === 200) {
        if (answer.response_action === 'update') workspace.updateView({ user_id: workspace.bot.user_id, bot_id: workspace.bot.bot_id }, { view_id: view.id }, answer.view as Record<string, unknown>);
        else if (answer.response_action === 'clear') for (const open of workspace.openModals(user)) workspace.closeView(open.id);
        else if (answer.response_action === undefined) workspace.closeView(view.id);
      }
      return response;
    },
    openModal(user) {
      return workspace.openModals(user).at(-1) as unknown as ViewPayload | undefined;
    },
    rootMessage() {
      return workspace.messagesIn(alerts).find((message) => !message.thread_ts || message.thread_ts === message.ts) as { ts: string; blocks: unknown[]; text: string } | undefined;
    },
    thread() {
      const root = actions.rootMessage();
      return root ? workspace.messagesIn(alerts).filter((message) => message.thread_ts === root.ts && message.ts !== root.ts) : [];
    },
  };
  return actions;
}
