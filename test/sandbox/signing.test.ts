import type { App } from '@slack/bolt';
import { verifySlackRequest } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sendToApp, signSlackRequest } from '../../src/sandbox/signing.js';
import {
  encodeSlackRequest,
  eventCallback,
  messageBlockActions,
  messageEvent,
  messageShortcut,
  slashCommand,
  viewSubmission,
} from '../../src/sandbox/slack-payloads.js';
import type { RunningBoltApp } from '../support/bolt-app.js';
import { startBoltApp } from '../support/bolt-app.js';
import type { SeededFakeSlack } from '../support/fake-slack.js';
import { startSeededFakeSlack } from '../support/fake-slack.js';

describe('signSlackRequest', () => {
  it('reproduces the worked example from Slack\'s "Verifying requests" guide', () => {
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(signSlackRequest('8f742231b10e8888abcd99yyyzzz85a5', body, 1531420618)).toEqual({
      'X-Slack-Signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
      'X-Slack-Request-Timestamp': '1531420618',
    });
  });

  it('is accepted by Bolt\'s own verifier, and a changed byte is not', () => {
    const now = Date.now();
    const body = JSON.stringify({ type: 'event_callback', event: { type: 'app_mention', text: 'héllo 🔥' } });
    const headers = signSlackRequest('s3cret', body, Math.floor(now / 1000));
    const asHeaders = { 'x-slack-signature': headers['X-Slack-Signature'], 'x-slack-request-timestamp': Number(headers['X-Slack-Request-Timestamp']) };
    expect(() => verifySlackRequest({ signingSecret: 's3cret', body, headers: asHeaders, nowMilliseconds: now })).not.toThrow();
    expect(() => verifySlackRequest({ signingSecret: 's3cret', body: body.replace('🔥', '🧯'), headers: asHeaders, nowMilliseconds: now })).toThrow(/signature mismatch/);
  });

  it('refuses an empty secret and a timestamp that is not whole seconds', () => {
    expect(() => signSlackRequest('', 'x', 1)).toThrow(/signingSecret is empty/);
    expect(() => signSlackRequest('s', 'x', 1.5)).toThrow(/whole epoch seconds/);
  });
});

describe('encodeSlackRequest', () => {
  it('sends events as JSON, commands as a form, interactions as payload=<json>', () => {
    expect(encodeSlackRequest('event', { a: 1 })).toEqual({ body: '{"a":1}', contentType: 'application/json' });
    expect(encodeSlackRequest('command', { command: '/firebreak', text: 'status #community' })).toEqual({
      body: 'command=%2Ffirebreak&text=status+%23community',
      contentType: 'application/x-www-form-urlencoded',
    });
    const interaction = encodeSlackRequest('interaction', { type: 'block_actions' });
    expect(new URLSearchParams(interaction.body).get('payload')).toBe('{"type":"block_actions"}');
    expect(() => encodeSlackRequest('command', { nested: { no: 1 } })).toThrow(/slash command field "nested"/);
  });
});

describe('sendToApp against a real Bolt App (HTTPReceiver)', () => {
  const secret = 'sandbox-signing-secret';
  let fake: SeededFakeSlack;
  let bolt: RunningBoltApp;
  const received: { kind: string; body: unknown; retryNum?: number | undefined; retryReason?: string | undefined }[] = [];

  function register(app: App): void {
    app.event('app_mention', async ({ event, client, context }) => {
      received.push({ kind: 'app_mention', body: event, retryNum: context.retryNum, retryReason: context.retryReason });
      await client.chat.postMessage({ channel: event.channel, thread_ts: event.ts, text: 'On it' });
    });
    app.message(async ({ message }) => {
      received.push({ kind: 'message', body: message });
    });
    app.command('/firebreak', async ({ ack, command }) => {
      received.push({ kind: 'command', body: command });
      await ack({ response_type: 'ephemeral', text: `Status for ${command.text}` });
    });
    app.action('acknowledge', async ({ ack, body }) => {
      received.push({ kind: 'action', body });
      await ack();
    });
    app.view('declare', async ({ ack, view }) => {
      received.push({ kind: 'view', body: view });
      await ack({ response_action: 'errors', errors: { severity: 'Pick a severity' } });
    });
    app.action('resolve', async ({ ack, respond }) => {
      await ack();
      await respond({ replace_original: true, text: 'Resolved by Carol' });
      received.push({ kind: 'resolved', body: null });
    });
    app.command('/firebreak-announce', async ({ ack, respond }) => {
      await ack();
      await respond({ response_type: 'in_channel', text: 'Incident #1 is resolved' });
      try {
        for (let i = 0; i < 5; i += 1) await respond({ text: `ephemeral ${i}` });
      } catch (error) {
        received.push({ kind: 'respond_failed', body: (error as { statusCode?: number }).statusCode });
      }
    });
    app.shortcut('report_message', async ({ ack, shortcut }) => {
      received.push({ kind: 'shortcut', body: shortcut });
      await ack();
    });
  }

  beforeEach(async () => {
    received.length = 0;
    fake = await startSeededFakeSlack();
    bolt = await startBoltApp(fake, secret, register);
  });
  afterEach(async () => {
    await bolt.stop();
    await fake.close();
  });

  it('delivers a signed event_callback to a listener, whose reply lands in the loopback Slack', async () => {
    const app = fake.workspace.appIdentity();
    const { community, alice } = fake.ids;
    const mention = fake.workspace.postMessage({ user_id: alice }, community, { text: `<@${app.botUserId}> help` });
    const envelope = eventCallback(app, { type: 'app_mention', user: alice, text: mention.text, ts: mention.ts, channel: community }, { nowMs: Date.now() });
    expect(envelope).toMatchObject({ type: 'event_callback', team_id: app.teamId, api_app_id: app.apiAppId, authorizations: [{ user_id: app.botUserId, is_bot: true }] });
    expect(envelope.event_id).toMatch(/^Ev[0-9A-F]{12}$/);

    const response = await sendToApp(bolt.eventsUrl, secret, 'event', envelope);
    expect(response.status).toBe(200);
    const reply = await fake.api.waitForCall('chat.postMessage');
    expect(reply.args).toMatchObject({ channel: community, thread_ts: mention.ts, text: 'On it' });
    expect(fake.workspace.replies(fake.workspace.grantFor(fake.botToken)!, community, mention.ts).map((m) => m.text)).toEqual([mention.text, 'On it']);
    expect(received[0]).toMatchObject({ kind: 'app_mention', retryNum: undefined });
  });

  it('marks redeliveries with X-Slack-Retry-Num and X-Slack-Retry-Reason, which Bolt exposes', async () => {
    const app = fake.workspace.appIdentity();
    const mention = fake.workspace.postMessage({ user_id: fake.ids.alice }, fake.ids.community, { text: 'hi' });
    const envelope = eventCallback(app, { type: 'app_mention', user: fake.ids.alice, text: 'hi', ts: mention.ts, channel: fake.ids.community }, { nowMs: Date.now() });
    const response = await sendToApp(bolt.eventsUrl, secret, 'event', envelope, { retryNum: 2, retryReason: 'http_timeout' });
    expect(response.status).toBe(200);
    await fake.api.waitForCall('chat.postMessage');
    expect(received[0]).toMatchObject({ retryNum: 2, retryReason: 'http_timeout' });
  });

  it('delivers member messages as message events', async () => {
    const app = fake.workspace.appIdentity();
    const event = messageEvent({ channel: fake.ids.community, user: fake.ids.bob, text: 'this is awful', ts: '1795262400.000200', team: app.teamId });
    expect((await sendToApp(bolt.eventsUrl, secret, 'event', eventCallback(app, event, { nowMs: Date.now() }))).status).toBe(200);
    expect(received).toMatchObject([{ kind: 'message', body: { text: 'this is awful', user: fake.ids.bob, channel_type: 'channel' } }]);
  });

  it('delivers a slash command and returns the app\'s acknowledgement body', async () => {
    const command = slashCommand(fake.workspace.appIdentity(), {
      command: '/firebreak',
      text: 'status',
      user: { id: fake.ids.carol, name: 'carol' },
      channel: { id: fake.ids.staffRoom, name: 'staff-room' },
      triggerId: fake.workspace.issueTrigger(fake.ids.carol),
      responseUrl: `${fake.origin}/response/1`,
    });
    const response = await sendToApp(bolt.eventsUrl, secret, 'command', command);
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ response_type: 'ephemeral', text: 'Status for status' });
    expect(received[0]?.body).toMatchObject({ command: '/firebreak', user_id: fake.ids.carol, channel_id: fake.ids.staffRoom, team_domain: 'firebreak-sandbox' });
  });

  it('delivers block_actions, view_submission and message_action interactions', async () => {
    const app = fake.workspace.appIdentity();
    const carol = { id: fake.ids.carol, name: 'carol' };
    const channel = { id: fake.ids.community, name: 'community' };
    const message = fake.workspace.postMessage(fake.workspace.grantFor(fake.botToken)!, fake.ids.community, { text: 'Incident opened' });

    const click = messageBlockActions(app, {
      user: carol,
      channel,
      message,
      actions: [{ action_id: 'acknowledge', block_id: 'incident-1', value: 'inc_1', text: 'Acknowledge' }],
      triggerId: fake.workspace.issueTrigger(carol.id),
      responseUrl: `${fake.origin}/response/2`,
      nowMs: Date.now(),
    });
    expect((await sendToApp(bolt.eventsUrl, secret, 'interaction', click)).status).toBe(200);

    const submission = viewSubmission(app, {
      user: carol,
      view: { id: 'V0TEST', type: 'modal', callback_id: 'declare', private_metadata: '{"channel":"C1"}', blocks: [], hash: '1.abc' },
      values: { severity: { pick: { type: 'static_select', selected_option: null } } },
      triggerId: fake.workspace.issueTrigger(carol.id),
    });
    const submitted = await sendToApp(bolt.eventsUrl, secret, 'interaction', submission);
    expect(submitted.status).toBe(200);
    expect(JSON.parse(submitted.body)).toEqual({ response_action: 'errors', errors: { severity: 'Pick a severity' } });

    const shortcut = messageShortcut(app, { callbackId: 'report_message', user: carol, channel, message, triggerId: fake.workspace.issueTrigger(carol.id), responseUrl: `${fake.origin}/response/3`, nowMs: Date.now() });
    expect((await sendToApp(bolt.eventsUrl, secret, 'interaction', shortcut)).status).toBe(200);

    expect(received.map((r) => r.kind)).toEqual(['action', 'view', 'shortcut']);
    expect(received[0]?.body).toMatchObject({ type: 'block_actions', container: { type: 'message', message_ts: message.ts }, actions: [{ action_id: 'acknowledge', value: 'inc_1' }] });
    expect(received[1]?.body).toMatchObject({ callback_id: 'declare', private_metadata: '{"channel":"C1"}', state: { values: { severity: { pick: { type: 'static_select' } } } } });
    expect(received[2]?.body).toMatchObject({ type: 'message_action', callback_id: 'report_message', message_ts: message.ts });
  });

  it('applies respond() through the response_url: replace the original, post in channel, refuse a sixth use', async () => {
    const app = fake.workspace.appIdentity();
    const carol = { id: fake.ids.carol, name: 'carol' };
    const channel = { id: fake.ids.community, name: 'community' };
    const bot = fake.workspace.grantFor(fake.botToken)!;
    const card = fake.workspace.postMessage(bot, fake.ids.community, { text: 'Incident #1', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Incident #1' } }] });
    const click = messageBlockActions(app, {
      user: carol,
      channel,
      message: card,
      actions: [{ action_id: 'resolve', block_id: 'incident-1', value: 'inc_1' }],
      triggerId: fake.workspace.issueTrigger(carol.id),
      responseUrl: fake.issueResponseUrl(carol.id, fake.ids.community, { message_ts: card.ts }),
      nowMs: Date.now(),
    });
    expect((await sendToApp(bolt.eventsUrl, secret, 'interaction', click)).status).toBe(200);
    await fake.api.waitForCall('response_url');
    await expect.poll(() => received.map((r) => r.kind)).toEqual(['resolved']);
    expect(fake.workspace.findMessage(fake.ids.community, card.ts)).toMatchObject({ text: 'Resolved by Carol', blocks: [] });

    const command = slashCommand(app, {
      command: '/firebreak-announce',
      text: '',
      user: carol,
      channel,
      triggerId: fake.workspace.issueTrigger(carol.id),
      responseUrl: fake.issueResponseUrl(carol.id, fake.ids.community),
    });
    expect((await sendToApp(bolt.eventsUrl, secret, 'command', command)).status).toBe(200);
    await expect.poll(() => received.map((r) => r.kind)).toEqual(['resolved', 'respond_failed']);
    expect(received[1]?.body).toBe(404);
    expect(fake.workspace.messagesIn(fake.ids.community).map((m) => m.text)).toContain('Incident #1 is resolved');
    expect(fake.workspace.ephemeralFor(carol.id).map((m) => m.text)).toEqual(['ephemeral 0', 'ephemeral 1', 'ephemeral 2', 'ephemeral 3']);
    expect(fake.api.calls('response_url').map((c) => c.status)).toEqual([200, 200, 200, 200, 200, 200, 404]);
  });

  it('gets 401 for a forged signature and for a request signed 6 minutes ago', async () => {
    const mention = fake.workspace.postMessage({ user_id: fake.ids.alice }, fake.ids.community, { text: 'hi' });
    const envelope = eventCallback(fake.workspace.appIdentity(), { type: 'app_mention', user: fake.ids.alice, text: 'hi', ts: mention.ts, channel: fake.ids.community }, { nowMs: Date.now() });
    const forged = await sendToApp(bolt.eventsUrl, 'not-the-secret', 'event', envelope);
    expect(forged.status).toBe(401);
    const stale = await sendToApp(bolt.eventsUrl, secret, 'event', envelope, { signedAtMs: Date.now() - 6 * 60 * 1000 });
    expect(stale.status).toBe(401);
    const fresh = await sendToApp(bolt.eventsUrl, secret, 'event', envelope, { signedAtMs: Date.now() - 4 * 60 * 1000 });
    expect(fresh.status).toBe(200);
    await fake.api.waitForCall('chat.postMessage');
    expect(received).toHaveLength(1);
    expect(fake.api.calls('chat.postMessage')).toHaveLength(1);
  });
});
