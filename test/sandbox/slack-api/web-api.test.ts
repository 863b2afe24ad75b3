import { webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/domain/clock.js';
import type { WorkspaceChange } from '../../../src/sandbox/slack-api/index.js';
import { tsToMicros } from '../../../src/sandbox/slack-api/index.js';
import type { SeededFakeSlack } from '../../support/fake-slack.js';
import { startSeededFakeSlack, webClientFor } from '../../support/fake-slack.js';

const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);

/** The error code a WebClient call was refused with (it throws WebAPIPlatformError for ok:false). */
async function slackError(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    const data = (error as { data?: { error?: string } }).data;
    if (data?.error) return data.error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('loopback Slack Web API, driven by the real WebClient', () => {
  let fake: SeededFakeSlack;
  let clock: ManualClock;
  let client: webApi.WebClient;

  beforeEach(async () => {
    clock = new ManualClock(T0);
    fake = await startSeededFakeSlack({ clock });
    client = webClientFor(fake);
  });
  afterEach(async () => {
    await fake.close();
  });

  it('answers auth.test like Slack, for the bot token', async () => {
    expect(fake.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
    const result = await client.auth.test();
    expect(result).toMatchObject({
      ok: true,
      team_id: 'T0FIREBRK',
      user_id: fake.workspace.bot.user_id,
      bot_id: fake.workspace.bot.bot_id,
      url: 'https://firebreak-sandbox.slack.com/',
      is_enterprise_install: false,
    });
  });

  it('refuses a wrong token with invalid_auth and a missing one with not_authed', async () => {
    expect(await slackError(webClientFor(fake, { token: 'xoxb-forged' }).auth.test())).toBe('invalid_auth');
    const response = await fetch(`${fake.apiUrl}auth.test`, { method: 'POST' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: false, error: 'not_authed' });
  });

  it('posts messages with blocks, answers with ts/channel/message, and keeps them in history', async () => {
    const { community } = fake.ids;
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*Spike* in #community' } }];
    const posted = await client.chat.postMessage({ channel: community, text: 'Spike detected', blocks });
    expect(posted.ok).toBe(true);
    expect(posted.channel).toBe(community);
    expect(posted.ts).toBe('1795262400.000000');
    expect(posted.message).toMatchObject({ type: 'message', text: 'Spike detected', blocks, bot_id: fake.workspace.bot.bot_id, user: fake.workspace.bot.user_id });

    const history = await client.conversations.history({ channel: community });
    expect(history.messages?.map((m) => m.text)).toEqual(['Spike detected']);
  });

  it('hands out unique, increasing ts even when the clock does not move', async () => {
    const { community } = fake.ids;
    const stamps: string[] = [];
    for (let i = 0; i < 5; i += 1) stamps.push((await client.chat.postMessage({ channel: community, text: `m${i}` })).ts ?? '');
    clock.advance(1500);
    stamps.push((await client.chat.postMessage({ channel: community, text: 'later' })).ts ?? '');
    const micros = stamps.map(tsToMicros);
    expect(new Set(stamps).size).toBe(6);
    expect(micros).toEqual([...micros].sort((a, b) => a - b));
    expect(stamps[4]).toBe('1795262400.000004');
    expect(stamps[5]).toBe('1795262401.500000');
  });

  it('threads replies: parent gets reply_count, replies come back oldest first, history shows only the parent', async () => {
    const { community, alice } = fake.ids;
    const parent = fake.workspace.postMessage({ user_id: alice }, community, { text: 'This product is a scam' });
    const first = await client.chat.postMessage({ channel: community, thread_ts: parent.ts, text: 'Looking into it' });
    clock.advance(10);
    // A reply to a reply lands in the thread of the root, as in Slack.
    await client.chat.postMessage({ channel: community, thread_ts: first.ts ?? '', text: 'Update: fixed' });
    const replies = await client.conversations.replies({ channel: community, ts: parent.ts });
    expect(replies.messages?.map((m) => m.text)).toEqual(['This product is a scam', 'Looking into it', 'Update: fixed']);
    expect(replies.messages?.[0]).toMatchObject({ reply_count: 2, thread_ts: parent.ts, reply_users: [fake.workspace.bot.user_id] });
    expect(replies.messages?.[2]).toMatchObject({ thread_ts: parent.ts, parent_user_id: alice });
    const history = await client.conversations.history({ channel: community });
    expect(history.messages?.map((m) => m.text)).toEqual(['This product is a scam']);
    expect(await slackError(client.chat.postMessage({ channel: community, thread_ts: '1111111111.000001', text: 'x' }))).toBe('thread_not_found');
    expect(await slackError(client.conversations.replies({ channel: community, ts: '1111111111.000001' }))).toBe('thread_not_found');
  });

  it('answers Slack error codes for channels the bot cannot use', async () => {
    const { random, secret, community } = fake.ids;
    expect(await slackError(client.chat.postMessage({ channel: 'C0NOPE', text: 'x' }))).toBe('channel_not_found');
    expect(await slackError(client.chat.postMessage({ channel: random, text: 'x' }))).toBe('not_in_channel');
    expect(await slackError(client.chat.postMessage({ channel: secret, text: 'x' }))).toBe('channel_not_found');
    expect(await slackError(client.conversations.history({ channel: random }))).toBe('not_in_channel');
    expect(await slackError(client.chat.postMessage({ channel: community, text: '' }))).toBe('no_text');
    expect(await slackError(client.chat.postMessage({ channel: community, text: 'x'.repeat(40_001) }))).toBe('msg_too_long');
    fake.workspace.archiveChannel(community);
    expect(await slackError(client.chat.postMessage({ channel: community, text: 'x' }))).toBe('is_archived');
    expect(await slackError(client.conversations.join({ channel: community }))).toBe('is_archived');
  });

  it('refuses blocks that break Block Kit limits with invalid_blocks and the path, as Slack does', async () => {
    const { community, carol } = fake.ids;
    const tooMany = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    const error = await client.chat.postMessage({ channel: community, text: 'x', blocks: tooMany }).catch((e: { data: unknown }) => e.data);
    expect(error).toMatchObject({ ok: false, error: 'invalid_blocks', response_metadata: { messages: ['[ERROR] blocks has 51 blocks (per message); the limit is 50'] } });
    const longTitle = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'A title that is far too long' }, blocks: [] };
    expect(await slackError(client.views.open({ trigger_id: fake.workspace.issueTrigger(carol), view: longTitle }))).toBe('invalid_blocks');
    expect(fake.workspace.messagesIn(community)).toEqual([]);
  });

  it('posts to a member id through the bot\'s DM, and to a channel by name', async () => {
    const { dave, community } = fake.ids;
    const dm = await client.chat.postMessage({ channel: dave, text: 'Reminder: incident #3 needs an owner' });
    expect(dm.channel).toMatch(/^D/);
    const opened = await client.conversations.open({ users: dave });
    expect(opened.channel?.id).toBe(dm.channel);
    expect(opened.already_open).toBe(true);
    const info = await client.conversations.info({ channel: dm.channel ?? '' });
    expect(info.channel).toMatchObject({ is_im: true, user: dave, is_member: true });
    expect(fake.workspace.messagesIn(dm.channel ?? '').map((m) => m.text)).toEqual(['Reminder: incident #3 needs an owner']);
    const ims = await client.conversations.list({ types: 'im' });
    expect(ims.channels?.map((c) => c.id)).toEqual([dm.channel]);

    const byName = await client.chat.postMessage({ channel: '#community', text: 'by name' });
    expect(byName.channel).toBe(community);
    expect(await slackError(client.chat.postMessage({ channel: '#nowhere', text: 'x' }))).toBe('channel_not_found');
    expect(await slackError(client.conversations.open({ users: 'U0NOBODY' }))).toBe('user_not_found');
  });

  it('keeps message metadata and returns it from history only with include_all_metadata, as Slack does', async () => {
    const { community } = fake.ids;
    const metadata = { event_type: 'firebreak_outbox', event_payload: { key: 'incident-1:card' } };
    const parent = await client.chat.postMessage({ channel: community, text: 'card', metadata });
    await client.chat.postMessage({ channel: community, text: 'reply', thread_ts: parent.ts ?? '', metadata });
    const plain = await client.conversations.history({ channel: community });
    expect(plain.messages?.[0]?.metadata).toBeUndefined();
    const withMetadata = await client.conversations.history({ channel: community, include_all_metadata: true });
    expect(withMetadata.messages?.[0]?.metadata).toEqual(metadata);
    const thread = await client.conversations.replies({ channel: community, ts: parent.ts ?? '', include_all_metadata: true });
    expect(thread.messages?.map((m) => m.metadata?.event_payload)).toEqual([{ key: 'incident-1:card' }, { key: 'incident-1:card' }]);
    const bad = await client.apiCall('chat.postMessage', { channel: community, text: 'x', metadata: { event_type: 'has spaces', event_payload: {} } }).catch((e: { data: unknown }) => e.data);
    expect(bad).toMatchObject({ ok: false, error: 'invalid_metadata_format' });
  });

  it('updates and deletes only its own messages', async () => {
    const { community, alice } = fake.ids;
    const posted = await client.chat.postMessage({ channel: community, text: 'v1' });
    const updated = await client.chat.update({ channel: community, ts: posted.ts ?? '', text: 'v2' });
    expect(updated).toMatchObject({ ok: true, channel: community, ts: posted.ts, text: 'v2' });
    expect(fake.workspace.findMessage(community, posted.ts ?? '')).toMatchObject({ text: 'v2', edited: { user: fake.workspace.bot.user_id } });

    const theirs = fake.workspace.postMessage({ user_id: alice }, community, { text: 'mine' });
    expect(await slackError(client.chat.update({ channel: community, ts: theirs.ts, text: 'hijack' }))).toBe('cant_update_message');
    expect(await slackError(client.chat.delete({ channel: community, ts: theirs.ts }))).toBe('cant_delete_message');
    expect(await slackError(client.chat.update({ channel: community, ts: '1111111111.000001', text: 'x' }))).toBe('message_not_found');

    await client.chat.delete({ channel: community, ts: posted.ts ?? '' });
    expect(fake.workspace.findMessage(community, posted.ts ?? '')).toBeUndefined();
    expect(await slackError(client.chat.delete({ channel: community, ts: posted.ts ?? '' }))).toBe('message_not_found');
  });

  it('posts ephemeral messages only to members of the channel', async () => {
    const { community, carol, staffRoom, alice } = fake.ids;
    const result = await client.chat.postEphemeral({ channel: community, user: carol, text: 'Only you can see this' });
    expect(result.message_ts).toMatch(/^\d+\.\d{6}$/);
    expect(fake.workspace.ephemeralFor(carol)).toMatchObject([{ channel: community, text: 'Only you can see this' }]);
    expect(await slackError(client.chat.postEphemeral({ channel: staffRoom, user: alice, text: 'x' }))).toBe('user_not_in_channel');
    expect(await slackError(client.chat.postEphemeral({ channel: community, user: 'U0NOBODY', text: 'x' }))).toBe('user_not_found');
  });

  it('builds permalinks like Slack, with thread parameters for replies', async () => {
    const { community } = fake.ids;
    const parent = await client.chat.postMessage({ channel: community, text: 'root' });
    const reply = await client.chat.postMessage({ channel: community, text: 'reply', thread_ts: parent.ts ?? '' });
    const rootLink = await client.chat.getPermalink({ channel: community, message_ts: parent.ts ?? '' });
    expect(rootLink.permalink).toBe(`https://firebreak-sandbox.slack.com/archives/${community}/p${(parent.ts ?? '').replace('.', '')}`);
    const replyLink = await client.chat.getPermalink({ channel: community, message_ts: reply.ts ?? '' });
    expect(replyLink.permalink).toContain(`?thread_ts=${parent.ts}&cid=${community}`);
    expect(await slackError(client.chat.getPermalink({ channel: community, message_ts: '1111111111.000001' }))).toBe('message_not_found');
  });

  it('lists, describes and joins conversations with cursor pagination', async () => {
    const { community, random, staffRoom, secret } = fake.ids;
    const publicOnly = await client.conversations.list({});
    expect(publicOnly.channels?.map((c) => c.name).sort()).toEqual(['community', 'random']);

    const all = await client.conversations.list({ types: 'public_channel,private_channel', limit: 2 });
    expect(all.channels).toHaveLength(2);
    const next = all.response_metadata?.next_cursor ?? '';
    expect(next).not.toBe('');
    const rest = await client.conversations.list({ types: 'public_channel,private_channel', limit: 2, cursor: next });
    const names = [...(all.channels ?? []), ...(rest.channels ?? [])].map((c) => c.id);
    expect(names.sort()).toEqual([community, random, staffRoom].sort()); // never the private channel the bot is not in
    expect(rest.response_metadata?.next_cursor).toBe('');

    const info = await client.conversations.info({ channel: community, include_num_members: true });
    expect(info.channel).toMatchObject({ id: community, name: 'community', is_member: true, num_members: 5, is_private: false });
    expect(await slackError(client.conversations.info({ channel: secret }))).toBe('channel_not_found');

    const joined = await client.conversations.join({ channel: random });
    expect(joined.channel).toMatchObject({ id: random, is_member: true });
    expect(joined.warning).toBeUndefined();
    const again = await client.conversations.join({ channel: random });
    expect(again.warning).toBe('already_in_channel');
    const members = await client.conversations.members({ channel: random });
    expect(members.members).toContain(fake.workspace.bot.user_id);
  });

  it('pages conversations.history newest first with oldest/latest bounds', async () => {
    const { community } = fake.ids;
    const stamps: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      stamps.push((await client.chat.postMessage({ channel: community, text: `m${i}` })).ts ?? '');
      clock.advance(1000);
    }
    const page1 = await client.conversations.history({ channel: community, limit: 2 });
    expect(page1.messages?.map((m) => m.text)).toEqual(['m4', 'm3']);
    expect(page1.has_more).toBe(true);
    const page2 = await client.conversations.history({ channel: community, limit: 2, cursor: page1.response_metadata?.next_cursor ?? '' });
    expect(page2.messages?.map((m) => m.text)).toEqual(['m2', 'm1']);
    const bounded = await client.conversations.history({ channel: community, oldest: stamps[1], latest: stamps[3], inclusive: true });
    expect(bounded.messages?.map((m) => m.text)).toEqual(['m3', 'm2', 'm1']);
    const exclusive = await client.conversations.history({ channel: community, oldest: stamps[1], latest: stamps[3] });
    expect(exclusive.messages?.map((m) => m.text)).toEqual(['m2']);
  });

  it('serves users and user groups', async () => {
    const { carol, dave, staffGroup } = fake.ids;
    const info = await client.users.info({ user: carol });
    expect(info.user).toMatchObject({ id: carol, name: 'carol', real_name: 'Carol Staff', is_admin: true, is_bot: false });
    expect(await slackError(client.users.info({ user: 'U0NOBODY' }))).toBe('user_not_found');
    const list = await client.users.list({});
    expect(list.members?.map((m) => m.name).sort()).toEqual(['alice', 'bob', 'carol', 'dave', 'firebreak']);

    const groups = await client.usergroups.list({ include_users: true });
    expect(groups.usergroups).toMatchObject([{ id: staffGroup, handle: 'community-team', users: [carol, dave] }]);
    const withoutUsers = await client.usergroups.list({});
    expect(withoutUsers.usergroups?.[0]?.users).toBeUndefined();
    const members = await client.usergroups.users.list({ usergroup: staffGroup });
    expect(members.users).toEqual([carol, dave]);
    expect(await slackError(client.usergroups.users.list({ usergroup: 'S0NOPE' }))).toBe('no_such_subteam');
  });

  it('opens, pushes and updates modals with trigger ids that expire after 3 s and work once', async () => {
    const { carol } = fake.ids;
    const modal = { type: 'modal' as const, callback_id: 'declare', title: { type: 'plain_text' as const, text: 'Declare incident' }, blocks: [] };
    const trigger = fake.workspace.issueTrigger(carol);
    const opened = await client.views.open({ trigger_id: trigger, view: modal });
    expect(opened.view).toMatchObject({ type: 'modal', callback_id: 'declare', state: { values: {} }, team_id: 'T0FIREBRK' });
    const viewId = opened.view?.id ?? '';
    expect(opened.view?.root_view_id).toBe(viewId);
    expect(await slackError(client.views.open({ trigger_id: trigger, view: modal }))).toBe('exchanged_trigger_id');

    const stale = fake.workspace.issueTrigger(carol);
    clock.advance(3001);
    expect(await slackError(client.views.open({ trigger_id: stale, view: modal }))).toBe('expired_trigger_id');
    expect(await slackError(client.views.open({ trigger_id: '1.2.abc', view: modal }))).toBe('invalid_trigger_id');

    const pushed = await client.views.push({ trigger_id: fake.workspace.issueTrigger(carol), view: { ...modal, callback_id: 'step2' } });
    expect(pushed.view).toMatchObject({ root_view_id: viewId, previous_view_id: viewId });
    await client.views.push({ trigger_id: fake.workspace.issueTrigger(carol), view: modal });
    expect(await slackError(client.views.push({ trigger_id: fake.workspace.issueTrigger(carol), view: modal }))).toBe('push_limit_reached');

    const updated = await client.views.update({ view_id: viewId, hash: opened.view?.hash ?? '', view: { ...modal, private_metadata: '{"incident":1}' } });
    expect(updated.view?.private_metadata).toBe('{"incident":1}');
    expect(await slackError(client.views.update({ view_id: viewId, hash: opened.view?.hash ?? '', view: modal }))).toBe('hash_conflict');
    expect(await slackError(client.views.update({ view_id: 'V0NOPE', view: modal }))).toBe('not_found');
    expect(fake.workspace.openModals(carol)).toHaveLength(3);
  });

  it('publishes App Home per user', async () => {
    const { dave } = fake.ids;
    const home = { type: 'home' as const, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'No open incidents' } }] };
    const first = await client.views.publish({ user_id: dave, view: home });
    const second = await client.views.publish({ user_id: dave, view: { ...home, blocks: [] } });
    expect(second.view?.id).toBe(first.view?.id);
    expect(fake.workspace.homeView(dave)?.blocks).toEqual([]);
    expect(await slackError(client.views.publish({ user_id: 'U0NOBODY', view: home }))).toBe('user_not_found');
  });

  it('takes a file through getUploadURLExternal, the upload URL and completeUploadExternal (filesUploadV2)', async () => {
    const { community } = fake.ids;
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);
    const parent = await client.chat.postMessage({ channel: community, text: 'Incident #1' });
    const result = (await client.filesUploadV2({ channel_id: community, thread_ts: parent.ts ?? '', file: png, filename: 'chart.png', title: 'Negativity', initial_comment: 'The spike' })) as unknown as {
      ok: boolean;
      files: { files: { id: string; title: string; mimetype: string; url_private: string }[] }[];
    };
    expect(result.ok).toBe(true);
    const file = result.files[0]?.files[0];
    expect(file).toMatchObject({ title: 'Negativity', mimetype: 'image/png' });
    expect(fake.workspace.fileBytes(file?.id ?? '')).toEqual(png);
    const download = await fetch(file?.url_private ?? '');
    expect(Buffer.from(await download.arrayBuffer())).toEqual(png);

    const thread = await client.conversations.replies({ channel: community, ts: parent.ts ?? '' });
    expect(thread.messages?.[1]).toMatchObject({ text: 'The spike', files: [{ id: file?.id, name: 'chart.png' }] });
    expect(fake.api.calls().map((c) => c.method)).toEqual(['chat.postMessage', 'files.getUploadURLExternal', 'files.upload_url', 'files.completeUploadExternal', 'conversations.replies']);

    const neverSent = await client.files.getUploadURLExternal({ filename: 'x.png', length: 3 });
    expect(await slackError(client.files.completeUploadExternal({ files: [{ id: neverSent.file_id ?? '' }], channel_id: community }))).toBe('file_not_found');
  });

  it('adds reactions once per user', async () => {
    const { community, alice } = fake.ids;
    const message = fake.workspace.postMessage({ user_id: alice }, community, { text: 'hello' });
    await client.reactions.add({ channel: community, timestamp: message.ts, name: 'eyes' });
    expect(fake.workspace.findMessage(community, message.ts)?.reactions).toEqual([{ name: 'eyes', users: [fake.workspace.bot.user_id], count: 1 }]);
    expect(await slackError(client.reactions.add({ channel: community, timestamp: message.ts, name: 'eyes' }))).toBe('already_reacted');
    expect(await slackError(client.reactions.add({ channel: community, timestamp: message.ts, name: 'not an emoji!' }))).toBe('invalid_name');
  });

  it('accepts JSON bodies with a Bearer token, and form bodies with a token field', async () => {
    const { community } = fake.ids;
    const json = await fetch(`${fake.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${fake.botToken}` },
      body: JSON.stringify({ channel: community, text: 'json', blocks: [{ type: 'divider' }] }),
    });
    expect(await json.json()).toMatchObject({ ok: true, message: { text: 'json', blocks: [{ type: 'divider' }] } });
    // Slack ignores a token inside a JSON body.
    const tokenInJson = await fetch(`${fake.apiUrl}auth.test`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: fake.botToken }) });
    expect(await tokenInJson.json()).toEqual({ ok: false, error: 'not_authed' });
    const form = await fetch(`${fake.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: fake.botToken, channel: community, text: 'form', blocks: '[{"type":"divider"}]' }).toString(),
    });
    expect(await form.json()).toMatchObject({ ok: true, message: { text: 'form', blocks: [{ type: 'divider' }] } });
    const badBlocks = await fetch(`${fake.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${fake.botToken}` },
      body: new URLSearchParams({ channel: community, blocks: '[{"type":' }).toString(),
    });
    expect(await badBlocks.json()).toMatchObject({ ok: false, error: 'invalid_blocks_format' });
    const unknown = await client.apiCall('chat.scheduleMessage', { channel: community }).catch((e: { data: unknown }) => e.data);
    expect(unknown).toMatchObject({ ok: false, error: 'unknown_method' });
  });

  it('records every call with its args (never the token), time and response', async () => {
    const { community } = fake.ids;
    clock.set(T0 + 42);
    await client.chat.postMessage({ channel: community, text: 'recorded', blocks: [{ type: 'divider' }] });
    const [call] = fake.api.calls('chat.postMessage');
    expect(call).toMatchObject({ method: 'chat.postMessage', at: T0 + 42, status: 200, userId: fake.workspace.bot.user_id, args: { channel: community, text: 'recorded' } });
    expect(JSON.stringify(call)).not.toContain(fake.botToken);
    expect(call?.response).toMatchObject({ ok: true, channel: community });
    const waited = fake.api.waitForCall('chat.update', (c) => (c.args['text'] as string) === 'later', 2000);
    await client.chat.update({ channel: community, ts: (call?.response as { ts: string }).ts, text: 'later' });
    await expect(waited).resolves.toMatchObject({ status: 200 });
    await expect(fake.api.waitForCall('views.open', undefined, 50)).rejects.toThrow(/no matching views.open call within 50 ms/);
  });

  it('notifies changes and keeps a JSON-serialisable state that restores', async () => {
    const changes: WorkspaceChange['type'][] = [];
    fake.workspace.events.on('change', (change) => changes.push(change.type));
    const { community, alice } = fake.ids;
    const parent = fake.workspace.postMessage({ user_id: alice }, community, { text: 'root' });
    await client.chat.postMessage({ channel: community, text: 'reply', thread_ts: parent.ts });
    await client.reactions.add({ channel: community, timestamp: parent.ts, name: 'eyes' });
    expect(changes).toEqual(['message_posted', 'message_updated', 'message_posted', 'reaction_added', 'message_updated']);

    const snapshot = fake.workspace.snapshot();
    const restored = JSON.parse(JSON.stringify(snapshot)) as typeof snapshot;
    expect(restored).toEqual(snapshot);
    const { SlackWorkspace } = await import('../../../src/sandbox/slack-api/index.js');
    const copy = new SlackWorkspace({ state: restored, clock });
    expect(copy.messagesIn(community).map((m) => m.text)).toEqual(['root', 'reply']);
    // The copy keeps issuing ts after the last one, never reusing.
    const next = copy.postMessage({ user_id: alice }, community, { text: 'after restore' });
    expect(tsToMicros(next.ts)).toBeGreaterThan(tsToMicros(copy.messagesIn(community)[1]?.ts ?? ''));
  });
});

describe('fault injection', () => {
  let fake: SeededFakeSlack;
  let clock: ManualClock;

  beforeEach(async () => {
    clock = new ManualClock(T0);
    fake = await startSeededFakeSlack({ clock });
  });
  afterEach(async () => {
    await fake.close();
  });

  it('answers 429 with Retry-After for the next K calls, and the WebClient waits and retries', async () => {
    const client = webClientFor(fake, { retries: 3 });
    const rateLimited: number[] = [];
    client.on(webApi.WebClientEvent.RATE_LIMITED, (seconds: number) => rateLimited.push(seconds));
    fake.api.faults.rateLimit('chat.postMessage', 1, { times: 2 });
    const started = performance.now();
    const posted = await client.chat.postMessage({ channel: fake.ids.community, text: 'eventually' });
    const elapsed = performance.now() - started;
    expect(posted.ok).toBe(true);
    expect(rateLimited).toEqual([1, 1]);
    expect(elapsed).toBeGreaterThanOrEqual(1900); // honoured Retry-After: 1 twice
    expect(fake.api.calls('chat.postMessage').map((c) => c.status)).toEqual([429, 429, 200]);
    // Only one message despite three attempts.
    expect(fake.workspace.messagesIn(fake.ids.community)).toHaveLength(1);
  });

  it('lets a client that rejects rate-limited calls see the Retry-After', async () => {
    const client = webClientFor(fake, { rejectRateLimitedCalls: true });
    fake.api.faults.rateLimit('*', 30);
    const error = await client.auth.test().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: webApi.ErrorCode.RateLimitedError, retryAfter: 30 });
    const raw = await fetch(`${fake.apiUrl}auth.test`, { method: 'POST', headers: { authorization: `Bearer ${fake.botToken}` } });
    expect(raw.status).toBe(200); // the single injected 429 was used up
  });

  it('keeps answering 429 for a duration by the workspace clock', async () => {
    fake.api.faults.rateLimit('conversations.history', 5, { forMs: 10_000 });
    const call = () => fetch(`${fake.apiUrl}conversations.history?channel=${fake.ids.community}`, { headers: { authorization: `Bearer ${fake.botToken}` } });
    for (let i = 0; i < 3; i += 1) {
      const response = await call();
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('5');
    }
    clock.advance(10_000);
    expect((await call()).status).toBe(200);
  });

  it('answers HTTP 500, which the WebClient reports as an HTTP error', async () => {
    const client = webClientFor(fake);
    fake.api.faults.serverError('chat.update');
    const error = await client.chat.update({ channel: fake.ids.community, ts: '1.000001', text: 'x' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: webApi.ErrorCode.HTTPError, statusCode: 500 });
  });

  it('answers a chosen Slack error for one method without touching others', async () => {
    const client = webClientFor(fake);
    fake.api.faults.failWith('chat.postMessage', 'channel_not_found', { times: 1 });
    expect(await slackError(client.chat.postMessage({ channel: fake.ids.community, text: 'x' }))).toBe('channel_not_found');
    expect((await client.auth.test()).ok).toBe(true);
    expect((await client.chat.postMessage({ channel: fake.ids.community, text: 'x' })).ok).toBe(true);
  });

  it('answers slowly: a client that times out still gets its message posted, as with a slow Slack', async () => {
    const impatient = new webApi.WebClient(fake.botToken, { slackApiUrl: fake.apiUrl, timeout: 100, retryConfig: { retries: 0 }, logLevel: webApi.LogLevel.ERROR });
    fake.api.faults.delay('chat.postMessage', 400);
    const error = await impatient.chat.postMessage({ channel: fake.ids.community, text: 'slow' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: webApi.ErrorCode.RequestError });
    await fake.api.waitForCall('chat.postMessage', (c) => c.status === 200, 2000);
    expect(fake.workspace.messagesIn(fake.ids.community).map((m) => m.text)).toEqual(['slow']);
  });

  it('refuses nonsensical fault settings', () => {
    expect(() => fake.api.faults.rateLimit('*', -1)).toThrow(/retryAfterSeconds/);
    expect(() => fake.api.faults.serverError('*', {}, 200)).toThrow(/4xx or 5xx/);
    expect(() => fake.api.faults.failWith('*', 'Not A Code')).toThrow(/Slack error code/);
    expect(() => fake.api.faults.failWith('*', 'x', { times: 0 })).toThrow(/times/);
    expect(() => fake.api.faults.delay('*', 0)).toThrow(/ms must be/);
  });
});
