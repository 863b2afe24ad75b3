// The requests that crashed or stalled `firebreak start` (issue #13), sent correctly signed to a real
// process: it answers each at once with a 4xx or a 200 drop, never a 5xx or a 3 s wait, keeps
// serving, and /metrics stays bounded whatever event subtypes arrive.
import { createHmac } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../src/i18n/index.js';
import { actionIds, inputIds } from '../../src/slack/blocks/ids.js';
import { eventCallback, messageEvent, viewSubmission } from '../../src/sandbox/slack-payloads.js';
import type { RunningProcess } from '../support/cli.js';
import { startCrashHarness, type CrashHarness } from '../support/crash-harness.js';
import { SIGNING_SECRET } from './harness.js';

async function signed(url: string, contentType: string, body: string, options: { skewSeconds?: number; path?: string } = {}) {
  const timestamp = Math.floor(Date.now() / 1000) + (options.skewSeconds ?? 0);
  const signature = `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  const started = performance.now();
  const response = await fetch(`${url}${options.path ?? '/slack/events'}`, {
    method: 'POST',
    headers: { 'content-type': contentType, 'x-slack-signature': signature, 'x-slack-request-timestamp': String(timestamp) },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, text: await response.text(), ms: performance.now() - started };
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

describe('poison requests against a running firebreak start', () => {
  let harness: CrashHarness;
  let instance: RunningProcess;
  beforeAll(async () => {
    harness = await startCrashHarness();
    instance = await harness.start();
  }, 90_000);
  afterAll(async () => {
    await harness?.close();
  });

  it('answers every poison request at once, without a 5xx, and keeps running', async () => {
    const identity = harness.fake.workspace.appIdentity();
    const interaction = (payload: unknown) => form({ payload: JSON.stringify(payload) });
    const user = { id: harness.people.ann, name: 'ann', team_id: identity.teamId };
    const team = { id: identity.teamId, domain: identity.teamDomain };
    const cases: { name: string; contentType: string; body: string; expected: number }[] = [
      { name: 'JSON null', contentType: 'application/json', body: 'null', expected: 400 },
      { name: 'form payload=null', contentType: 'application/x-www-form-urlencoded', body: 'payload=null', expected: 400 },
      { name: 'JSON list', contentType: 'application/json', body: '[1,2]', expected: 400 },
      { name: 'JSON number', contentType: 'application/json', body: '7', expected: 400 },
      { name: 'payload not JSON', contentType: 'application/x-www-form-urlencoded', body: 'payload=%7B', expected: 400 },
      {
        name: 'event with a null channel',
        contentType: 'application/json',
        body: JSON.stringify(eventCallback(identity, { ...messageEvent({ channel: harness.support, user: harness.people.members[0]!, text: 'x', ts: '1700000000.000100' }), channel: null } as never, { nowMs: Date.now() })),
        expected: 200,
      },
      { name: 'event without event', contentType: 'application/json', body: JSON.stringify({ type: 'event_callback', team_id: identity.teamId }), expected: 200 },
      { name: 'view_submission without view', contentType: 'application/x-www-form-urlencoded', body: interaction({ type: 'view_submission', user, team }), expected: 200 },
      {
        name: 'draft.approve with value "{"',
        contentType: 'application/x-www-form-urlencoded',
        body: interaction({ type: 'block_actions', user, team, channel: { id: harness.alerts }, trigger_id: '1.2.3', response_url: harness.fake.issueResponseUrl(harness.people.ann, harness.alerts), actions: [{ action_id: actionIds.approveDraft, block_id: 'a', type: 'button', value: '{' }] }),
        expected: 200,
      },
      { name: 'view_submission of a modal nobody handles', contentType: 'application/x-www-form-urlencoded', body: interaction({ type: 'view_submission', user, team, view: { id: 'V1', callback_id: 'no_such_modal', private_metadata: '', state: { values: {} } } }), expected: 200 },
      { name: 'view_closed', contentType: 'application/x-www-form-urlencoded', body: interaction({ type: 'view_closed', user, team, view: { id: 'V1', callback_id: 'note_modal', private_metadata: '' } }), expected: 200 },
      { name: 'block_actions with null user', contentType: 'application/x-www-form-urlencoded', body: interaction({ type: 'block_actions', user: null, team, actions: [{ action_id: actionIds.acknowledge, value: '{"i":"x"}' }] }), expected: 200 },
      {
        name: 'slash command without text',
        contentType: 'application/x-www-form-urlencoded',
        body: form({ command: '/firebreak', team_id: identity.teamId, user_id: harness.people.ann, channel_id: harness.alerts, trigger_id: '1.2.3', response_url: harness.fake.issueResponseUrl(harness.people.ann, harness.alerts) }),
        expected: 200,
      },
      { name: 'slash command without user', contentType: 'application/x-www-form-urlencoded', body: form({ command: '/firebreak', team_id: identity.teamId, channel_id: harness.alerts, text: 'list' }), expected: 200 },
      // "Did you mean" compared every letter swap of the word with each command word: seconds of a blocked process.
      {
        name: 'slash command whose unknown word has 6,000 letters',
        contentType: 'application/x-www-form-urlencoded',
        body: form({ command: '/firebreak', text: 'ab'.repeat(3_000), team_id: identity.teamId, user_id: harness.people.ann, channel_id: harness.alerts, trigger_id: '1.2.3', response_url: harness.fake.issueResponseUrl(harness.people.ann, harness.alerts) }),
        expected: 200,
      },
      {
        name: 'slash command whose form says its charset',
        contentType: 'application/x-www-form-urlencoded; charset=UTF-8',
        body: form({ command: '/firebreak', text: 'help', team_id: identity.teamId, user_id: harness.people.ann, channel_id: harness.alerts, trigger_id: '1.2.3', response_url: harness.fake.issueResponseUrl(harness.people.ann, harness.alerts) }),
        expected: 200,
      },
    ];
    for (const poison of cases) {
      const answer = await signed(instance.url, poison.contentType, poison.body);
      expect({ name: poison.name, status: answer.status }).toEqual({ name: poison.name, status: poison.expected });
      expect(answer.ms, poison.name).toBeLessThan(2_500);
    }
    // The malformed button is answered in the clicker's ephemeral view, not with silence.
    await harness.waitFor('the explanation of the damaged button', () => harness.fake.workspace.ephemeralFor(harness.people.ann).some((message) => message.text.includes('approve button')));

    expect(instance.child.exitCode).toBeNull();
    expect((await harness.health(instance))?.status).toBeDefined();
    expect(instance.logs()).not.toMatch(/TypeError|unhandled/i);
    // And it still stores a member's message.
    const stored = await harness.post(harness.people.members[1]!, 'still here', { ts: `${Math.floor(Date.now() / 1000)}.000777` });
    expect(stored.status).toBe(200);
    await harness.waitFor('the message after the poison', async () => (await harness.database.prisma.scoredMessage.count({ where: { ts: { endsWith: '.000777' } } })) === 1);
  });

  it('a modal submitted with values of a type Slack never sends asks for the field, instead of failing on its side', async () => {
    expect((await harness.command(harness.people.ann, `declare <#${harness.support}|support> sev2 Checkout failing`)).status).toBe(200);
    const root = await harness.waitFor('the incident message', () => harness.rootMessage());
    const submitted = async (actionId: string, values: Record<string, Record<string, unknown>>) => {
      await harness.click(harness.people.ann, harness.alerts, root.ts, actionId);
      const view = await harness.waitFor(`the modal of ${actionId}`, () => harness.openModal(harness.people.ann));
      const payload = viewSubmission(harness.fake.workspace.appIdentity(), { user: { id: harness.people.ann, name: 'ann' }, view, values: {}, triggerId: harness.fake.workspace.issueTrigger(harness.people.ann) });
      (payload.view as { state: unknown }).state = { values };
      const answer = await signed(instance.url, 'application/x-www-form-urlencoded', form({ payload: JSON.stringify(payload) }));
      harness.fake.workspace.closeView(view.id);
      return JSON.parse(answer.text) as { errors?: Record<string, string> };
    };
    const note = await submitted(actionIds.addNote, { [inputIds.note]: { [inputIds.note]: { type: 'plain_text_input', value: ['Vendor'] } } });
    expect(note.errors).toEqual({ [inputIds.note]: t('en', 'refusal.text_required', { field: 'note' }) });
    const resolve = await submitted(actionIds.resolve, { [inputIds.resolutionSummary]: { [inputIds.resolutionSummary]: { type: 'plain_text_input', value: { text: 'Fixed' } } } });
    expect(resolve.errors).toEqual({ [inputIds.resolutionSummary]: t('en', 'refusal.text_required', { field: 'summary' }) });
    expect(instance.logs()).not.toMatch(/TypeError|listener failed/i);
  });

  it('a deletion whose previous_message is null still erases the message', async () => {
    const ts = `${Math.floor(Date.now() / 1000) - 5}.000888`;
    expect((await harness.post(harness.people.members[2]!, 'my card number is 4242', { ts })).status).toBe(200);
    await harness.waitFor('the message', async () => (await harness.database.prisma.scoredMessage.count({ where: { ts } })) === 1);
    const deletion = { type: 'message', subtype: 'message_deleted', hidden: true, channel: harness.support, ts: `${Math.floor(Date.now() / 1000)}.000889`, deleted_ts: ts, previous_message: null };
    expect((await signed(instance.url, 'application/json', JSON.stringify(eventCallback(harness.fake.workspace.appIdentity(), deletion as never, { nowMs: Date.now() })))).status).toBe(200);
    await harness.waitFor('the message erased', async () => (await harness.database.prisma.scoredMessage.findFirst({ where: { ts } }))?.deletedAt ?? undefined);
  });

  it('a message that had replies, deleted, arrives as a tombstone edit and is erased like a deletion', async () => {
    const ts = `${Math.floor(Date.now() / 1000) - 5}.000890`;
    expect((await harness.post(harness.people.members[2]!, 'call me on 555 0100, the app is useless', { ts })).status).toBe(200);
    await harness.waitFor('the message', async () => (await harness.database.prisma.scoredMessage.count({ where: { ts } })) === 1);
    const tombstone = {
      type: 'message',
      subtype: 'message_changed',
      hidden: true,
      channel: harness.support,
      ts: `${Math.floor(Date.now() / 1000)}.000891`,
      message: { type: 'message', subtype: 'tombstone', user: 'USLACKBOT', text: 'This message was deleted.', ts, thread_ts: ts, reply_count: 2, hidden: true },
      previous_message: { type: 'message', user: harness.people.members[2]!, text: 'call me on 555 0100, the app is useless', ts, thread_ts: ts },
    };
    expect((await signed(instance.url, 'application/json', JSON.stringify(eventCallback(harness.fake.workspace.appIdentity(), tombstone as never, { nowMs: Date.now() })))).status).toBe(200);
    const erased = await harness.waitFor('the message erased', async () => {
      const row = await harness.database.prisma.scoredMessage.findFirst({ where: { ts } });
      return row?.deletedAt ? row : undefined;
    });
    expect(erased.text ?? '').not.toContain('555 0100');
  });

  it('a member message with a field of a type Slack never sends is quarantined with the reason, not dropped', async () => {
    const identity = harness.fake.workspace.appIdentity();
    const base = messageEvent({ channel: harness.support, user: harness.people.members[0]!, text: 'the app ate my order again', ts: `${Math.floor(Date.now() / 1000)}.000901` });
    const shapes = [
      { ...base, thread_ts: 1700000000.0001 },
      { ...base, ts: `${Math.floor(Date.now() / 1000)}.000902`, text: null },
      { ...base, ts: `${Math.floor(Date.now() / 1000)}.000903`, channel_type: 7 },
    ];
    for (const event of shapes) expect((await signed(instance.url, 'application/json', JSON.stringify(eventCallback(identity, event as never, { nowMs: Date.now() })))).status).toBe(200);
    const kept = await harness.waitFor('the three quarantined', async () => {
      const rows = await harness.database.prisma.quarantinedMessage.findMany({ where: { reason: 'malformed_event', payload: { contains: '.00090' } }, orderBy: { at: 'asc' } });
      return rows.length === 3 ? rows : undefined;
    });
    expect(kept.map((row) => row.error)).toEqual(['event.thread_ts is not a timestamp', 'event.text is not a string', 'event.channel_type is not a string']);
    expect(kept.every((row) => row.channelId === harness.support && row.workspaceId === identity.teamId)).toBe(true);
    expect(kept[0]?.payload).toContain('the app ate my order again');
  });

  it('refuses requests signed more than 5 minutes in the future, like stale ones', async () => {
    const body = JSON.stringify(eventCallback(harness.fake.workspace.appIdentity(), messageEvent({ channel: harness.support, user: harness.people.members[0]!, text: 'from the future', ts: '1700000000.000200' }), { nowMs: Date.now() }));
    for (const skewSeconds of [600, 365 * 86_400, -600]) expect((await signed(instance.url, 'application/json', body, { skewSeconds })).status).toBe(401);
    expect((await signed(instance.url, 'application/json', body, { skewSeconds: 120 })).status).toBe(200);
  });

  it('a compressed body (a proxy compressing requests) is refused with 415 saying so, not as a bad signature', async () => {
    const body = JSON.stringify(eventCallback(harness.fake.workspace.appIdentity(), messageEvent({ channel: harness.support, user: harness.people.members[0]!, text: 'zipped on the way', ts: `${Math.floor(Date.now() / 1000)}.000951` }), { nowMs: Date.now() }));
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;
    const response = await fetch(`${instance.url}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-slack-signature': signature, 'x-slack-request-timestamp': String(timestamp) },
      body: gzipSync(body),
    });
    expect(response.status).toBe(415);
    expect(((await response.json()) as { message: string }).message).toMatch(/Content-Encoding "gzip" is not accepted.*proxy/);
  });

  it('answers an unknown /slack/ path with a quiet 404', async () => {
    const before = instance.logs().length;
    const response = await fetch(`${instance.url}/slack/anything`, { method: 'POST', body: 'x' });
    expect(response.status).toBe(404);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(instance.logs().slice(before)).not.toMatch(/error|stack/i);
  });

  it('keeps /metrics bounded whatever message subtypes arrive', async () => {
    const identity = harness.fake.workspace.appIdentity();
    for (let index = 0; index < 40; index += 1) {
      const event = { ...messageEvent({ channel: harness.support, user: harness.people.members[0]!, text: 'x', ts: `1700000000.${String(index).padStart(6, '0')}` }), subtype: `made_up_${index}` };
      expect((await signed(instance.url, 'application/json', JSON.stringify(eventCallback(identity, event as never, { nowMs: Date.now() })))).status).toBe(200);
    }
    // Events are processed after their ack: counted once the backlog has run.
    const series = async () => (await (await fetch(`${instance.url}/metrics`)).text()).split('\n').filter((line) => line.startsWith('firebreak_events_received_total{'));
    await expect.poll(async () => (await series()).find((line) => line.includes('type="message.other"')), { timeout: 10_000 }).toMatch(/ 40$/);
    expect((await series()).some((line) => line.includes('made_up'))).toBe(false);
  });
});
